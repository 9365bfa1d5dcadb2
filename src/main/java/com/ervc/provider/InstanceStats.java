package com.ervc.provider;

import java.util.Arrays;

/**
 * Recent behaviour of one provider instance, as published in its {@link ProviderLoad}: time to first audio
 * (EWMA and p95 over the last {@link #WINDOW} requests) and error rate (EWMA of 0 = success, 1 = failure).
 * Thread-safe: results arrive from worker threads and event loops.
 */
public final class InstanceStats {
  static final int WINDOW = 64;
  static final double TTFA_ALPHA = 0.2;
  static final double ERROR_ALPHA = 0.1;

  private final long[] recent = new long[WINDOW];
  private int count;
  private double ttfaEwmaMs = -1;
  private double errorRate;

  /** A request produced its first audio after {@code ttfaMs}. */
  public synchronized void firstAudio(long ttfaMs) {
    recent[count++ % WINDOW] = ttfaMs;
    ttfaEwmaMs = ttfaEwmaMs < 0 ? ttfaMs : ttfaEwmaMs + TTFA_ALPHA * (ttfaMs - ttfaEwmaMs);
  }

  /** A request ended: failures raise the error rate, successes lower it. */
  public synchronized void finished(boolean failed) {
    errorRate += ERROR_ALPHA * ((failed ? 1 : 0) - errorRate);
  }

  /** Forgets the failures seen so far (an operator's circuit reset); the latency measurements stay. */
  public synchronized void forgetErrors() {
    errorRate = 0;
  }

  /** EWMA of time to first audio in ms, or -1 before the first measurement. */
  public synchronized double ttfaEwmaMs() {
    return ttfaEwmaMs;
  }

  /** 95th percentile (nearest rank) of the recent times to first audio, or -1 before the first measurement. */
  public synchronized long ttfaP95Ms() {
    int n = Math.min(count, WINDOW);
    if (n == 0) {
      return -1;
    }
    long[] sorted = Arrays.copyOf(recent, n);
    Arrays.sort(sorted);
    return sorted[(int) Math.ceil(0.95 * n) - 1];
  }

  public synchronized double errorRate() {
    return errorRate;
  }
}
