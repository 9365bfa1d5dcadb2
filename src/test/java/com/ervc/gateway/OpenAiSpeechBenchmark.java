package com.ervc.gateway;

import com.ervc.audio.Pcm16;
import com.ervc.audio.StreamEncoder;
import com.ervc.bench.TtfaBenchmark;
import com.ervc.node.Node;
import com.ervc.testing.TestNodes;
import com.ervc.testing.WsProbe;
import io.vertx.core.json.JsonObject;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static com.ervc.bench.TtfaBenchmark.median;
import static com.ervc.bench.TtfaBenchmark.percentile;

/**
 * The OpenAI-compatible endpoint side by side in one run (docs/benchmarks.md): time to first byte and total time of
 * each response_format against pcm and against the WebSocket's time to first audio, every request on a cache miss
 * (each its own text of the same shape), interleaved round by round; then each encoder's cost per second of audio
 * (the Java encoders in this JVM, ffmpeg as a process).
 * Run with scripts/bench-openai.sh [rounds].
 */
public final class OpenAiSpeechBenchmark {
  private static final String TEXT = "The quick brown fox jumps over the lazy dog %s times. Then it rests a while.";
  private static final int WARMUP = 3;
  private static final int RATE = OpenAiSpeechApi.SAMPLE_RATE;

  private OpenAiSpeechBenchmark() {
  }

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    Map<String, String> env = TestNodes.env(TestNodes.uniqueClusterName());
    env.put("WEBSOCKET_RATE_LIMIT", "100000");
    env.put("CHARACTERS_PER_USER_PER_MINUTE", "10000000");
    Node node = TestNodes.start(env);
    String token = TestNodes.devTokens(node.vertx(), node.httpPort()).getString("apiToken");
    HttpClient http = HttpClient.newHttpClient();
    URI uri = URI.create("http://127.0.0.1:" + node.httpPort() + "/v1/audio/speech");
    Map<String, List<Double>> firstByte = new LinkedHashMap<>();
    Map<String, List<Double>> total = new LinkedHashMap<>();
    List<Double> webSocket = new ArrayList<>();
    byte[] pcm = null;
    int text = 0;
    try (WsProbe ws = new WsProbe(node.vertx(), node.httpPort())) {
      ws.nextOfType("ready");
      for (int i = -WARMUP; i < rounds; i++) {
        double wsTtfa = TtfaBenchmark.speak(ws, new JsonObject().put("type", "synthesize")
            .put("id", "r" + i).put("text", TEXT.formatted(++text)).put("provider", "espeak").put("voice", "en-us")
            .put("quality", "fast"));
        if (i >= 0) {
          webSocket.add(wsTtfa);
        }
        for (SpeechFormat format : SpeechFormat.values()) {
          String body = new JsonObject().put("model", "tts-1").put("voice", "alloy")
              .put("input", TEXT.formatted(++text)).put("response_format", format.wire()).encode();
          long start = System.nanoTime();
          HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(uri)
              .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofInputStream());
          byte[] bytes;
          double first;
          try (InputStream in = response.body()) {
            int b = in.read();
            first = (System.nanoTime() - start) / 1e6;
            bytes = in.readAllBytes();
            if (b < 0 || response.statusCode() != 200) {
              throw new IllegalStateException(format + ": " + response.statusCode() + " " + new String(bytes));
            }
          }
          double all = (System.nanoTime() - start) / 1e6;
          if (i >= 0) {
            firstByte.computeIfAbsent(format.wire(), k -> new ArrayList<>()).add(first);
            total.computeIfAbsent(format.wire(), k -> new ArrayList<>()).add(all);
          }
          if (format == SpeechFormat.PCM) {
            pcm = bytes;
          }
        }
      }
    } finally {
      TestNodes.stop(node);
    }
    double pcmFirst = median(firstByte.get("pcm"));
    double pcmTotal = median(total.get("pcm"));
    double wsMedian = median(webSocket);
    System.out.printf(Locale.ROOT, "%d rounds, cache misses, medians in ms (p95 in brackets)%n", rounds);
    System.out.printf(Locale.ROOT, "%-22s %16s %16s %10s %10s %10s%n", "", "first byte", "total", "first/pcm",
        "total/pcm", "first/WS");
    System.out.printf(Locale.ROOT, "%-22s %7.1f [%6.1f] %16s %10s %10s %10.2f%n", "WebSocket TTFA", wsMedian,
        percentile(webSocket, 95), "", "", "", 1.0);
    for (String format : firstByte.keySet()) {
      List<Double> f = firstByte.get(format);
      List<Double> t = total.get(format);
      System.out.printf(Locale.ROOT, "%-22s %7.1f [%6.1f] %7.1f [%6.1f] %10.2f %10.2f %10.2f%n",
          "/v1/audio/speech " + format, median(f), percentile(f, 95), median(t), percentile(t, 95),
          median(f) / pcmFirst, median(t) / pcmTotal, median(f) / wsMedian);
    }
    double seconds = pcm.length / 2.0 / RATE;
    System.out.printf(Locale.ROOT, "%nencoder cost for %.2f s of audio (median of %d; Java: in this JVM, fed 100 ms "
        + "chunks; ffmpeg: one process, start included)%n", seconds, Math.max(3, rounds));
    for (SpeechFormat format : SpeechFormat.values()) {
      if (format.hasJavaEncoder() || format.needsFfmpeg()) {
        List<Double> ms = new ArrayList<>();
        for (int i = 0; i < Math.max(3, rounds); i++) {
          ms.add(format.hasJavaEncoder() ? javaEncodeMs(format, pcm) : encodeMs(format, pcm));
        }
        System.out.printf(Locale.ROOT, "%-6s %-6s %7.1f ms  = %6.1f ms per second of audio%n", format.wire(),
            format.hasJavaEncoder() ? "Java" : "ffmpeg", median(ms), median(ms) / seconds);
      }
    }
    System.exit(0);
  }

  /** Time the endpoint's Java encoder of {@code format} takes for {@code pcm} in the endpoint's 100 ms chunks. */
  private static double javaEncodeMs(SpeechFormat format, byte[] pcm) {
    short[] samples = Pcm16.fromLittleEndian(pcm);
    int chunk = RATE / 10;
    long start = System.nanoTime();
    StreamEncoder encoder = format.javaEncoder(RATE);
    for (int offset = 0; offset < samples.length; offset += chunk) {
      encoder.encode(Arrays.copyOfRange(samples, offset, Math.min(samples.length, offset + chunk)));
    }
    encoder.finish();
    return (System.nanoTime() - start) / 1e6;
  }

  /** Wall time of the endpoint's own ffmpeg command line encoding {@code pcm}, process start included. */
  private static double encodeMs(SpeechFormat format, byte[] pcm) throws Exception {
    long start = System.nanoTime();
    Process process = new ProcessBuilder(format.ffmpegCommand("ffmpeg", RATE))
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    Thread feeder = new Thread(() -> {
      try (OutputStream in = process.getOutputStream()) {
        in.write(pcm);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    feeder.start();
    process.getInputStream().transferTo(OutputStream.nullOutputStream());
    feeder.join();
    if (process.waitFor() != 0) {
      throw new IllegalStateException("ffmpeg failed for " + format);
    }
    return (System.nanoTime() - start) / 1e6;
  }
}
