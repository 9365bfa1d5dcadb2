package com.ervc.provider;

import java.util.function.LongSupplier;

/**
 * The circuit breaker of one provider instance: {@code closed} while it works; {@code open} after
 * {@code threshold} failures in a row, when no request should be sent to it; {@code half_open} once it has been
 * open for {@code openMs}: then one probe with real text is due ({@link #tryProbe}), and its outcome closes the
 * circuit or opens it for another {@code openMs}. Requests are never the probe, so no client waits on a broken
 * instance. Thread-safe; the clock is injected for tests.
 *
 * <p>Not {@code io.vertx:vertx-circuit-breaker}: its half-open state lets the next real call through as the trial
 * (a client would wait on a likely broken instance), it counts failures in a rolling time window rather than in a
 * row, and it records only outcomes of operations it executes, while a missed deadline arrives later as the
 * pipeline's cancel. docs/event-bus.md, "Circuit breaker", says the same for operators.
 */
public final class CircuitBreaker {
  public enum State {
    CLOSED, OPEN, HALF_OPEN;

    public String wire() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** The sentence a half-open probe synthesizes: real text, so a probe exercises the whole engine. */
  public static final String PROBE_TEXT = "Checking the voice.";

  private final int threshold;
  private final long openMs;
  private final LongSupplier clockMs;
  private int failures;
  private long openedAtMs = -1;
  private boolean probing;
  /** Opened by an operator: stays open, without probes, until an operator closes it. */
  private boolean held;

  public CircuitBreaker(int threshold, long openMs, LongSupplier clockMs) {
    this.threshold = threshold;
    this.openMs = openMs;
    this.clockMs = clockMs;
  }

  public synchronized State state() {
    if (held) {
      return State.OPEN;
    }
    if (openedAtMs < 0) {
      return State.CLOSED;
    }
    return clockMs.getAsLong() - openedAtMs >= openMs ? State.HALF_OPEN : State.OPEN;
  }

  /** Whether requests may be sent: only while closed. */
  public boolean allows() {
    return state() == State.CLOSED;
  }

  /** An operator opens the circuit: no request is sent and no probe runs until {@link #close()}. */
  public synchronized void hold() {
    held = true;
  }

  /** An operator closes the circuit (also one they held open): requests flow again, the failure count restarts. */
  public synchronized void close() {
    held = false;
    success();
  }

  public synchronized void success() {
    failures = 0;
    openedAtMs = -1;
    probing = false;
  }

  /** A failure; true when it opened the circuit (just now, or again after a failed probe). */
  public synchronized boolean failure() {
    probing = false;
    failures++;
    boolean opens = failures >= threshold;
    if (opens) {
      openedAtMs = clockMs.getAsLong();
    }
    return opens;
  }

  /** Whether the caller should send the probe now; true at most once per half-open period. */
  public synchronized boolean tryProbe() {
    if (probing || state() != State.HALF_OPEN) {
      return false;
    }
    probing = true;
    return true;
  }
}
