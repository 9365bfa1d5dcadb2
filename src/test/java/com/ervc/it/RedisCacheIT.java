package com.ervc.it;

import com.ervc.cache.CacheKey;
import com.ervc.cache.RedisAudioCache;
import com.ervc.node.Node;
import com.ervc.protocol.Addresses;
import com.ervc.protocol.AdminMessage;
import com.ervc.protocol.BusProtocol;
import com.ervc.protocol.CacheMessage;
import com.ervc.redis.SharedRedis;
import com.ervc.testing.Await;
import com.ervc.testing.RedisServer;
import com.ervc.testing.TestNodes;
import com.ervc.testing.WsProbe;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Redis cache against a real redis-server, including an outage in the middle of a session, which the node's
 * in-process copy in front of Redis bridges.
 */
class RedisCacheIT {
  private static final String KEY_A = "a".repeat(64);
  private static RedisServer redis;
  private static Vertx vertx;

  @BeforeAll
  static void start() throws Exception {
    redis = new RedisServer().start();
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
    redis.close();
  }

  @Test
  void storesByteIdenticalAudioAndHonoursTtl() throws Exception {
    RedisAudioCache cache = new RedisAudioCache(new SharedRedis(vertx, redis.url(), 1000), 400);
    byte[] audio = new byte[48_000];
    new Random(7).nextBytes(audio);
    cache.put(KEY_A, Buffer.buffer(audio)).await(5, TimeUnit.SECONDS);

    assertArrayEquals(audio, cache.get(KEY_A).await(5, TimeUnit.SECONDS).getBytes());
    long pttl = Long.parseLong(redis.command("PTTL ervc:audio:" + KEY_A).substring(1));
    assertTrue(pttl > 0 && pttl <= 400, "stored with PX ttl: " + pttl);
    Await.until("Redis expires the entry after its TTL", Duration.ofSeconds(5),
        () -> cache.get(KEY_A).await(5, TimeUnit.SECONDS) == null);
    assertNull(cache.get("b".repeat(64)).await(5, TimeUnit.SECONDS));
  }

  /** More entries than one SCAN page, so the eviction follows the cursor; keys outside the cache's prefix stay. */
  @Test
  void evictRemovesOneKeyOrEveryCacheKeyAndNothingElse() throws Exception {
    RedisAudioCache cache = new RedisAudioCache(new SharedRedis(vertx, redis.url(), 1000), 60_000);
    cache.evictStartingWith("").await(30, TimeUnit.SECONDS); // what the other tests stored
    redis.command("SET unrelated:key kept");
    int stored = 1_200;
    for (int i = 0; i < stored; i++) {
      cache.put(String.format("%064x", i), Buffer.buffer(new byte[] {(byte) i})).await(5, TimeUnit.SECONDS);
    }
    String first = String.format("%064x", 0);
    assertEquals(1L, cache.evict(first).await(5, TimeUnit.SECONDS));
    assertNull(cache.get(first).await(5, TimeUnit.SECONDS));
    assertEquals(0L, cache.evict(first).await(5, TimeUnit.SECONDS), "evicting again removes nothing");
    assertEquals(stored - 1L, cache.evictStartingWith("").await(30, TimeUnit.SECONDS));
    assertNull(cache.get(String.format("%064x", stored - 1)).await(5, TimeUnit.SECONDS));
    assertEquals(":1", redis.command("EXISTS unrelated:key"));
    assertEquals(0L, cache.evictStartingWith("").await(30, TimeUnit.SECONDS));
  }

  /** By provider and by voice: a SCAN with the key prefix across pages; other providers' and voices' entries stay. */
  @Test
  void evictByProviderOrVoiceRemovesOnlyTheirEntries() throws Exception {
    // A generous command timeout: a loaded test machine may take over a second to connect.
    RedisAudioCache cache = new RedisAudioCache(new SharedRedis(vertx, redis.url(), 10_000), 60_000);
    cache.evictStartingWith("").await(30, TimeUnit.SECONDS);
    int perVoice = 600;
    for (int i = 0; i < perVoice; i++) {
      for (String[] voice : new String[][] {{"espeak", "en-us"}, {"espeak", "en-gb"}, {"piper", "en-us"}}) {
        String key = CacheKey.of(voice[0], voice[1], "neutral", 0.5, "balanced", 1.0, 0.0, 24000, "Sentence " + i, null);
        cache.put(key, Buffer.buffer(new byte[] {(byte) i})).await(5, TimeUnit.SECONDS);
      }
    }
    String kept = CacheKey.of("espeak", "en-gb", "neutral", 0.5, "balanced", 1.0, 0.0, 24000, "Sentence 7", null);

    assertEquals((long) perVoice, cache.evictStartingWith(CacheKey.voicePrefix("espeak", "en-us")).await(30, TimeUnit.SECONDS));
    assertEquals(0L, cache.evictStartingWith(CacheKey.voicePrefix("espeak", "en-us")).await(30, TimeUnit.SECONDS));
    // Exactly the other voice's entries are left of the provider, so it kept them all.
    assertEquals((long) perVoice, cache.evictStartingWith(CacheKey.providerPrefix("espeak")).await(30, TimeUnit.SECONDS));
    assertNull(cache.get(kept).await(5, TimeUnit.SECONDS));
    assertNotNull(cache.get(
        CacheKey.of("piper", "en-us", "neutral", 0.5, "balanced", 1.0, 0.0, 24000, "Sentence 7", null))
        .await(5, TimeUnit.SECONDS));
    assertEquals((long) perVoice, cache.evictStartingWith("").await(30, TimeUnit.SECONDS), "the other provider kept all");
    assertTrue(cache.evictStartingWith("*").failed(), "a glob is no key prefix");
  }

