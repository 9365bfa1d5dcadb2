package com.ervc.redis;

import com.ervc.cache.RedisAudioCache;
import com.ervc.security.LocalConnectionLeases;
import com.ervc.security.LocalRateLimiter;
import com.ervc.security.RedisConnectionLeases;
import com.ervc.security.RedisRateLimiter;
import com.ervc.testing.Await;
import com.ervc.testing.RedisServer;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** One client and one availability state for the cache, the rate limits and the leases, against a real redis-server. */
class SharedRedisTest {
  /** Long enough that a loaded machine's pauses stay well inside it (the slow-command test plays inside it). */
  private static final long TIMEOUT_MS = 2_000;
  private RedisServer server;
  private Vertx vertx;
  private SharedRedis redis;
  private RedisAudioCache cache;
  private RedisRateLimiter limiter;
  private RedisConnectionLeases leases;

  @BeforeEach
  void start() throws Exception {
    server = new RedisServer().start();
    vertx = Vertx.vertx();
    redis = new SharedRedis(vertx, server.url(), TIMEOUT_MS);
    cache = new RedisAudioCache(redis, 60_000);
    limiter = new RedisRateLimiter(redis, new LocalRateLimiter(System::currentTimeMillis));
    leases = new RedisConnectionLeases(vertx, redis, new LocalConnectionLeases());
  }

  @AfterEach
  void stop() throws Exception {
    leases.close();
    vertx.close().await(10, TimeUnit.SECONDS);
    server.close();
  }

  private static String key(char c) {
    return String.valueOf(c).repeat(64);
  }

  private long limiterWait(String key) throws Exception {
    return limiter.acquire(key, 1, 60_000, 1).await(5, TimeUnit.SECONDS);
  }

  @Test
  void allThreeUsersGoThroughTheOneClient() throws Exception {
    cache.put(key('a'), Buffer.buffer(new byte[] {1, 2, 3})).await(5, TimeUnit.SECONDS);
    assertEquals(0L, limiterWait("ip:1"));
    assertTrue(leases.acquire("alice", "c1", 1).await(5, TimeUnit.SECONDS));

    assertArrayEquals(new byte[] {1, 2, 3}, cache.get(key('a')).await(5, TimeUnit.SECONDS).getBytes());
    assertEquals(":1", server.command("EXISTS ervc:rl:ip:1"));
    assertEquals(":1", server.command("ZCARD ervc:conn:alice"));
    assertTrue(redis.available());
    assertEquals(0, redis.errors());
  }

  @Test
  void anOutageIsSeenOnceByAllUsersAndTheRecoveryToo() throws Exception {
    server.stop();
    assertNull(cache.get(key('a')).await(5, TimeUnit.SECONDS), "the cache's failed lookup is a miss");
    assertFalse(redis.available());

    // The limiter and the leases learn it from the same state: their commands fail at once, the local rules decide.
    long started = System.nanoTime();
    assertEquals(0L, limiterWait("ip:2"));
    assertTrue(limiterWait("ip:2") > 0, "the local bucket of 1 is empty");
    assertTrue(leases.acquire("bob", "c1", 1).await(5, TimeUnit.SECONDS));
    assertFalse(leases.acquire("bob", "c2", 1).await(5, TimeUnit.SECONDS), "the local lease count holds");
    assertTrue(System.nanoTime() - started < TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MS),
        "nobody waited for a command timeout while Redis was known to be down");
    assertFalse(cache.stats().getBoolean("available"));
    assertEquals(1, redis.outages());
    assertTrue(cache.stats().getLong("errors") >= 5, cache.stats().encode());

    server.start();
    Await.until("the probe finds Redis back", Duration.ofSeconds(10), redis::available);
    cache.put(key('b'), Buffer.buffer(new byte[] {4})).await(5, TimeUnit.SECONDS);
    assertArrayEquals(new byte[] {4}, cache.get(key('b')).await(5, TimeUnit.SECONDS).getBytes());
    assertEquals(0L, limiterWait("ip:3"));
    assertEquals(":1", server.command("EXISTS ervc:rl:ip:3"));
    assertTrue(leases.acquire("carol", "c1", 1).await(5, TimeUnit.SECONDS));
    assertEquals(":1", server.command("ZCARD ervc:conn:carol"));
    assertEquals(1, redis.outages(), "one outage, one recovery, whichever user noticed");
    assertTrue(cache.stats().getBoolean("available"));
  }

  @Test
  void anErrorReplyIsAFailedCommandButRedisStaysAvailable() throws Exception {
    assertEquals("+OK", server.command("SET not-a-number abc"));

    Throwable failure = redis.send(Request.cmd(Command.INCR).arg("not-a-number"))
        .transform(reply -> Future.succeededFuture(reply.cause())).await(5, TimeUnit.SECONDS);

    assertTrue(failure != null && failure.getMessage().startsWith("ERR"), String.valueOf(failure));
    assertEquals(1, redis.errors());
    assertTrue(redis.available(), "Redis answered, so the cache, limits and leases keep using it");
    assertEquals(0, redis.outages());
  }

  @Test
  void aSlowCommandWhileOthersAreAnsweredDoesNotMarkRedisDown() throws Exception {
    // BLPOP on an empty list blocks its own connection for 5 s, past the 2 s timeout; a PING on another connection
    // is answered meanwhile, so Redis is busy, not gone. The PING goes halfway: it must be answered (opening its
    // connection first) before the BLPOP times out, and that timeout must come within a whole timeout of the answer,
    // however late a busy machine runs either.
    Future<Throwable> slow = redis.send(Request.cmd(Command.BLPOP).arg("empty-list").arg(5))
        .transform(ar -> Future.succeededFuture(ar.cause()));
    io.vertx.core.Promise<Void> pinged = io.vertx.core.Promise.promise();
    vertx.setTimer(TIMEOUT_MS / 2, id -> redis.send(Request.cmd(Command.PING)).<Void>mapEmpty().onComplete(pinged));
    pinged.future().await(5, TimeUnit.SECONDS);

    Throwable failure = slow.await(5, TimeUnit.SECONDS);
    assertTrue(failure instanceof java.util.concurrent.TimeoutException, String.valueOf(failure));
    assertTrue(redis.available(), "one slow command while others are answered is no outage");
    assertEquals(0, redis.outages());

    server.stop();
    assertNull(cache.get(key('c')).await(5, TimeUnit.SECONDS));
    assertFalse(redis.available(), "a refused connection still marks it down at once");
  }

  // The URL is logged and shown in stats, so a password in it must never appear.
  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "redis://:secret@h:6379/0,    redis://:***@h:6379/0",
      "redis://user:pw@h,           redis://user:***@h",
      "rediss://user:p%40ss@h:6380, rediss://user:***@h:6380",
      "redis://h:6379/0,            redis://h:6379/0",
      "redis://user@h:6379,         redis://user@h:6379",
      "unix:///run/redis.sock,      unix:///run/redis.sock"})
  void redactPasswordHidesOnlyThePassword(String url, String expected) {
    assertEquals(expected, SharedRedis.redactPassword(url));
  }
}
