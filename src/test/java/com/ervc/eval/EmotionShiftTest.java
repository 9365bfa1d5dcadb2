package com.ervc.eval;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EmotionShiftTest {
  private static final MatrixCell HAPPY = new MatrixCell("espeak", "en-us", "en-us", "happy", 0.5, "balanced");

  private static ClipResult clip(MatrixCell cell, String id, double hz, double amplitude, double seconds) {
    SignalStats signal = SignalAnalysis.analyse(Signals.tone(hz, amplitude, seconds), Signals.RATE, List.of());
    return new ClipResult(cell, new CorpusLine(id, "harvard", "en", "Four words are here."), null, "espeak", false,
        30, 30, 60, 0.1, 10, 1, null, null, null, 4 / signal.speechSec() * 60, signal, "x.wav");
  }

  /** Tones a little over two semitones higher, twice the amplitude (+6 LU) and 20 % shorter than neutral. */
  @Test
  void aShiftedEmotionShowsItsShiftsWithLargeEffects() {
    double[] neutralHz = {140, 150, 160, 170};
    Map<String, ClipResult> byKey = new HashMap<>();
    List<ClipResult> happy = new java.util.ArrayList<>();
    for (int i = 0; i < neutralHz.length; i++) {
      ClipResult n = clip(HAPPY.neutral(), "s" + i, neutralHz[i], 0.1, 1.0);
      ClipResult h = clip(HAPPY, "s" + i, neutralHz[i] * Math.pow(2, (2 + 0.1 * i) / 12), 0.2, 0.8);
      byKey.put(n.key(), n);
      happy.add(h);
    }
    EmotionShift shift = EmotionShift.of(HAPPY, happy, byKey);
    assertEquals(4, shift.pairs());
    assertEquals(2.15, shift.f0Semitones().mean(), 0.1);
    assertTrue(shift.f0Semitones().effectSize() > 5, "consistent shift: " + shift.f0Semitones());
    // 6.02 dB from the amplitude, plus a little K-weighting gain for the higher tone
    assertEquals(6.02, shift.loudnessLu().mean(), 0.2);
    assertEquals(25, shift.ratePercent().mean(), 1.5);
  }

  /** An emotion whose audio equals neutral shows no shift (and no effect size: nothing varies). */
  @Test
  void anEmotionThatEqualsNeutralShowsNothing() {
    Map<String, ClipResult> byKey = new HashMap<>();
    List<ClipResult> happy = new java.util.ArrayList<>();
    for (int i = 0; i < 3; i++) {
      ClipResult n = clip(HAPPY.neutral(), "s" + i, 150 + 10 * i, 0.1, 1.0);
      byKey.put(n.key(), n);
      happy.add(clip(HAPPY, "s" + i, 150 + 10 * i, 0.1, 1.0));
    }
    EmotionShift shift = EmotionShift.of(HAPPY, happy, byKey);
    assertEquals(0, shift.f0Semitones().mean(), 1e-9);
    assertEquals(0, shift.loudnessLu().mean(), 1e-9);
    assertTrue(Double.isNaN(shift.f0Semitones().effectSize()));
  }
}
