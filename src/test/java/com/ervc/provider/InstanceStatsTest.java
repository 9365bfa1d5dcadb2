package com.ervc.provider;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InstanceStatsTest {
  @Test
  void ttfaEwmaAndP95() {
    InstanceStats s = new InstanceStats();
    assertEquals(-1, s.ttfaEwmaMs());
    assertEquals(-1, s.ttfaP95Ms());
    s.firstAudio(100);
    assertEquals(100, s.ttfaEwmaMs());
    s.firstAudio(200);
    assertEquals(120, s.ttfaEwmaMs(), 1e-9);
    for (int i = 1; i <= 100; i++) {
      s.firstAudio(i);
    }
    // the last 64 values are 37..100; nearest-rank p95 of 64 values is the 61st: 97
    assertEquals(97, s.ttfaP95Ms());
  }

  @Test
  void errorRateRisesWithFailuresAndDecaysWithSuccesses() {
    InstanceStats s = new InstanceStats();
    for (int i = 0; i < 10; i++) {
      s.finished(true);
    }
    double high = s.errorRate();
    assertTrue(high > 0.6, "rate after 10 failures: " + high);
    s.finished(false);
    assertTrue(s.errorRate() < high);
  }
}
