package com.ervc.cache;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * In-process cache bounded by entry count and total bytes, with a TTL. Used when no Redis is configured.
 * Not thread-safe: the cache verticle calls it from its own event loop only.
 */
public final class LruAudioCache implements AudioCache {
  private record Entry(Buffer data, long expiresAtMs) {
  }

  private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>(64, 0.75f, true);
  private final int maxEntries;
  private final long maxBytes;
  private final long ttlMs;
  private final LongSupplier clock;
  private long bytes;
  private long hits;
  private long misses;
  private long evictions;

  public LruAudioCache(int maxEntries, long maxBytes, long ttlMs, LongSupplier clock) {
    this.maxEntries = maxEntries;
    this.maxBytes = maxBytes;
    this.ttlMs = ttlMs;
    this.clock = clock;
  }

  @Override
  public Future<Buffer> get(String key) {
    Entry entry = entries.get(key);
    if (entry != null && entry.expiresAtMs <= clock.getAsLong()) {
      remove(key);
      entry = null;
    }
    if (entry == null) {
      misses++;
      return Future.succeededFuture();
    }
    hits++;
    return Future.succeededFuture(entry.data);
  }

  @Override
  public Future<Void> put(String key, Buffer entry) {
    if (maxEntries == 0 || entry.length() > maxBytes) {
      return Future.succeededFuture();
    }
    remove(key);
    entries.put(key, new Entry(entry, clock.getAsLong() + ttlMs));
    bytes += entry.length();
    evictWhileOverLimits();
    return Future.succeededFuture();
  }

  private void evictWhileOverLimits() {
    Iterator<Map.Entry<String, Entry>> eldestFirst = entries.entrySet().iterator();
    while ((entries.size() > maxEntries || bytes > maxBytes) && eldestFirst.hasNext()) {
      bytes -= eldestFirst.next().getValue().data.length();
      eldestFirst.remove();
      evictions++;
    }
  }

  private void remove(String key) {
    Entry old = entries.remove(key);
    if (old != null) {
      bytes -= old.data.length();
    }
  }

  @Override
  public JsonObject stats() {
    return new JsonObject().put("backend", "memory").put("available", true).put("entries", entries.size())
        .put("bytes", bytes).put("hits", hits).put("misses", misses).put("evictions", evictions);
  }
}
