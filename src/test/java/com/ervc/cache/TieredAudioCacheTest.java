package com.ervc.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.ervc.redis.SharedRedis;
import com.ervc.testing.Await;
import com.ervc.testing.RedisServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The in-process copy in front of Redis against a real redis-server shared by two nodes' caches ({@code a} and
 * {@code b}, each with its own Redis client), stopped and started again.
 */
class TieredAudioCacheTest {
  private static final long TIMEOUT_MS = 1_000;
  private static final long TTL_MS = 60_000;
  private RedisServer server;
  private Vertx vertx;
  private SharedRedis redisOfA;
  private TieredAudioCache a;
  private TieredAudioCache b;

  @BeforeEach
  void start() throws Exception {
    server = new RedisServer().start();
    vertx = Vertx.vertx();
    redisOfA = new SharedRedis(vertx, server.url(), TIMEOUT_MS);
    a = tiered(redisOfA, 100);
    b = tiered(new SharedRedis(vertx, server.url(), TIMEOUT_MS), 100);
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
    server.close();
  }

  private static TieredAudioCache tiered(SharedRedis redis, int maxEntries) {
    return new TieredAudioCache(new MemoryAudioCache(maxEntries, 1 << 20, TTL_MS, System::currentTimeMillis),
        new RedisAudioCache(redis, TTL_MS));
  }

  private static String key(String voice, String text) {
    return CacheKey.of("espeak", voice, "neutral", 0.5, "balanced", 1.0, 0.0, 24000, text, null);
  }

  private static Buffer audio(int fill) {
    byte[] data = new byte[4_800];
    Arrays.fill(data, (byte) fill);
    return Buffer.buffer(data);
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.await(10, TimeUnit.SECONDS);
  }

  private boolean inRedis(String key) {
    return ":1".equals(server.command("EXISTS ervc:audio:" + key));
  }

  /** A look-up that must not wait for anything: its future is complete when get returns. */
  private static Buffer answeredAtOnce(TieredAudioCache cache, String key) {
    Future<Buffer> found = cache.get(key);
    assertTrue(found.isComplete(), "answered without waiting for Redis");
    return found.result();
  }

  private static JsonObject local(TieredAudioCache cache) {
    return cache.stats().getJsonObject("local");
  }

  @Test
  void anEntryPutIsServedFromTheInProcessCopyWhileRedisIsDown() throws Exception {
    String said = key("en-us", "Hello.");
    await(a.put(said, audio(1)));
    assertTrue(inRedis(said), "the put reached Redis too");

    server.stop();
    assertArrayEquals(audio(1).getBytes(), answeredAtOnce(a, said).getBytes());
    assertNull(await(a.get(key("en-us", "Never said."))), "a key in neither level is a miss");
    assertFalse(redisOfA.available());
    assertArrayEquals(audio(1).getBytes(), answeredAtOnce(a, said).getBytes(), "still served once Redis is known down");

    JsonObject stats = a.stats();
    assertEquals("redis", stats.getString("backend"));
    assertFalse(stats.getBoolean("available"));
    assertEquals(2, stats.getLong("hits"), stats.encode());
    assertEquals(1, stats.getLong("misses"), stats.encode());
    assertTrue(stats.getLong("errors") >= 1, stats.encode());
    JsonObject near = stats.getJsonObject("local");
    assertEquals(new JsonObject().put("entries", 1).put("bytes", 4_800L).put("hits", 2L).put("misses", 1L)
        .put("evictions", 0L), near);
  }

  @Test
  void anEntryOnlyInRedisIsFoundAndCopiedToTheInProcessLevel() throws Exception {
    String said = key("en-us", "Written by the other node.");
    await(b.put(said, audio(2)));
    assertEquals(0, local(a).getInteger("entries"));

    assertArrayEquals(audio(2).getBytes(), await(a.get(said)).getBytes());
    JsonObject stats = a.stats();
    assertEquals(1, stats.getLong("hits"), "a Redis hit: " + stats.encode());
    assertEquals(0, stats.getJsonObject("local").getLong("hits"));
    assertEquals(1, stats.getJsonObject("local").getInteger("entries"), "copied: " + stats.encode());

    server.stop();
    assertArrayEquals(audio(2).getBytes(), answeredAtOnce(a, said).getBytes());
  }

  @Test
  void withoutAnInProcessCopyEveryLookUpGoesToRedis() throws Exception {
    TieredAudioCache redisOnly = tiered(new SharedRedis(vertx, server.url(), TIMEOUT_MS), 0);
    String said = key("en-us", "Kept in Redis only.");
    await(redisOnly.put(said, audio(3)));
    assertArrayEquals(audio(3).getBytes(), await(redisOnly.get(said)).getBytes());
    assertEquals(0, local(redisOnly).getInteger("entries"));

    server.stop();
    assertNull(await(redisOnly.get(said)), "nothing kept in-process with maxEntries 0");
  }

