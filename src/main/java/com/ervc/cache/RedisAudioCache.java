package com.ervc.cache;

import com.ervc.redis.SharedRedis;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * Redis-backed cache shared by every node. Values are binary ({@link CachedAudio} bytes) stored with
 * {@code SET key value PX ttl}. While Redis is unreachable every call is a miss; {@link SharedRedis} logs the
 * outage once, counts the errors and finds out when Redis is back.
 */
public final class RedisAudioCache implements AudioCache {
  private static final String PREFIX = "ervc:audio:";
  private static final int SCAN_COUNT = 500;

  private final SharedRedis redis;
  private final long ttlMs;
  private final AtomicLong hits = new AtomicLong();
  private final AtomicLong misses = new AtomicLong();

  public RedisAudioCache(SharedRedis redis, long ttlMs) {
    this.redis = redis;
    this.ttlMs = ttlMs;
  }

  /** Nothing is held in process here (the {@link TieredAudioCache} in front of it does that). */
  @Override
  public Buffer held(String key) {
    return null;
  }

  @Override
  public Future<Buffer> get(String key) {
    return redis.send(Request.cmd(Command.GET).arg(PREFIX + key)).map(response -> {
      if (response == null) {
        misses.incrementAndGet();
        return null;
      }
      hits.incrementAndGet();
      return response.toBuffer();
    }).otherwise(failure -> {
      misses.incrementAndGet();
      return null;
    });
  }

  @Override
  public Future<Void> put(String key, Buffer entry) {
    return redis.send(Request.cmd(Command.SET).arg(PREFIX + key).arg(entry).arg("PX").arg(ttlMs))
        .<Void>mapEmpty().otherwiseEmpty();
  }

  @Override
  public Future<Long> evict(String key) {
    return redis.send(Request.cmd(Command.UNLINK).arg(PREFIX + key)).map(response -> response.toLong());
  }

  /**
   * SCAN with {@code MATCH ervc:audio:<keyPrefix>*} page by page (never KEYS, which blocks Redis) and UNLINK. The
   * prefix must be hex digits: they are no glob characters, so the pattern never reaches beyond the cache's keys.
   */
  @Override
  public Future<Long> evictStartingWith(String keyPrefix) {
    return evictStartingWith(keyPrefix, key -> true);
  }

  /**
   * As {@link #evictStartingWith(String)}, but the count is of the removed keys (without {@code ervc:audio:}) that
   * {@code counted} accepts: the tiered cache counts a key it removed from both levels once. Each page's keys are
   * unlinked in two commands, the counted and the others, so the count is exactly what Redis removed of them (a key
   * found by SCAN may expire or be removed by another node before the UNLINK).
   */
  Future<Long> evictStartingWith(String keyPrefix, Predicate<String> counted) {
    if (!keyPrefix.matches("[0-9a-f]*")) {
      return Future.failedFuture(new IllegalArgumentException("a key prefix is hex digits: " + keyPrefix));
    }
    return evictFrom(PREFIX + keyPrefix + "*", counted, "0", 0);
  }

  private Future<Long> evictFrom(String pattern, Predicate<String> counted, String cursor, long removed) {
    return redis.send(Request.cmd(Command.SCAN).arg(cursor).arg("MATCH").arg(pattern).arg("COUNT").arg(SCAN_COUNT))
        .compose(page -> {
          String next = page.get(0).toString();
          List<String> countedKeys = new ArrayList<>();
          List<String> otherKeys = new ArrayList<>();
          page.get(1).forEach(found -> {
            String key = found.toString();
            (counted.test(key.substring(PREFIX.length())) ? countedKeys : otherKeys).add(key);
          });
          return unlink(otherKeys).compose(ignored -> unlink(countedKeys))
              .compose(n -> "0".equals(next) ? Future.succeededFuture(removed + n)
                  : evictFrom(pattern, counted, next, removed + n));
        });
  }

  /** UNLINK of {@code keys}; the count removed. */
  private Future<Long> unlink(List<String> keys) {
    if (keys.isEmpty()) {
      return Future.succeededFuture(0L);
    }
    Request unlink = Request.cmd(Command.UNLINK);
    keys.forEach(unlink::arg);
    return redis.send(unlink).map(response -> response.toLong());
  }

  /** {@code available} and {@code errors} are the node's shared Redis state (cache, rate limits and leases). */
  @Override
  public JsonObject stats() {
    return new JsonObject().put("backend", "redis").put("url", redis.url()).put("available", redis.available())
        .put("hits", hits.get()).put("misses", misses.get()).put("errors", redis.errors());
  }
}
