package com.ervc.admin;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class EventLoopDelayTest {
  private static final long MS = 1_000_000;

  @Test
  void noFiguresBeforeTheSecondTick() {
    EventLoopDelay delay = new EventLoopDelay();
    assertEquals(new JsonObject().put("maxMs", 0.0).put("meanMs", 0.0), delay.snapshot());
    delay.tick(5 * MS);
    assertEquals(new JsonObject().put("maxMs", 0.0).put("meanMs", 0.0), delay.snapshot());
  }

  @Test
  void eachTickCountsHowLateItCameAndEarlyTicksCountAsZero() {
    EventLoopDelay delay = new EventLoopDelay();
    long t = 0;
    delay.tick(t);
    t += EventLoopDelay.PERIOD_MS * MS + 30 * MS; // 30 ms late: the loop was busy
    delay.tick(t);
    t += EventLoopDelay.PERIOD_MS * MS - 20 * MS; // a timer catching up fires early
    delay.tick(t);
    t += EventLoopDelay.PERIOD_MS * MS + 1_500_000; // 1.5 ms late
    delay.tick(t);
    assertEquals(new JsonObject().put("maxMs", 30.0).put("meanMs", 10.5), delay.snapshot());
  }

  @Test
  void onlyTheLastWindowOfTicksCounts() {
    EventLoopDelay delay = new EventLoopDelay();
    long t = 0;
    delay.tick(t);
    t += EventLoopDelay.PERIOD_MS * MS + 500 * MS; // one long stall…
    delay.tick(t);
    for (int i = 0; i < EventLoopDelay.WINDOW; i++) { // …then a window of punctual ticks
      t += EventLoopDelay.PERIOD_MS * MS + 2 * MS;
      delay.tick(t);
    }
    assertEquals(new JsonObject().put("maxMs", 2.0).put("meanMs", 2.0), delay.snapshot());
  }
}
