package com.ervc.gateway;

import com.ervc.protocol.QualityTier;
import org.junit.jupiter.api.Test;

import static com.ervc.protocol.QualityTier.BALANCED;
import static com.ervc.protocol.QualityTier.FAST;
import static com.ervc.protocol.QualityTier.HIGH;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class AdaptiveQualityTest {
  @Test
  void stepsDownWhileSlowAndBackUpAfterSustainedRecovery() {
    AdaptiveQuality q = new AdaptiveQuality(true, 100);
    assertEquals(HIGH, q.tierFor(HIGH));
    assertNull(q.observe(HIGH, HIGH, 300), "one slow reply is not a trend");
    assertEquals(new AdaptiveQuality.Change("down", BALANCED), q.observe(HIGH, HIGH, 300));
    assertEquals(BALANCED, q.tierFor(HIGH));
    assertEquals(FAST, q.tierFor(FAST), "never above what was asked for");
    assertNull(q.observe(HIGH, BALANCED, 250));
    assertEquals(new AdaptiveQuality.Change("down", FAST), q.observe(HIGH, BALANCED, 250));
    assertNull(q.observe(HIGH, FAST, 400), "nothing below fast");
    assertNull(q.observe(HIGH, FAST, 10), "the recent time (EWMA 205 ms) is still over target");
    assertNull(q.observe(HIGH, FAST, 10), "two fast replies are not yet a sustained recovery");
    assertEquals(new AdaptiveQuality.Change("up", BALANCED), q.observe(HIGH, FAST, 10));
    assertNull(q.observe(HIGH, BALANCED, 90), "under target but not by enough to count as recovery");
    assertNull(q.observe(HIGH, BALANCED, 10));
    assertNull(q.observe(HIGH, BALANCED, 10));
    assertEquals(new AdaptiveQuality.Change("up", HIGH), q.observe(HIGH, BALANCED, 10));
    assertEquals(HIGH, q.tierFor(HIGH));
  }

  @Test
  void aSessionAskingForLessStepsDownFromWhatItUsesAndNeverUpPastIt() {
    AdaptiveQuality q = new AdaptiveQuality(true, 100);
    assertEquals(BALANCED, q.tierFor(BALANCED));
    assertNull(q.observe(BALANCED, BALANCED, 500));
    assertEquals(new AdaptiveQuality.Change("down", FAST), q.observe(BALANCED, BALANCED, 500));
    assertEquals(FAST, q.tierFor(BALANCED));
    for (int i = 0; i < 2; i++) {
      assertNull(q.observe(BALANCED, FAST, 10));
    }
    assertEquals(new AdaptiveQuality.Change("up", BALANCED), q.observe(BALANCED, FAST, 10));
    for (int i = 0; i < 10; i++) {
      assertNull(q.observe(BALANCED, BALANCED, 10), "balanced is all it asks for");
    }
  }

  @Test
  void offMeansTheRequestedTierAlways() {
    AdaptiveQuality q = new AdaptiveQuality(false, 100);
    assertNull(q.observe(HIGH, HIGH, 5000));
    assertEquals(HIGH, q.tierFor(HIGH));
  }
}
