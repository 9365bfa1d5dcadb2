package com.ervc.admin;

import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * How late each event loop of the node runs: on every loop a timer asks to fire every {@value #PERIOD_MS} ms and
 * each tick records how much later than that it came (a blocked or busy loop delays it). The figures cover the last
 * {@value #WINDOW} ticks (5 s) of each loop. This is the measure Node.js' {@code monitorEventLoopDelay} and Vert.x's
 * blocked-thread checker build on; a verticle's handlers run on one loop, so one busy verticle shows on its loop
 * and the node's figure is the worst loop's.
 */
public final class EventLoopDelay {
  static final long PERIOD_MS = 100;
  static final int WINDOW = 50;

  private final List<Loop> loops = new CopyOnWriteArrayList<>();

  /**
   * Starts a timer on every event loop of {@code vertx}. Vert.x has no public call that puts a timer on a chosen
   * loop (a new context takes the next loop round-robin, shared with everything else that starts), so this builds
   * one context per loop of the event-loop group with Vert.x's internal context builder.
   */
  public void start(Vertx vertx) {
    VertxInternal internal = (VertxInternal) vertx;
    int index = 0;
    for (EventExecutor executor : internal.nettyEventLoopGroup()) {
      Loop loop = new Loop(index++);
      loops.add(loop);
      internal.contextBuilder().withEventLoop((io.netty.channel.EventLoop) executor).build()
          .setPeriodic(PERIOD_MS, id -> loop.tick(System.nanoTime(), Thread.currentThread().getName()));
    }
  }

  /**
   * {@code maxMs}: the worst loop's maximum, {@code meanMs}: the mean over every loop's ticks, and {@code loops}:
   * each loop's {@code maxMs} and {@code meanMs} with its index and thread; rounded to 0.1 ms.
   */
  public JsonObject snapshot() {
    return combine(loops.stream().map(Loop::snapshot).toList());
  }

  static JsonObject combine(List<JsonObject> perLoop) {
    double max = 0;
    double weighted = 0;
    long ticks = 0;
    for (JsonObject loop : perLoop) {
      max = Math.max(max, loop.getDouble("maxMs"));
      weighted += loop.getDouble("meanMs") * loop.getLong("ticks");
      ticks += loop.getLong("ticks");
    }
    return new JsonObject().put("maxMs", max).put("meanMs", ticks == 0 ? 0.0 : Math.round(weighted / ticks * 10) / 10.0)
        .put("loops", new JsonArray(perLoop));
  }

  /** One event loop's window of ticks. */
  static final class Loop {
    private final int index;
    private final long[] lateMicros = new long[WINDOW];
    private String thread = "";
    private int ticks;
    private long lastNanos = -1;

    Loop(int index) {
      this.index = index;
    }

    /** One timer tick at {@code nowNanos}, on the loop's {@code thread}. */
    synchronized void tick(long nowNanos, String thread) {
      this.thread = thread;
      if (lastNanos >= 0) {
        long late = (nowNanos - lastNanos) / 1_000 - PERIOD_MS * 1_000;
        lateMicros[ticks++ % WINDOW] = Math.max(0, late);
      }
      lastNanos = nowNanos;
    }

    /** {@code maxMs} and {@code meanMs} over the window, zeros before the second tick, and {@code ticks} counted. */
    synchronized JsonObject snapshot() {
      int n = Math.min(ticks, WINDOW);
      long max = 0;
      long sum = 0;
      for (int i = 0; i < n; i++) {
        max = Math.max(max, lateMicros[i]);
        sum += lateMicros[i];
      }
      return new JsonObject().put("loop", index).put("thread", thread).put("maxMs", Math.round(max / 100.0) / 10.0)
          .put("meanMs", n == 0 ? 0.0 : Math.round(sum / (double) n / 100.0) / 10.0).put("ticks", n);
    }
  }
}