  @Test
  void speechKeepsWorkingWhileRedisIsDownAndUsesItAgainWhenBack() throws Exception {
    Map<String, String> env = TestNodes.env(TestNodes.uniqueClusterName());
    env.put("REDIS_URL", redis.url());
    Node node = TestNodes.start(env);
    try (WsProbe ws = new WsProbe(node.vertx(), node.httpPort())) {
      ws.nextOfType("ready");
      String before = unique("Before the outage");
      assertFalse(speak(ws, before).getBoolean("cached"));
      assertTrue(speak(ws, before).getBoolean("cached"), "second time from the node's in-process copy");
      Await.until("Redis holds it too", Duration.ofSeconds(5), () -> audioEntries() >= 1);

      redis.stop();
      assertTrue(speak(ws, before).getBoolean("cached"), "a cached sentence stays a hit while Redis is down");
      String during = unique("During the outage");
      JsonObject first = speak(ws, during);
      assertEquals("audio_end", first.getString("type"));
      assertTrue(first.getLong("samples") > 0);
      assertFalse(first.getBoolean("cached"));
      assertTrue(speak(ws, during).getBoolean("cached"), "kept in-process while Redis is down");
      JsonObject health = cacheStats(node);
      assertFalse(health.getBoolean("available"));
      assertTrue(health.getLong("errors") >= 2);
      assertTrue(health.getJsonObject("local").getLong("hits") >= 3, health.encode());
      Throwable refused = evictAll(node).transform(ar -> Future.succeededFuture(ar.cause())).await(10, TimeUnit.SECONDS);
      assertEquals(502, refused instanceof ReplyException r ? r.failureCode() : -1, String.valueOf(refused));
      assertFalse(speak(ws, before).getBoolean("cached"),
          "an eviction Redis could not carry out still cleared the in-process copy");

      redis.start(); // empty: it keeps nothing on disk
      Await.until("the node finds Redis back", Duration.ofSeconds(10), () -> cacheStats(node).getBoolean("available"));
      String after = unique("After the outage");
      assertFalse(speak(ws, after).getBoolean("cached"));
      Await.until("the new entry reaches Redis", Duration.ofSeconds(5), () -> audioEntries() >= 1);
      assertTrue(speak(ws, after).getBoolean("cached"));
      JsonObject evicted = evictAll(node).await(10, TimeUnit.SECONDS);
      assertEquals(2, evicted.getLong("evicted"),
          "'before' (in-process only since the failed eviction) and 'after' (in both levels), each once: "
              + evicted.encode());
      assertEquals(0, evicted.getJsonObject("stats").getJsonObject("local").getInteger("entries"));
      assertEquals(0, audioEntries());
      assertFalse(speak(ws, after).getBoolean("cached"));
    } finally {
      TestNodes.stop(node);
    }
  }

  /** The cache's entries in Redis (the rate limits keep keys there too). */
  private static long audioEntries() {
    return Long.parseLong(redis.command("EVAL \"return #redis.call('KEYS', 'ervc:audio:*')\" 0").substring(1));
  }

  /** An operator's eviction of every entry, as the admin API sends it to the node's cache. */
  private static Future<JsonObject> evictAll(Node node) {
    AdminMessage.EvictCache all = AdminMessage.EvictCache.ofKey(AdminMessage.EvictCache.ALL);
    return node.vertx().eventBus().<JsonObject>request(Addresses.adminCache(node.config().node().id()), all.body(),
        BusProtocol.options(all)).map(Message::body);
  }

  private static JsonObject cacheStats(Node node) throws Exception {
    return node.vertx().eventBus().<JsonObject>request("tts.cache.stats", null,
        BusProtocol.options(new CacheMessage.StatsRequest())).await(5, TimeUnit.SECONDS).body();
  }

  private static String unique(String text) {
    return text + ", take " + UUID.randomUUID().toString().replaceAll("[^a-f]", "").substring(0, 4) + ".";
  }

  private static JsonObject speak(WsProbe ws, String text) throws Exception {
    String id = UUID.randomUUID().toString();
    ws.send(new JsonObject().put("type", "synthesize").put("id", id).put("text", text));
    return ws.collect(id).last();
  }
}
