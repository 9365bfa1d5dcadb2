package com.ervc.eval;

import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static com.ervc.eval.JsonNumbers.finite;

/**
 * Requested against measured speed and pitch: each clip of a cell with a speed or pitch setting is paired with the
 * same sentence read at the voice's own speed and pitch (same provider, voice and tier, neutral). The measured
 * speed factor is the mean ratio of speaking rates (words per minute of speech); the measured pitch shift the mean
 * F0 difference in semitones. The errors compare them with what was asked: {@code speedErrorPercent} =
 * 100 × (measured factor / requested speed − 1); {@code pitchErrorPercent} = 100 × (measured / expected semitones
 * − 1), so +30 overshoots and -30 falls short, upwards or downwards. A request of pitch 1.0 is expected to move F0
 * by {@code semitonesPerPitchUnit} (the protocol's pitch is a -1..1 offset that each provider maps its own way).
 * With pitch 0 there is no pitch error (null), only the shift, which should stay near 0.
 */
public record SettingShift(MatrixCell cell, int pairs, double expectedSemitones, double speedFactor,
    EmotionShift.Shift f0Semitones, double speedErrorPercent, double pitchErrorPercent) {

  /** Pairs each clip of {@code cell} with the reference reading of the same sentence in {@code byKey}. */
  static SettingShift of(MatrixCell cell, List<ClipResult> clips, Map<String, ClipResult> byKey,
      double semitonesPerPitchUnit) {
    List<Double> ratios = new ArrayList<>();
    List<Double> semitones = new ArrayList<>();
    for (ClipResult clip : clips) {
      ClipResult reference = byKey.get(cell.neutral().key() + "/" + clip.line().id());
      if (clip.ok() && reference != null && reference.ok()) {
        ratios.add(clip.wordsPerMinute() / reference.wordsPerMinute());
        semitones.add(EmotionShift.semitones(clip.signal().f0MeanHz(), reference.signal().f0MeanHz()));
      }
    }
    double speed = SignalAnalysis.mean(ratios.stream().mapToDouble(Double::doubleValue).filter(Double::isFinite)
        .toArray());
    EmotionShift.Shift pitch = EmotionShift.Shift.of(semitones);
    double expected = cell.pitch() * semitonesPerPitchUnit;
    return new SettingShift(cell, ratios.size(), expected, speed, pitch, 100 * (speed / cell.speed() - 1),
        expected == 0 ? Double.NaN : 100 * (pitch.mean() / expected - 1));
  }

  public JsonObject toJson() {
    return new JsonObject().put("cell", cell.toJson()).put("pairs", pairs).put("speedRequested", cell.speed())
        .put("speedMeasured", finite(speedFactor)).put("speedErrorPercent", finite(speedErrorPercent))
        .put("pitchRequested", cell.pitch()).put("pitchExpectedSemitones", expectedSemitones)
        .put("f0Semitones", f0Semitones.toJson()).put("pitchErrorPercent", finite(pitchErrorPercent));
  }
}
