package com.ervc.cache;

import com.ervc.config.CacheConfig;
import com.ervc.protocol.AdminMessage;
import com.ervc.protocol.Addresses;
import com.ervc.protocol.BusBody;
import com.ervc.protocol.BusProtocol;
import com.ervc.protocol.CacheMessage;
import com.ervc.protocol.SpeechException;
import com.ervc.redis.SharedRedis;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;

/**
 * Serves the audio cache on the event bus: in-process (Caffeine) alone, or in front of Redis when
 * {@code cache.redisUrl} is set.
 */
public final class CacheVerticle extends VerticleBase {
  private final CacheConfig settings;
  private final SharedRedis redis;
  private final String nodeId;
  private AudioCache cache;

  /**
   * @param redis  the node's Redis client, or null when {@code cache.redisUrl} is not set
   * @param nodeId this node's id: the cache serves operators' evictions on {@code admin.cache.<nodeId>}
   */
  public CacheVerticle(CacheConfig settings, SharedRedis redis, String nodeId) {
    this.settings = settings;
    this.redis = redis;
    this.nodeId = nodeId;
  }

  @Override
  public Future<?> start() {
    long ttlMs = settings.ttlSeconds() * 1000L;
    var local = new MemoryAudioCache(settings.maxEntries(), settings.maxBytes(), ttlMs, System::currentTimeMillis);
    cache = redis == null ? local : new TieredAudioCache(local, new RedisAudioCache(redis, ttlMs));
    var bus = vertx.eventBus();
    return Future.all(
        bus.consumer(Addresses.CACHE_GET, this::get).completion(),
        bus.consumer(Addresses.CACHE_PUT, this::put).completion(),
        bus.consumer(Addresses.CACHE_STATS, this::stats).completion(),
        bus.consumer(Addresses.adminCache(nodeId), this::evict).completion());
  }

  /** The cache this verticle serves, once started: a pipeline on this node asks it directly. */
  public AudioCache cache() {
    return cache;
  }

  private void get(Message<Object> msg) {
    if (!BusProtocol.accepts(msg, CacheMessage.Get.TYPE)) {
      return;
    }
    CacheMessage.Get get;
    try {
      get = CacheMessage.Get.from(msg.body());
    } catch (SpeechException e) {
      msg.fail(e.code().status(), e.getMessage());
      return;
    }
    cache.get(get.key()).onComplete(ar -> reply(msg, new CacheMessage.Entry(ar.result())));
  }

  private void put(Message<Object> msg) {
    if (!BusProtocol.accepts(msg, CacheMessage.Put.TYPE)) {
      return;
    }
    CacheMessage.Put put;
    try {
      put = CacheMessage.Put.from(msg.headers().get(Addresses.H_KEY), msg.body());
    } catch (SpeechException e) {
      msg.fail(e.code().status(), e.getMessage());
      return;
    }
    cache.put(put.key(), put.entry()).onComplete(ar -> msg.reply(null));
  }

  private void stats(Message<Object> msg) {
    if (BusProtocol.accepts(msg, CacheMessage.StatsRequest.TYPE)) {
      reply(msg, new CacheMessage.Stats(cache.stats()));
    }
  }

  /** An operator's eviction; rights were checked by the node serving the admin API. */
  private void evict(Message<Object> msg) {
    if (!BusProtocol.accepts(msg, AdminMessage.EvictCache.TYPE)) {
      return;
    }
    AdminMessage.EvictCache evict;
    try {
      evict = AdminMessage.EvictCache.from(msg.body());
    } catch (SpeechException e) {
      msg.fail(e.code().status(), e.getMessage());
      return;
    }
    Future<Long> removed = evict.key() == null
        ? cache.evictStartingWith(evict.voice() == null ? CacheKey.providerPrefix(evict.provider())
            : CacheKey.voicePrefix(evict.provider(), evict.voice()))
        : AdminMessage.EvictCache.ALL.equals(evict.key()) ? cache.evictStartingWith("") : cache.evict(evict.key());
    removed.onComplete(ar -> {
      if (ar.succeeded()) {
        reply(msg, new AdminMessage.CacheEvicted(ar.result(), cache.stats()));
      } else {
        msg.fail(502, "eviction failed: " + ar.cause().getMessage());
      }
    });
  }

  private static void reply(Message<Object> msg, BusBody answer) {
    msg.reply(answer.body(), BusProtocol.options(answer));
  }
}
