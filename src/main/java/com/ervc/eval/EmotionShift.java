package com.ervc.eval;

import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleBiFunction;

import static com.ervc.eval.JsonNumbers.finite;

/**
 * How far an emotion moves a voice from its own neutral reading, sentence by sentence: the mean paired difference
 * of F0 (semitones), F0 range (semitones), loudness (LU) and speaking rate (percent), each with the paired effect
 * size d_z = mean difference / standard deviation of the differences (Cohen). |d_z| near 0 means the emotion is
 * indistinguishable from neutral on that measure; 0.8 and above is conventionally a large effect.
 */
public record EmotionShift(MatrixCell cell, int pairs, Shift f0Semitones, Shift f0RangeSemitones, Shift loudnessLu,
    Shift ratePercent) {

  /** Mean paired difference and its effect size (NaN with fewer than two pairs or no spread). */
  public record Shift(double mean, double effectSize) {
    static Shift of(List<Double> differences) {
      double[] d = differences.stream().mapToDouble(Double::doubleValue).filter(Double::isFinite).toArray();
      double mean = SignalAnalysis.mean(d);
      double sd = SignalAnalysis.std(d);
      return new Shift(mean, sd > 0 ? mean / sd : Double.NaN);
    }

    JsonObject toJson() {
      return new JsonObject().put("mean", finite(mean)).put("effectSize", finite(effectSize));
    }
  }

  /** Pairs each clip of {@code cell} with the neutral clip of the same sentence in {@code byKey}. */
  static EmotionShift of(MatrixCell cell, List<ClipResult> clips, Map<String, ClipResult> byKey) {
    List<ClipResult[]> pairs = new ArrayList<>();
    for (ClipResult clip : clips) {
      ClipResult neutral = byKey.get(cell.neutral().key() + "/" + clip.line().id());
      if (clip.ok() && neutral != null && neutral.ok()) {
        pairs.add(new ClipResult[] {clip, neutral});
      }
    }
    return new EmotionShift(cell, pairs.size(),
        shift(pairs, (e, n) -> semitones(e.signal().f0MeanHz(), n.signal().f0MeanHz())),
        shift(pairs, (e, n) -> e.signal().f0RangeSemitones() - n.signal().f0RangeSemitones()),
        shift(pairs, (e, n) -> e.signal().loudnessLufs() - n.signal().loudnessLufs()),
        shift(pairs, (e, n) -> 100 * (e.wordsPerMinute() / n.wordsPerMinute() - 1)));
  }

  private static Shift shift(List<ClipResult[]> pairs, ToDoubleBiFunction<ClipResult, ClipResult> difference) {
    return Shift.of(pairs.stream().map(p -> difference.applyAsDouble(p[0], p[1])).toList());
  }

  static double semitones(double hz, double referenceHz) {
    return 12 * Math.log(hz / referenceHz) / Math.log(2);
  }

  public JsonObject toJson() {
    return new JsonObject().put("cell", cell.toJson()).put("pairs", pairs).put("f0Semitones", f0Semitones.toJson())
        .put("f0RangeSemitones", f0RangeSemitones.toJson()).put("loudnessLu", loudnessLu.toJson())
        .put("ratePercent", ratePercent.toJson());
  }
}
