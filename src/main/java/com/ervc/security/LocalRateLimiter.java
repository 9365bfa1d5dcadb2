package com.ervc.security;

import io.vertx.core.Future;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * In-process token buckets. Used for per-connection limits, and for every limit while Redis is unreachable
 * (each node then enforces the limits on its own). Bounded: the oldest buckets are dropped beyond
 * {@link #MAX_KEYS}, and a dropped bucket simply starts full again. Thread-safe.
 */
public final class LocalRateLimiter implements RateLimiter {
  static final int MAX_KEYS = 100_000;

  private static final class Bucket {
    double tokens;
    long lastMs;
  }

  private final LongSupplier clock;
  private final Map<String, Bucket> buckets = new LinkedHashMap<>(1024, 0.75f, true);

  public LocalRateLimiter(LongSupplier clock) {
    this.clock = clock;
  }

  @Override
  public Future<Long> acquire(String key, long capacity, long windowMs, long cost) {
    return Future.succeededFuture(tryAcquire(key, capacity, windowMs, cost));
  }

  /** Synchronous form, for callers on one event loop. */
  public synchronized long tryAcquire(String key, long capacity, long windowMs, long cost) {
    long now = clock.getAsLong();
    double perMs = (double) capacity / windowMs;
    Bucket bucket = buckets.get(key);
    if (bucket == null) {
      bucket = new Bucket();
      bucket.tokens = capacity;
      bucket.lastMs = now;
      buckets.put(key, bucket);
      evictOldest();
    }
    bucket.tokens = Math.min(capacity, bucket.tokens + (now - bucket.lastMs) * perMs);
    bucket.lastMs = now;
    double needed = Math.min(cost, capacity);
    if (bucket.tokens >= needed) {
      bucket.tokens -= needed;
      return 0;
    }
    return (long) Math.ceil((needed - bucket.tokens) / perMs);
  }

  private void evictOldest() {
    Iterator<Bucket> oldest = buckets.values().iterator();
    while (buckets.size() > MAX_KEYS && oldest.hasNext()) {
      oldest.next();
      oldest.remove();
    }
  }

  /** Drops a bucket that can no longer be used (its connection closed). */
  public synchronized void forget(String key) {
    buckets.remove(key);
  }

  synchronized int size() {
    return buckets.size();
  }
}
