package com.ervc.testing;

import java.time.Duration;

/**
 * Waits, bounded, for a state the test cannot be told about directly (a metric, a cluster view, a process).
 * The one polling loop of the tests: it checks at once, then after 5 ms, doubling up to 100 ms between checks.
 */
public final class Await {
  private static final long FIRST_PAUSE_MS = 5;
  private static final long MAX_PAUSE_MS = 100;

  /** A condition that may throw, e.g. a scrape over HTTP; an AssertionError from it ends the wait at once. */
  @FunctionalInterface
  public interface Condition {
    boolean met() throws Exception;
  }

  /** One try at producing a value: null means "not yet". */
  @FunctionalInterface
  public interface Attempt<T> {
    T result() throws Exception;
  }

  /** What was awaited, computed only on a timeout, so it can describe the state the test found. */
  @FunctionalInterface
  public interface Description {
    String text() throws Exception;
  }

  private Await() {
  }

  public static void until(String what, Duration timeout, Condition condition) throws Exception {
    until(() -> what, timeout, condition);
  }

  public static void until(Description what, Duration timeout, Condition condition) throws Exception {
    result(what, timeout, () -> condition.met() ? Boolean.TRUE : null);
  }

  /** The first non-null result of {@code attempt}. */
  public static <T> T result(Description what, Duration timeout, Attempt<T> attempt) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    long pauseMs = FIRST_PAUSE_MS;
    for (T value = attempt.result(); ; value = attempt.result()) {
      if (value != null) {
        return value;
      }
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting until " + what.text());
      }
      Thread.sleep(pauseMs);
      pauseMs = Math.min(MAX_PAUSE_MS, pauseMs * 2);
    }
  }
}
