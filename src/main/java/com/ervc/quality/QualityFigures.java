package com.ervc.quality;

import com.ervc.eval.CorpusLine;
import com.ervc.eval.ErrorRate;
import com.ervc.eval.SignalAnalysis;
import com.ervc.eval.SignalStats;
import com.ervc.eval.Transcriber;

import java.io.IOException;
import java.util.List;

/**
 * What one quality run measured for one provider voice, pooled over its clips with the evaluation's own measures
 * ({@link SignalAnalysis}, {@link ErrorRate}): mean integrated loudness of the clips, clicks found in all of them,
 * clipped samples over all samples, the word and character error rates over all recognised words and characters
 * ({@code NaN} without a recogniser or without a line in its language), and the mean time to the audio.
 */
public record QualityFigures(double loudnessLufs, int clicks, double clippingRatio, double wordErrorRate,
                             double characterErrorRate, double ttfaMs) {

  /** One synthesised corpus line: 16-bit mono PCM at {@code sampleRate}, its first audio {@code ttfaMs} after the ask. */
  public record Clip(CorpusLine line, short[] pcm, int sampleRate, double ttfaMs) {
  }

  /**
   * Analyses the clips; blocking (the recogniser runs a process), so callers run it on a worker thread.
   *
   * @param transcriber null to measure no WER
   */
  public static QualityFigures measure(List<Clip> clips, Transcriber transcriber)
      throws IOException, InterruptedException {
    if (clips.isEmpty()) {
      throw new IllegalArgumentException("a quality run needs at least one clip");
    }
    double loudnessSum = 0;
    int loudnessCount = 0;
    int clicks = 0;
    double clipped = 0;
    long samples = 0;
    int wordErrors = 0;
    int referenceWords = 0;
    int charErrors = 0;
    int referenceChars = 0;
    double ttfaSum = 0;
    for (Clip clip : clips) {
      SignalStats stats = SignalAnalysis.analyse(clip.pcm(), clip.sampleRate(), List.of());
      if (Double.isFinite(stats.loudnessLufs())) {
        loudnessSum += stats.loudnessLufs();
        loudnessCount++;
      }
      clicks += stats.clicks().size();
      clipped += stats.clippedRatio() * clip.pcm().length;
      samples += clip.pcm().length;
      ttfaSum += clip.ttfaMs();
      if (transcriber != null && transcriber.language().equals(clip.line().primaryLanguage())) {
        String heard = transcriber.transcribe(clip.pcm(), clip.sampleRate());
        ErrorRate wer = ErrorRate.words(clip.line().text(), heard);
        wordErrors += errors(wer);
        referenceWords += wer.referenceLength();
        ErrorRate cer = ErrorRate.characters(clip.line().text(), heard);
        charErrors += errors(cer);
        referenceChars += cer.referenceLength();
      }
    }
    return new QualityFigures(loudnessCount == 0 ? Double.NaN : loudnessSum / loudnessCount, clicks,
        samples == 0 ? 0 : clipped / samples, referenceWords == 0 ? Double.NaN : wordErrors / (double) referenceWords,
        referenceChars == 0 ? Double.NaN : charErrors / (double) referenceChars, ttfaSum / clips.size());
  }

  private static int errors(ErrorRate rate) {
    return rate.substitutions() + rate.deletions() + rate.insertions();
  }
}
