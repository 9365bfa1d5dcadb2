package com.ervc.admin;

import com.ervc.testing.Await;
import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EventLoopDelayTest {
  private static final long MS = 1_000_000;

  private static JsonObject figures(double maxMs, double meanMs, int ticks) {
    return new JsonObject().put("loop", 0).put("thread", "t").put("maxMs", maxMs).put("meanMs", meanMs).put("ticks", ticks);
  }

  @Test
  void noFiguresBeforeTheSecondTick() {
    EventLoopDelay.Loop delay = new EventLoopDelay.Loop(0);
    delay.tick(0, "t");
    assertEquals(figures(0.0, 0.0, 0), delay.snapshot());
    assertEquals(new JsonObject().put("maxMs", 0.0).put("meanMs", 0.0).put("loops", new JsonArray()),
        EventLoopDelay.combine(List.of()));
  }

  @Test
  void eachTickCountsHowLateItCameAndEarlyTicksCountAsZero() {
    EventLoopDelay.Loop delay = new EventLoopDelay.Loop(0);
    long t = 0;
    delay.tick(t, "t");
    t += EventLoopDelay.PERIOD_MS * MS + 30 * MS; // 30 ms late: the loop was busy
    delay.tick(t, "t");
    t += EventLoopDelay.PERIOD_MS * MS - 20 * MS; // a timer catching up fires early
    delay.tick(t, "t");
    t += EventLoopDelay.PERIOD_MS * MS + 1_500_000; // 1.5 ms late
    delay.tick(t, "t");
    assertEquals(figures(30.0, 10.5, 3), delay.snapshot());
  }

  @Test
  void onlyTheLastWindowOfTicksCounts() {
    EventLoopDelay.Loop delay = new EventLoopDelay.Loop(0);
    long t = 0;
    delay.tick(t, "t");
    t += EventLoopDelay.PERIOD_MS * MS + 500 * MS; // one long stall…
    delay.tick(t, "t");
    for (int i = 0; i < EventLoopDelay.WINDOW; i++) { // …then a window of punctual ticks
      t += EventLoopDelay.PERIOD_MS * MS + 2 * MS;
      delay.tick(t, "t");
    }
    assertEquals(figures(2.0, 2.0, EventLoopDelay.WINDOW), delay.snapshot());
  }

  @Test
  void theNodeFigureIsTheWorstLoopsMaximumAndTheMeanOverEveryTick() {
    JsonObject combined = EventLoopDelay.combine(List.of(figures(3.0, 1.0, 10), figures(40.0, 4.0, 30)));
    assertEquals(40.0, combined.getDouble("maxMs"));
    assertEquals(3.3, combined.getDouble("meanMs"), "(1×10 + 4×30) / 40 ticks, rounded to 0.1");
    assertEquals(2, combined.getJsonArray("loops").size());
  }

  /** A real Vert.x with four event loops: blocking one of them shows on that loop and on no other. */
  @Test
  void aBlockedEventLoopShowsOnThatLoopOnly() throws Exception {
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(4));
    try {
      EventLoopDelay delay = new EventLoopDelay();
      delay.start(vertx);
      Await.until("every loop ticked", Duration.ofSeconds(10), () -> delay.snapshot().getJsonArray("loops").stream()
          .allMatch(loop -> ((JsonObject) loop).getInteger("ticks") >= 2));
      JsonArray loops = delay.snapshot().getJsonArray("loops");
      assertEquals(4, loops.size(), loops.encode());
      List<EventExecutor> executors = new ArrayList<>();
      ((VertxInternal) vertx).nettyEventLoopGroup().forEach(executors::add);

      // Loop 2 is blocked for 1.5 s, as a handler doing blocking work would.
      CountDownLatch blocked = new CountDownLatch(1);
      executors.get(2).execute(() -> {
        try {
          blocked.await(1_500, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      Await.until("loop 2's delay shows the block", Duration.ofSeconds(10),
          () -> loop(delay, 2).getDouble("maxMs") >= 1_000);
      JsonObject node = delay.snapshot();
      assertEquals(loop(delay, 2).getDouble("maxMs"), node.getDouble("maxMs"), "the node shows its worst loop");
      for (int other : new int[] {0, 1, 3}) {
        assertTrue(loop(delay, other).getDouble("maxMs") < 1_000, "loop " + other + " was not blocked: " + node.encode());
      }
      assertTrue(loop(delay, 2).getString("thread").startsWith("vert.x-eventloop-thread-"), node.encode());
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  private static JsonObject loop(EventLoopDelay delay, int index) {
    return delay.snapshot().getJsonArray("loops").getJsonObject(index);
  }
}
