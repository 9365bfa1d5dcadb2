package com.ervc.eval;

import com.ervc.audio.Pcm16;
import com.ervc.audio.WavCodec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.atomic.LongAdder;

/** Turns one reply of the service into a {@link ClipResult}: writes the WAV, analyses it, recognises it. */
final class ClipEvaluator {
  private final Transcriber transcriber;
  private final Path outputDir;
  /** Time spent so far, summed over the threads that call evaluate: writing and analysing, recognising. */
  final LongAdder analysisNanos = new LongAdder();
  final LongAdder recognitionNanos = new LongAdder();

  /** @param transcriber null to skip the round-trip recognition */
  ClipEvaluator(Transcriber transcriber, Path outputDir) {
    this.transcriber = transcriber;
    this.outputDir = outputDir;
  }

  ClipResult evaluate(MatrixCell cell, CorpusLine line, SpeechSession.Reply reply)
      throws IOException, InterruptedException {
    if (reply.error() != null) {
      return ClipResult.failed(cell, line, reply.error().getString("code") + ": " + reply.error().getString("message"));
    }
    int rate = reply.audioStart().getInteger("sampleRate");
    short[] pcm = reply.pcm();
    if (pcm.length == 0) {
      return ClipResult.failed(cell, line, "no audio");
    }
    long started = System.nanoTime();
    String wav = "clips/" + cell.key() + "/" + line.id() + ".wav";
    Path file = outputDir.resolve(wav);
    Files.createDirectories(file.getParent());
    Files.write(file, WavCodec.encode(Pcm16.toLittleEndian(pcm), rate, 1));
    List<Integer> joins = new ArrayList<>(new TreeSet<>(concat(reply.chunkJoins(), reply.sentenceJoins())));
    SignalStats signal = SignalAnalysis.analyse(pcm, rate, joins);
    long analysed = System.nanoTime();
    analysisNanos.add(analysed - started);
    String transcript = null;
    ErrorRate wer = null;
    ErrorRate cer = null;
    if (transcriber != null && Corpus.primary(transcriber.language()).equals(line.primaryLanguage())) {
      transcript = transcriber.transcribe(pcm, rate);
      wer = ErrorRate.words(line.text(), transcript);
      cer = ErrorRate.characters(line.text(), transcript);
      recognitionNanos.add(System.nanoTime() - analysed);
    }
    double wordsPerMinute = signal.speechSec() == 0 ? Double.NaN
        : TextNormalizer.words(line.text()).size() / signal.speechSec() * 60;
    double durationMs = signal.durationSec() * 1000;
    return new ClipResult(cell, line, null, reply.audioEnd().getString("provider"),
        reply.audioEnd().getBoolean("cached", false), reply.clientTtfaMs(),
        reply.audioEnd().getDouble("ttfaMs", Double.NaN), reply.clientTotalMs(), reply.clientTotalMs() / durationMs,
        reply.audioEnd().getInteger("chunks", 0), reply.sentenceJoins().size() + 1, transcript, wer, cer,
        wordsPerMinute, signal, wav);
  }

  private static List<Integer> concat(List<Integer> a, List<Integer> b) {
    List<Integer> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
