package com.ervc.eval;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GateTest {
  private static final Gate DEFAULT = Gate.withOverrides(List.of());

  private static CellSummary summary(int failed, double wer, double ttfaP95, int joinClicks, double lufs) {
    return new CellSummary(10, failed, wer, wer / 2, Map.of("harvard", wer), ttfaP95 / 2, ttfaP95, 0.1, 2.5, lufs, -3,
        0, 0.001, 0.4, joinClicks, joinClicks, 0, 120, 170, Double.NaN, Double.NaN);
  }

  private static CellSummary withSettingErrors(double speedErrorPercent, double pitchErrorPercent) {
    CellSummary s = summary(0, 0.3, 100, 0, -20);
    return new CellSummary(s.clips(), s.failed(), s.wer(), s.cer(), s.werByCategory(), s.ttfaP50Ms(), s.ttfaP95Ms(),
        s.realTimeFactor(), s.durationSec(), s.loudnessLufs(), s.peakDbfs(), s.clippedRatio(), s.dcOffset(),
        s.longestSilenceSec(), s.clicks(), s.joinClicks(), s.repeatedWindows(), s.f0MeanHz(), s.wordsPerMinute(),
        speedErrorPercent, pitchErrorPercent);
  }

  /** A speed or pitch setting that drifts further from what was asked, in either direction, regresses. */
  @Test
  void speedAndPitchErrorsAreGatedByTheirSize() {
    Map<String, CellSummary> before = Map.of("espeak_s1.50", withSettingErrors(-2, 8));
    assertEquals(List.of(), DEFAULT.regressions(before, Map.of("espeak_s1.50", withSettingErrors(2.5, -12))));
    List<String> found = DEFAULT.regressions(before, Map.of("espeak_s1.50", withSettingErrors(-9, 30)));
    assertEquals(2, found.size(), found.toString());
    assertTrue(found.contains("espeak_s1.50: speedErrorPercent 2.000 -> 9.000 (tolerance 5.000)"), found.toString());
    assertTrue(found.contains("espeak_s1.50: pitchErrorPercent 8.000 -> 30.00 (tolerance 10.00)"), found.toString());
    CellSummary roundTrip = CellSummary.fromJson(withSettingErrors(-9, 30).toJson());
    assertEquals(-9, roundTrip.speedErrorPercent());
  }

  @Test
  void anEqualRunPasses() {
    Map<String, CellSummary> run = Map.of("espeak_en-us", summary(0, 0.3, 100, 0, -20));
    assertEquals(List.of(), DEFAULT.regressions(run, run));
  }

  @Test
  void changesWithinTheTolerancesPass() {
    assertEquals(List.of(), DEFAULT.regressions(Map.of("c", summary(0, 0.3, 100, 0, -20)),
        Map.of("c", summary(0, 0.34, 119, 0, -22.5))));
  }

  @Test
  void eachRegressionIsNamed() {
    Map<String, CellSummary> baseline = Map.of("c", summary(0, 0.3, 100, 0, -20));
    assertEquals(List.of("c: wer 0.3000 -> 0.4000 (tolerance 0.05000)"),
        DEFAULT.regressions(baseline, Map.of("c", summary(0, 0.4, 100, 0, -20))));
    assertTrue(DEFAULT.regressions(baseline, Map.of("c", summary(0, 0.3, 121, 0, -20))).get(0)
        .startsWith("c: ttfaP95Ms 100.0 -> 121.0"));
    assertTrue(DEFAULT.regressions(baseline, Map.of("c", summary(0, 0.3, 100, 1, -20))).stream()
        .anyMatch(r -> r.startsWith("c: joinClicks 0.000 -> 1.000")));
    assertTrue(DEFAULT.regressions(baseline, Map.of("c", summary(1, 0.3, 100, 0, -20))).get(0)
        .startsWith("c: failed"));
    assertTrue(DEFAULT.regressions(baseline, Map.of("c", summary(0, 0.3, 100, 0, -30))).get(0)
        .startsWith("c: loudnessLufs -20.00 -> -30.00"), "quieter is worse");
    assertEquals(List.of("c: missing from the run"), DEFAULT.regressions(baseline, Map.of()));
  }

  @Test
  void aMeasureThatDisappearsIsARegression() {
    assertEquals(List.of("c: wer 0.3000 -> none (tolerance 0.05000)", "c: cer 0.1500 -> none (tolerance 0.05000)"),
        DEFAULT.regressions(Map.of("c", summary(0, 0.3, 100, 0, -20)), Map.of("c", summary(0, Double.NaN, 100, 0,
            -20))));
  }

  @Test
  void thresholdsAreConfigurable() {
    Gate lax = Gate.withOverrides(List.of("wer=0.2", "cer=0.1", "ttfaP95Ms=50%"));
    assertEquals(List.of(), lax.regressions(Map.of("c", summary(0, 0.3, 100, 0, -20)),
        Map.of("c", summary(0, 0.45, 149, 0, -20))));
    assertThrows(IllegalArgumentException.class, () -> Gate.withOverrides(List.of("nonsense=1")));
    assertThrows(IllegalArgumentException.class, () -> Gate.withOverrides(List.of("wer")));
    assertThrows(IllegalArgumentException.class, () -> Gate.withOverrides(List.of("wer=-1")));
    assertThrows(IllegalArgumentException.class, () -> Gate.withOverrides(List.of("wer=lots")));
  }
}
