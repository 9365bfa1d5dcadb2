package com.ervc.eval;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class SettingShiftTest {
  private static final MatrixCell FAST_HIGH =
      new MatrixCell("espeak", "en-us", "en-us", "neutral", 0, "balanced", 1.5, 0.5);
  private static final double[] REFERENCE_HZ = {120, 140, 160};

  private static ClipResult clip(MatrixCell cell, String id, double hz, double seconds) {
    SignalStats signal = SignalAnalysis.analyse(Signals.tone(hz, 0.1, seconds), Signals.RATE, List.of());
    return new ClipResult(cell, new CorpusLine(id, "harvard", "en", "Four words are here."), null, "espeak", false,
        30, 30, 60, 0.1, 10, 1, null, null, null, 4 / signal.speechSec() * 60, signal, "x.wav");
  }

  /** Reference clips at the voice's own speed and pitch, and the cell's clips made by {@code speed} and {@code st}. */
  private static List<ClipResult> run(Map<String, ClipResult> byKey, double speed, double semitones) {
    List<ClipResult> cell = new ArrayList<>();
    for (int i = 0; i < REFERENCE_HZ.length; i++) {
      ClipResult reference = clip(FAST_HIGH.neutral(), "s" + i, REFERENCE_HZ[i], 1.2);
      byKey.put(reference.key(), reference);
      cell.add(clip(FAST_HIGH, "s" + i, REFERENCE_HZ[i] * Math.pow(2, semitones / 12), 1.2 / speed));
    }
    return cell;
  }

  /** Audio 1.5 times as fast and 2 semitones higher is what speed 1.5 and pitch 0.5 (4 st per unit) ask for. */
  @Test
  void aProviderThatDoesWhatIsAskedHasNoError() {
    Map<String, ClipResult> byKey = new HashMap<>();
    SettingShift shift = SettingShift.of(FAST_HIGH, run(byKey, 1.5, 2), byKey, 4);
    assertEquals(3, shift.pairs());
    assertEquals(2, shift.expectedSemitones(), 1e-9);
    assertEquals(1.5, shift.speedFactor(), 0.03);
    assertEquals(0, shift.speedErrorPercent(), 2);
    assertEquals(2, shift.f0Semitones().mean(), 0.1);
    assertEquals(0, shift.pitchErrorPercent(), 5);
  }

  /** A provider that ignores both settings is 33 % too slow and misses the whole pitch shift; the report says so. */
  @Test
  void aProviderThatIgnoresTheSettingsShowsTheirFullError() {
    Map<String, ClipResult> byKey = new HashMap<>();
    List<ClipResult> ignored = run(byKey, 1, 0);
    SettingShift shift = SettingShift.of(FAST_HIGH, ignored, byKey, 4);
    assertEquals(-33.3, shift.speedErrorPercent(), 1);
    assertEquals(-100, shift.pitchErrorPercent(), 2);

    List<ClipResult> all = new ArrayList<>(byKey.values());
    all.addAll(ignored);
    JsonObject report = Report.json(all, "none", "test", 4);
    JsonObject row = report.getJsonArray("settingShifts").getJsonObject(0);
    assertEquals(1.5, row.getDouble("speedRequested"));
    assertEquals(-100, row.getDouble("pitchErrorPercent"), 2);
    CellSummary summary = Report.summaries(report).get(FAST_HIGH.key());
    assertEquals(33.3, summary.measure("speedErrorPercent"), 1);
    assertEquals(100, summary.measure("pitchErrorPercent"), 2);
    CellSummary good = summary.with(SettingShift.of(FAST_HIGH, run(new HashMap<>(), 1.5, 2), byKey, 4));
    List<String> found = Gate.withOverrides(List.of()).regressions(Map.of(FAST_HIGH.key(), good),
        Map.of(FAST_HIGH.key(), summary));
    assertEquals(List.of("speedErrorPercent", "pitchErrorPercent"),
        found.stream().map(f -> f.split(" ")[1]).toList(), found.toString());
  }

  /** At pitch 0 there is nothing to miss: no pitch error, only the measured shift. */
  @Test
  void speedAloneHasNoPitchError() {
    MatrixCell fast = new MatrixCell("espeak", "en-us", "en-us", "neutral", 0, "balanced", 2, 0);
    Map<String, ClipResult> byKey = new HashMap<>();
    List<ClipResult> clips = new ArrayList<>();
    for (int i = 0; i < REFERENCE_HZ.length; i++) {
      ClipResult reference = clip(fast.neutral(), "s" + i, REFERENCE_HZ[i], 1.2);
      byKey.put(reference.key(), reference);
      clips.add(clip(fast, "s" + i, REFERENCE_HZ[i], 0.6));
    }
    SettingShift shift = SettingShift.of(fast, clips, byKey, 4);
    assertEquals(0, shift.speedErrorPercent(), 3);
    assertEquals(0, shift.f0Semitones().mean(), 0.05);
    assertNull(shift.toJson().getValue("pitchErrorPercent"));
  }
}
