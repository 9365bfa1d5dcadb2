package com.ervc.pipeline;

import com.ervc.config.TtsConfig;
import com.ervc.protocol.ProviderLoad;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Derives each sentence request's {@link Deadlines} from its instance's measured latency, so a fast local engine is
 * given up on within a few hundred milliseconds while a cloud voice keeps its longer allowance:
 * <ul>
 *   <li>first byte: {@code tts.deadlineMultiple × p95 time to first audio} (the instance's own report): then the
 *   sentence is also asked of the next instance and the first to answer plays (a late engine that is alive still
 *   counts; a dead one is left behind). The stream itself fails only at its kind's ceiling;</li>
 *   <li>stall: {@code tts.deadlineMultiple × p95 interval between its chunks} (measured here, per instance): then the
 *   stream fails and the reply resumes elsewhere;</li>
 * </ul>
 * each clamped to the floor and ceiling of the provider's kind: local {@code tts.localDeadlineFloorMs} ..
 * {@code tts.localDeadlineCeilingMs}; cloud {@code tts.cloudDeadlineFloorMs} .. {@code tts.providerTimeoutMs}
 * (first byte) or {@code tts.providerStallTimeoutMs} (stall). No ceiling exceeds those two settings. An instance
 * without measurements gets its kind's ceilings. With hedging ({@code tts.hedging}; for cloud providers
 * {@code tts.hedgeCloud}) the second instance is asked earlier: once the first byte is later than the instance's
 * p95 (never before the floor: the p95 is measured inside the provider, without the event-bus hops, so under load a
 * lower bound keeps hedges from firing for healthy engines). Not thread-safe: one event loop.
 */
final class DeadlinePolicy {
  /** Providers that bill per request and answer over the internet. */
  static final Set<String> CLOUD = Set.of("elevenlabs", "azure", "openai");
  /** Chunk intervals remembered per instance. */
  static final int WINDOW = 64;

  private final TtsConfig tts;
  private final Map<String, Window> chunkIntervals = new HashMap<>();

  DeadlinePolicy(TtsConfig tts) {
    this.tts = tts;
  }

  /** The deadlines for a sentence sent to {@code load}'s instance; {@code load} is null when it is not in the view. */
  Deadlines of(String provider, String instanceId, ProviderLoad load) {
    boolean cloud = CLOUD.contains(provider);
    long floor = cloud ? tts.cloudDeadlineFloorMs() : tts.localDeadlineFloorMs();
    long firstCeiling = cloud ? tts.providerTimeoutMs() : Math.min(tts.localDeadlineCeilingMs(), tts.providerTimeoutMs());
    long stallCeiling = cloud ? tts.providerStallTimeoutMs()
        : Math.min(tts.localDeadlineCeilingMs(), tts.providerStallTimeoutMs());
    long ttfaP95 = load == null ? -1 : load.ttfaP95Ms();
    Window chunks = chunkIntervals.get(instanceId);
    long chunkP95 = chunks == null ? -1 : chunks.p95();
    long firstByte = clamp(ttfaP95, floor, firstCeiling);
    long stall = clamp(chunkP95, floor, stallCeiling);
    boolean hedging = cloud ? tts.hedgeCloud() : tts.hedging();
    long secondAfter = hedging ? Math.min(firstByte, Math.max(ttfaP95, floor)) : firstByte;
    return new Deadlines(firstCeiling, stall, ttfaP95 >= 0 && secondAfter < firstCeiling ? secondAfter
        : Deadlines.NO_HEDGE);
  }

  /** Audio of {@code instanceId} arrived {@code ms} after its previous chunk of the same sentence. */
  void chunkInterval(String instanceId, long ms) {
    chunkIntervals.computeIfAbsent(instanceId, id -> new Window()).add(ms);
  }

  private long clamp(long measuredP95, long floor, long ceiling) {
    return measuredP95 < 0 ? ceiling : Math.max(floor, Math.min(ceiling, tts.deadlineMultiple() * measuredP95));
  }

  /** The last {@link #WINDOW} values and their 95th percentile (nearest rank). */
  private static final class Window {
    private final long[] values = new long[WINDOW];
    private int count;

    void add(long value) {
      values[count++ % WINDOW] = value;
    }

    long p95() {
      int n = Math.min(count, WINDOW);
      long[] sorted = Arrays.copyOf(values, n);
      Arrays.sort(sorted);
      return sorted[(int) Math.ceil(0.95 * n) - 1];
    }
  }
}
