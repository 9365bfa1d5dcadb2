package com.ervc.cluster;

import io.vertx.core.Vertx;

/**
 * The stall rule of a stream delivered without the event bus (whose requests would each carry a send timeout):
 * while the sender waits for acknowledgements, one timer checks that some arrive at least every {@code limitMs}.
 * No timer runs while the sender does not wait, so a fast stream costs no timer per message.
 * Not thread-safe: used on the sender's context.
 */
final class StallClock {
  private final Vertx vertx;
  private final long limitMs;
  private final Runnable onStall;
  private long timer = -1;
  private long progressNanos;

  StallClock(Vertx vertx, long limitMs, Runnable onStall) {
    this.vertx = vertx;
    this.limitMs = limitMs;
    this.onStall = onStall;
  }

  /** The sender waits for acknowledgements from now on (nothing changes when it already did). */
  void waiting() {
    if (timer < 0) {
      progressNanos = System.nanoTime();
      timer = vertx.setTimer(limitMs, id -> check());
    }
  }

  /** An acknowledgement arrived. */
  void progress() {
    progressNanos = System.nanoTime();
  }

  /** The sender waits for nothing any more. */
  void idle() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
  }

  private void check() {
    long waitedMs = (System.nanoTime() - progressNanos) / 1_000_000;
    if (waitedMs >= limitMs) {
      timer = -1;
      onStall.run();
    } else {
      timer = vertx.setTimer(limitMs - waitedMs, id -> check());
    }
  }
}