  /**
   * The count is the distinct keys removed from either level of the node: a key in both counts once, as does one
   * only in Redis or only in-process. Another node's in-process copy is that node's to remove.
   */
  @Test
  void evictionRemovesBothLevelsByKeyAndByPrefixCountingEachKeyOnce() throws Exception {
    String both1 = key("en-us", "One.");
    String both2 = key("en-us", "Two.");
    String onlyRedis = key("en-us", "Three, from the other node.");
    String onlyLocal = key("en-us", "Four, gone from Redis.");
    String otherVoice = key("en-gb", "Five.");
    await(a.put(both1, audio(1)));
    await(a.put(both2, audio(2)));
    await(b.put(onlyRedis, audio(3)));
    await(a.put(onlyLocal, audio(4)));
    assertEquals(":1", server.command("DEL ervc:audio:" + onlyLocal));
    await(a.put(otherVoice, audio(5)));

    assertEquals(1L, await(a.evict(both1)));
    assertFalse(inRedis(both1));
    assertNull(await(a.get(both1)));
    assertEquals(0L, await(a.evict(both1)), "evicting again removes nothing");

    assertEquals(3L, await(a.evictStartingWith(CacheKey.voicePrefix("espeak", "en-us"))));
    assertFalse(inRedis(both2) || inRedis(onlyRedis));
    assertEquals(1, local(a).getInteger("entries"), "only the other voice's entry is left");
    assertArrayEquals(audio(5).getBytes(), answeredAtOnce(a, otherVoice).getBytes());
    assertTrue(inRedis(otherVoice));
    assertEquals(0L, await(a.evictStartingWith(CacheKey.voicePrefix("espeak", "en-us"))));
    assertEquals(1L, await(b.evictStartingWith(CacheKey.voicePrefix("espeak", "en-us"))),
        "the other node still had its own copy of the entry it wrote");
    assertTrue(failure(a.evictStartingWith("*")) instanceof IllegalArgumentException, "a glob is no key prefix");

    server.stop();
    assertNotNull(failure(a.evictStartingWith("")), "an eviction Redis could not make fails");
    assertFalse(redisOfA.available());
    assertEquals(0, local(a).getInteger("entries"), "the in-process level is cleared all the same");
    assertNull(await(a.get(otherVoice)));
    await(a.put(both2, audio(2)));
    assertTrue(failure(a.evict(both2)) instanceof SharedRedis.RedisUnavailableException,
        "while Redis is known down an eviction fails at once");
    assertNull(answeredAtOnce(a, both2), "and the in-process copy is gone all the same");
  }

  private static Throwable failure(Future<?> future) throws Exception {
    return await(future.transform(ar -> Future.succeededFuture(ar.cause())));
  }

  /** A Redis answer read before an eviction reached Redis never lands in the in-process level after it. */
  @Test
  void anEvictionDuringARedisLookUpLeavesNoCopy() throws Exception {
    String said = key("en-us", "Evicted while being read.");
    await(b.put(said, audio(6)));

    Future<Buffer> lookUp = a.get(said);
    Future<Long> evicted = a.evict(said);
    await(lookUp);
    assertEquals(1L, await(evicted));
    assertEquals(0, local(a).getInteger("entries"), a.stats().encode());
    server.stop();
    assertNull(await(a.get(said)));
  }

  @Test
  void putsReachRedisAgainOnceItIsBack() throws Exception {
    server.stop();
    String during = key("en-us", "Said during the outage.");
    await(a.put(during, audio(7)));
    assertArrayEquals(audio(7).getBytes(), answeredAtOnce(a, during).getBytes(), "kept in-process");
    assertFalse(redisOfA.available());

    server.start();
    Await.until("the probe finds Redis back", Duration.ofSeconds(10), redisOfA::available);
    String after = key("en-us", "Said after the outage.");
    await(a.put(after, audio(8)));
    assertTrue(inRedis(after));
    assertArrayEquals(audio(8).getBytes(), await(b.get(after)).getBytes(), "the other node finds it in Redis");
    assertTrue(a.stats().getBoolean("available"));
  }

  @Test
  void heldAnswersFromTheInProcessCopyOnlyAndNeverAsksRedis() throws Exception {
    String key = key("en-us", "Stored by the other node.");
    await(b.put(key, audio(7)));
    assertTrue(inRedis(key));
    assertNull(a.held(key), "only in Redis: not held by this node");
    assertArrayEquals(audio(7).getBytes(), await(a.get(key)).getBytes(), "a look-up reads Redis");
    assertArrayEquals(audio(7).getBytes(), a.held(key).getBytes(), "and copies it in process");
    assertArrayEquals(audio(7).getBytes(), b.held(key).getBytes(), "the node that stored it holds it");

    server.stop();
    assertArrayEquals(audio(7).getBytes(), a.held(key).getBytes(), "Redis down: still held");
    assertNull(a.held(key("en-us", "Never stored.")));
  }
}
