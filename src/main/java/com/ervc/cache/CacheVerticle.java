package com.ervc.cache;

import com.ervc.cluster.Addresses;
import com.ervc.config.CacheConfig;
import com.ervc.redis.SharedRedis;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;

/** Serves the audio cache on the event bus: Redis when {@code cache.redisUrl} is set, else in-process (Caffeine). */
public final class CacheVerticle extends VerticleBase {
  private final CacheConfig settings;
  private final SharedRedis redis;
  private AudioCache cache;

  /** @param redis the node's Redis client, or null when {@code cache.redisUrl} is not set */
  public CacheVerticle(CacheConfig settings, SharedRedis redis) {
    this.settings = settings;
    this.redis = redis;
  }

  @Override
  public Future<?> start() {
    long ttlMs = settings.ttlSeconds() * 1000L;
    cache = redis == null
        ? new MemoryAudioCache(settings.maxEntries(), settings.maxBytes(), ttlMs, System::currentTimeMillis)
        : new RedisAudioCache(redis, ttlMs);
    var bus = vertx.eventBus();
    return Future.all(
        bus.<String>consumer(Addresses.CACHE_GET, this::get).completion(),
        bus.<Buffer>consumer(Addresses.CACHE_PUT, this::put).completion(),
        bus.<Object>consumer(Addresses.CACHE_STATS, msg -> msg.reply(cache.stats())).completion());
  }

  private void get(Message<String> msg) {
    if (msg.body() == null || msg.body().length() != 64) {
      msg.fail(400, "cache key must be a 64-character SHA-256 hex string");
      return;
    }
    cache.get(msg.body()).onComplete(ar -> msg.reply(ar.result()));
  }

  private void put(Message<Buffer> msg) {
    String key = msg.headers().get(Addresses.H_KEY);
    if (key == null || key.length() != 64 || msg.body() == null) {
      msg.fail(400, "cache put needs a 64-character 'key' header and a body");
      return;
    }
    cache.put(key, msg.body()).onComplete(ar -> msg.reply(null));
  }
}
