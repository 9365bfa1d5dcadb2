package com.ervc.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.stats.CacheStats;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;

/**
 * In-process cache (Caffeine) bounded by entry count and total bytes, with a TTL. The whole cache when no Redis is
 * configured, else the level in front of Redis ({@link TieredAudioCache}). Thread-safe; every future it returns is
 * already complete.
 *
 * <p>Caffeine bounds either the entry count or a total weight, not both. So an entry weighs its bytes but at
 * least {@code ceil(maxBytes / maxEntries)}, and the total weight is bounded by {@code maxBytes}: that keeps the
 * bytes within {@code maxBytes} and the count within {@code maxEntries} at once. The price: a small entry next to
 * large ones is charged the average allowed size, and when {@code maxBytes} is not a multiple of
 * {@code maxEntries} the rounding may leave room for one entry fewer.
 */
public final class MemoryAudioCache implements AudioCache {
  private final Cache<String, Buffer> entries;
  private final int maxEntries;
  private final long maxBytes;

  /** {@code clock} gives milliseconds; expiry and eviction run on the calling thread, so tests can step time. */
  public MemoryAudioCache(int maxEntries, long maxBytes, long ttlMs, LongSupplier clock) {
    this.maxEntries = maxEntries;
    this.maxBytes = maxBytes;
    long minWeight = maxEntries == 0 ? maxBytes : Math.max(1, ceilDiv(maxBytes, maxEntries));
    this.entries = Caffeine.newBuilder()
        .maximumWeight(maxBytes)
        .weigher((String key, Buffer data) -> (int) Math.min(Integer.MAX_VALUE, Math.max(data.length(), minWeight)))
        .expireAfterWrite(Duration.ofMillis(ttlMs))
        .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.getAsLong()))
        .executor(Runnable::run)
        .recordStats()
        .build();
  }

  private static long ceilDiv(long dividend, long divisor) {
    return -Math.floorDiv(-dividend, divisor);
  }

  @Override
  public Future<Buffer> get(String key) {
    return Future.succeededFuture(held(key));
  }

  @Override
  public Buffer held(String key) {
    return entries.getIfPresent(key);
  }

  @Override
  public Future<Void> put(String key, Buffer entry) {
    keep(key, entry);
    return Future.succeededFuture();
  }

  void keep(String key, Buffer entry) {
    // Caffeine would admit and at once evict such an entry, counting an eviction for nothing kept.
    if (maxEntries > 0 && entry.length() <= maxBytes) {
      entries.put(key, entry);
    }
  }

  @Override
  public Future<Long> evict(String key) {
    return Future.succeededFuture(remove(key) ? 1L : 0L);
  }

  /** Whether an entry was removed. */
  boolean remove(String key) {
    return entries.asMap().remove(key) != null;
  }

  /** Removes {@code key} only while it still holds this very {@code entry}. */
  void remove(String key, Buffer entry) {
    entries.asMap().remove(key, entry);
  }

  @Override
  public Future<Long> evictStartingWith(String keyPrefix) {
    return Future.succeededFuture((long) removeStartingWith(keyPrefix).size());
  }

  /** The keys removed. */
  Set<String> removeStartingWith(String keyPrefix) {
    return entries.asMap().keySet().stream().filter(key -> key.startsWith(keyPrefix))
        .filter(key -> entries.asMap().remove(key) != null).collect(Collectors.toSet());
  }

  /** {@code evictions} counts entries dropped for size or age. */
  @Override
  public JsonObject stats() {
    entries.cleanUp();
    long bytes = entries.asMap().values().stream().mapToLong(Buffer::length).sum();
    CacheStats counts = entries.stats();
    return new JsonObject().put("backend", "memory").put("available", true).put("entries", entries.asMap().size())
        .put("bytes", bytes).put("hits", counts.hitCount()).put("misses", counts.missCount())
        .put("evictions", counts.evictionCount());
  }
}
