package com.ervc.security;

import com.ervc.redis.SharedRedis;
import com.ervc.testing.Await;
import com.ervc.testing.RedisServer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The token-bucket script against a real redis-server, with a window short enough to watch it refill. */
class RedisRateLimiterTest {
  private static RedisServer server;
  private static Vertx vertx;
  private static RedisRateLimiter limiter;

  @BeforeAll
  static void start() throws Exception {
    server = new RedisServer().start();
    vertx = Vertx.vertx();
    // A local fallback that admits nothing, so an answer that admits can only come from Redis.
    LocalRateLimiter neverUsed = new LocalRateLimiter(() -> {
      throw new AssertionError("Redis is up; the local fallback must not be asked");
    });
    limiter = new RedisRateLimiter(new SharedRedis(vertx, server.url(), 2_000), neverUsed);
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
    server.close();
  }

  private static long acquire(String key, long windowMs) throws Exception {
    return limiter.acquire(key, 3, windowMs, 1).await(5, TimeUnit.SECONDS);
  }

  @Test
  void capacityIsAdmittedThenTheWaitIsToldThenTheRefilledBucketAdmitsAgain() throws Exception {
    // The bucket refills from its first request on, by Redis' clock: the fourth request is refused only if it comes
    // within one token's refill time of the first, so that time (3000/3 ms) must outlast three round trips even on a
    // busy machine, where 600/3 ms may not.
    long window = 3_000;
    for (int i = 0; i < 3; i++) {
      assertEquals(0L, acquire("refill", window), "request " + (i + 1) + " of 3");
    }
    long wait = acquire("refill", window);
    assertTrue(wait > 0 && wait <= window / 3, "one token refills in " + window + "/3 ms at most: " + wait);

    Await.until("the bucket admits again", Duration.ofSeconds(10), () -> acquire("refill", window) == 0);
  }

  @Test
  void bucketsOfDifferentKeysAreIndependent() throws Exception {
    for (int i = 0; i < 3; i++) {
      acquire("full", 60_000);
    }
    assertTrue(acquire("full", 60_000) > 0);
    assertEquals(0L, acquire("other", 60_000));
  }
}
