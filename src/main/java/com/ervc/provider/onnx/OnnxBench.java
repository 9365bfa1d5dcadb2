package com.ervc.provider.onnx;

import com.ervc.protocol.TtsRequest;
import com.ervc.provider.espeak.EspeakSynthesizer;
import io.vertx.core.json.JsonObject;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * scripts/bench-onnx.sh: for 1, 2, 4 and 8 concurrent streams, each synthesizing the same sentences one after
 * another with the default voice of MODEL_DIR, prints the real-time factor (synthesis time / audio time), the
 * time to first audio (first sentence of a stream, median and p95) and throughput (audio seconds per second).
 */
public final class OnnxBench {
  private static final List<String> SENTENCES = List.of(
      "The quick brown fox jumps over the lazy dog.",
      "Local neural voices run on ONNX Runtime.",
      "How long does the first sentence take?",
      "Streams share one session per model.");
  private static final int RATE = 24_000;

  private OnnxBench() {
  }

  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      System.err.println("usage: OnnxBench MODEL_DIR [--gpu] [--rounds N]");
      System.exit(2);
    }
    boolean gpu = Arrays.asList(args).contains("--gpu");
    int rounds = Arrays.asList(args).contains("--rounds") ? Integer.parseInt(args[Arrays.asList(args).indexOf("--rounds") + 1]) : 3;
    if (gpu && !CudaProbe.probe().available()) {
      System.err.println("--gpu: " + CudaProbe.probe().detail());
      System.exit(1);
    }
    EspeakPhonemizer phonemizer = new EspeakPhonemizer(new EspeakSynthesizer("espeak-ng", 20_000, false)::ipa);
    try (OnnxVoices voices = OnnxVoices.load(Path.of(args[0]), 1, gpu, 8, 64)) {
      if (voices.voices().isEmpty()) {
        System.err.println("no usable model in " + args[0] + ": " + voices.rejected());
        System.exit(1);
      }
      OnnxVoices.Voice voice = voices.find(voices.defaultVoice()).orElseThrow();
      System.out.printf("model %s (%s, %d Hz, %s), %d rounds of %d sentences per stream, output %d Hz%n",
          voice.id(), voice.model().format(), voice.model().sampleRate(), gpu ? "CUDA" : "CPU", rounds, SENTENCES.size(), RATE);
      run(voices, voice, phonemizer, 1, 1); // warm-up
      System.out.printf("%-8s %8s %12s %12s %18s%n", "streams", "RTF", "TTFA p50 ms", "TTFA p95 ms", "throughput (x RT)");
      for (int streams : new int[] {1, 2, 4, 8}) {
        run(voices, voice, phonemizer, streams, rounds).print(streams);
      }
    }
  }

  private record Result(double rtf, double ttfaP50, double ttfaP95, double throughput) {
    void print(int streams) {
      System.out.printf("%-8d %8.3f %12.1f %12.1f %18.1f%n", streams, rtf, ttfaP50, ttfaP95, throughput);
    }
  }

  private static Result run(OnnxVoices voices, OnnxVoices.Voice voice, EspeakPhonemizer phonemizer, int streams,
                            int rounds) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(streams);
    try {
      long start = System.nanoTime();
      List<Future<double[]>> results = new ArrayList<>();
      for (int s = 0; s < streams; s++) {
        results.add(pool.submit(() -> {
          double synthSeconds = 0;
          double audioSeconds = 0;
          double ttfa = -1;
          long streamStart = System.nanoTime();
          for (int r = 0; r < rounds; r++) {
            for (String text : SENTENCES) {
              long t0 = System.nanoTime();
              TtsRequest request = TtsRequest.parse(new JsonObject().put("text", text), 5000, RATE).withProvider("onnx", voice.id());
              byte[] pcm = voices.synthesize(voice, request, false, phonemizer);
              long t1 = System.nanoTime();
              if (ttfa < 0) {
                ttfa = (t1 - streamStart) / 1e6;
              }
              synthSeconds += (t1 - t0) / 1e9;
              audioSeconds += pcm.length / 2.0 / RATE;
            }
          }
          return new double[] {synthSeconds, audioSeconds, ttfa};
        }));
      }
      double synth = 0;
      double audio = 0;
      double[] ttfas = new double[streams];
      for (int s = 0; s < streams; s++) {
        double[] r = results.get(s).get(10, TimeUnit.MINUTES);
        synth += r[0];
        audio += r[1];
        ttfas[s] = r[2];
      }
      double wall = (System.nanoTime() - start) / 1e9;
      Arrays.sort(ttfas);
      return new Result(synth / audio, ttfas[(streams - 1) / 2], ttfas[(int) Math.ceil(0.95 * streams) - 1], audio / wall);
    } finally {
      pool.shutdownNow();
    }
  }
}
