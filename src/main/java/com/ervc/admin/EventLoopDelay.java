package com.ervc.admin;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/**
 * How late the event loop runs: a timer asks to fire every {@value #PERIOD_MS} ms and each tick records how much
 * later than that it came (a blocked or busy loop delays it). The figures cover the last {@value #WINDOW} ticks
 * (5 s). This is the measure Node.js' {@code monitorEventLoopDelay} and Vert.x's blocked-thread checker build on;
 * here it is shown per node in the admin console. It watches the event loop the timer runs on.
 */
public final class EventLoopDelay {
  static final long PERIOD_MS = 100;
  static final int WINDOW = 50;

  private final long[] lateMicros = new long[WINDOW];
  private int ticks;
  private long lastNanos = -1;

  /** Starts the timer on {@code vertx}; its id (cancel it to stop). */
  public long start(Vertx vertx) {
    return vertx.setPeriodic(PERIOD_MS, id -> tick(System.nanoTime()));
  }

  /** One timer tick at {@code nowNanos}. */
  synchronized void tick(long nowNanos) {
    if (lastNanos >= 0) {
      long late = (nowNanos - lastNanos) / 1_000 - PERIOD_MS * 1_000;
      lateMicros[ticks++ % WINDOW] = Math.max(0, late);
    }
    lastNanos = nowNanos;
  }

  /** {@code maxMs} and {@code meanMs} over the window, rounded to 0.1 ms; zeros before the second tick. */
  public synchronized JsonObject snapshot() {
    int n = Math.min(ticks, WINDOW);
    long max = 0;
    long sum = 0;
    for (int i = 0; i < n; i++) {
      max = Math.max(max, lateMicros[i]);
      sum += lateMicros[i];
    }
    return new JsonObject().put("maxMs", Math.round(max / 100.0) / 10.0)
        .put("meanMs", n == 0 ? 0.0 : Math.round(sum / (double) n / 100.0) / 10.0);
  }
}
