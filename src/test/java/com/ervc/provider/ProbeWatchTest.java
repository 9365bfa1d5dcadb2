package com.ervc.provider;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The half-open probe meets the pipeline's deadlines or fails, judged without a clock. */
class ProbeWatchTest {
  @Test
  void noFirstAudioInTimeMissesTheFirstByteDeadline() {
    ProbeWatch watch = new ProbeWatch(1_000, 500, 200);
    assertNull(watch.overdue(1_500));
    assertEquals("the probe missed its first-byte deadline", watch.overdue(1_501));
  }

  @Test
  void silenceAfterAudioMissesTheStallDeadline() {
    ProbeWatch watch = new ProbeWatch(1_000, 500, 200);
    watch.audio(100, 1_400);
    assertNull(watch.overdue(1_600), "first audio arrived in time; the stall clock runs from it");
    assertEquals("the probe missed its stall deadline", watch.overdue(1_601));
  }

  @Test
  void theOutcomeNeedsAudioAndNoEngineFailure() {
    ProbeWatch silent = new ProbeWatch(0, 500, 200);
    assertEquals("the probe produced no audio", silent.outcome(null));
    assertEquals("engine down", silent.outcome(new IllegalStateException("engine down")));
    ProbeWatch spoke = new ProbeWatch(0, 500, 200);
    spoke.audio(2, 10);
    assertNull(spoke.outcome(null));
  }

  @Test
  void deadlinesAreCheckedOftenEnoughForTheStallTimeout() {
    assertEquals(50, new ProbeWatch(0, 500, 200).checkEveryMs());
    assertEquals(250, new ProbeWatch(0, 500, 10_000).checkEveryMs());
    assertEquals(10, new ProbeWatch(0, 500, 8).checkEveryMs());
  }
}
