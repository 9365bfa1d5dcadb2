package com.ervc.cluster;

import io.vertx.core.Vertx;

/**
 * The stall rule of a stream delivered without the event bus (whose requests would each carry a send timeout):
 * while the sender waits for acknowledgements, one timer checks that some arrive at least every {@code limitMs}.
 * A stream waits each time its window fills, several times per reply; the timer is armed at the first wait and
 * left running through the pauses between waits (a timer set and cancelled per wait showed in the cache-hit
 * profile, docs/performance.md): when it fires while the sender does not wait it simply ends, and {@link #stop}
 * cancels it when the stream is over. Not thread-safe: used on the sender's context.
 */
final class StallClock {
  private final Vertx vertx;
  private final long limitMs;
  private final Runnable onStall;
  private long timer = -1;
  private boolean waiting;
  private long progressNanos;

  StallClock(Vertx vertx, long limitMs, Runnable onStall) {
    this.vertx = vertx;
    this.limitMs = limitMs;
    this.onStall = onStall;
  }

  /** The sender waits for acknowledgements from now on (nothing changes when it already did). */
  void waiting() {
    if (!waiting) {
      waiting = true;
      progressNanos = System.nanoTime();
      if (timer < 0) {
        timer = vertx.setTimer(limitMs, id -> check());
      }
    }
  }

  /** An acknowledgement arrived. */
  void progress() {
    progressNanos = System.nanoTime();
  }

  /** The sender waits for nothing at the moment. */
  void idle() {
    waiting = false;
  }

  /** The stream is over: no more checks. */
  void stop() {
    waiting = false;
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
  }

  private void check() {
    timer = -1;
    if (!waiting) {
      return;
    }
    long waitedMs = (System.nanoTime() - progressNanos) / 1_000_000;
    if (waitedMs >= limitMs) {
      onStall.run();
    } else {
      timer = vertx.setTimer(limitMs - waitedMs, id -> check());
    }
  }
}
