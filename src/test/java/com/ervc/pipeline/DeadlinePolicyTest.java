package com.ervc.pipeline;

import com.ervc.config.ConfigLoader;
import com.ervc.config.TtsConfig;
import com.ervc.protocol.ProviderInfo;
import com.ervc.protocol.ProviderLoad;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** Deadlines follow each instance's measured latency within the floors and ceilings of its kind. */
class DeadlinePolicyTest {
  private static final TtsConfig DEFAULTS = ConfigLoader.load(null, Map.of()).tts();

  private static ProviderLoad load(String provider, long ttfaP95Ms) {
    ProviderInfo info = new ProviderInfo(provider, "n1", true, "v", List.of(), List.of("neutral"), List.of("balanced"),
        true, false, 24000, null);
    return new ProviderLoad("i1", "addr", info, 0, 10, 0, ttfaP95Ms, ttfaP95Ms, 0, "closed", false);
  }

  @Test
  void aFastLocalInstanceIsHedgedBeyondItsP95AndAskedOfAnotherAtAMultipleOfItAboveTheFloor() {
    DeadlinePolicy policy = new DeadlinePolicy(DEFAULTS);
    assertEquals(new Deadlines(2000, 2000, 500), policy.of("espeak", "i1", load("espeak", 20)),
        "hedged at the 500 ms floor; the stream itself fails at the local ceiling, and so does a stall until "
            + "chunk intervals are measured");
    assertEquals(600, policy.of("espeak", "i1", load("espeak", 600)).hedgeAfterMs(), "hedged beyond its p95");
    TtsConfig noHedging = ConfigLoader.load(null, Map.of("HEDGING", "false")).tts();
    assertEquals(500, new DeadlinePolicy(noHedging).of("espeak", "i1", load("espeak", 20)).hedgeAfterMs(),
        "without hedging a second instance is asked at the first-byte deadline: 4 × 20 ms, raised to the floor");
    assertEquals(800, new DeadlinePolicy(noHedging).of("espeak", "i1", load("espeak", 200)).hedgeAfterMs());
    assertFalse(new DeadlinePolicy(noHedging).of("espeak", "i1", load("espeak", 900)).hedged(),
        "4 × 900 ms is past the local ceiling");
    for (long gap : new long[] {100, 150, 200}) {
      policy.chunkInterval("i1", gap);
    }
    assertEquals(800, policy.of("espeak", "i1", load("espeak", 20)).stallMs(), "4 × p95 of the chunk intervals");
  }

  @Test
  void unmeasuredInstancesGetTheCeilingsAndNoSecondInstance() {
    Deadlines unmeasured = new DeadlinePolicy(DEFAULTS).of("onnx", "i1", null);
    assertEquals(new Deadlines(2000, 2000, Deadlines.NO_HEDGE), unmeasured);
  }

  @Test
  void cloudInstancesKeepTheirLongerAllowanceAndAreHedgedEarlyOnlyWhenEnabled() {
    Deadlines cloud = new DeadlinePolicy(DEFAULTS).of("azure", "i1", load("azure", 300));
    assertEquals(DEFAULTS.providerTimeoutMs(), cloud.firstByteMs());
    assertEquals(DEFAULTS.providerStallTimeoutMs(), cloud.stallMs());
    assertEquals(2000, cloud.hedgeAfterMs(), "not before the first-byte deadline (4 × 300 ms, raised to the floor): "
        + "a hedge bills twice");
    TtsConfig hedgeCloud = ConfigLoader.load(null, Map.of("HEDGE_CLOUD", "true")).tts();
    assertEquals(3000, new DeadlinePolicy(hedgeCloud).of("azure", "i1", load("azure", 3000)).hedgeAfterMs(),
        "with hedging: beyond its p95, well before the first-byte deadline (4 × 3000 ms)");
  }
}
