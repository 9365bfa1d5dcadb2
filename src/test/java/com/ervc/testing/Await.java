package com.ervc.testing;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * Waits, bounded, for a condition the test cannot be told about directly (a metric, a cluster view, a process).
 * The only polling loop of the tests: it checks at once, then after 5 ms, doubling up to 100 ms between checks.
 */
public final class Await {
  private static final long FIRST_PAUSE_MS = 5;
  private static final long MAX_PAUSE_MS = 100;

  /** A condition that may throw, e.g. a scrape over HTTP; an AssertionError from it ends the wait at once. */
  @FunctionalInterface
  public interface Condition {
    boolean met() throws Exception;
  }

  private Await() {
  }

  public static void until(String what, Duration timeout, Condition condition) throws Exception {
    until(() -> what, timeout, condition);
  }

  /** {@code what} is evaluated only on a timeout, so it can describe the state the test found. */
  public static void until(Supplier<String> what, Duration timeout, Condition condition) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    long pauseMs = FIRST_PAUSE_MS;
    while (!condition.met()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting until " + what.get());
      }
      Thread.sleep(pauseMs);
      pauseMs = Math.min(MAX_PAUSE_MS, pauseMs * 2);
    }
  }
}
