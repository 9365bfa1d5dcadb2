package com.ervc.cache;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The cache with Redis: an in-process copy ({@link MemoryAudioCache}, level 1) in front of Redis
 * ({@link RedisAudioCache}, level 2, shared by every cache node). A look-up that level 1 answers never waits for
 * Redis, so a cache hit stays a hit, answered at once, while Redis is down or slow; a Redis hit is copied to level 1.
 * Thread-safe: the pipeline and the gateway ask it from their own event loops.
 *
 * <p>An eviction removes both levels. A Redis answer read before an eviction reached Redis must not land in level 1
 * after the eviction cleared it, so a Redis hit is copied only when no eviction was running when its look-up began
 * and none began until the copy was made (checked again after the copy, which is removed otherwise).
 */
public final class TieredAudioCache implements AudioCache {
  private final MemoryAudioCache local;
  private final RedisAudioCache shared;
  private final AtomicLong evictionsBegun = new AtomicLong();
  private final AtomicLong evictionsEnded = new AtomicLong();

  /** {@code local} keeps nothing when its {@code maxEntries} is 0: every look-up then goes to Redis. */
  public TieredAudioCache(MemoryAudioCache local, RedisAudioCache shared) {
    this.local = local;
    this.shared = shared;
  }

  @Override
  public Future<Buffer> get(String key) {
    Buffer near = local.held(key);
    if (near != null) {
      return Future.succeededFuture(near);
    }
    // Ended before begun: equal values mean no eviction was running at any moment between the two reads.
    long ended = evictionsEnded.get();
    long begun = evictionsBegun.get();
    return shared.get(key).map(entry -> {
      if (entry != null && ended == begun) {
        copy(key, entry, begun);
      }
      return entry;
    });
  }

  /** Level 1 only. */
  @Override
  public Buffer held(String key) {
    return local.held(key);
  }

  private void copy(String key, Buffer entry, long begunAtLookUp) {
    local.keep(key, entry);
    if (evictionsBegun.get() != begunAtLookUp) {
      local.remove(key, entry); // an eviction began meanwhile and may have passed this key already
    }
  }

  /** Level 1 at once; Redis best effort, as {@link RedisAudioCache#put}. */
  @Override
  public Future<Void> put(String key, Buffer entry) {
    local.keep(key, entry);
    return shared.put(key, entry);
  }

  /**
   * 1 when either level held {@code key}, else 0. Level 1 is cleared even when Redis cannot be reached; the
   * eviction then fails with Redis's failure, since Redis may still hold the entry.
   */
  @Override
  public Future<Long> evict(String key) {
    evictionsBegun.incrementAndGet();
    boolean near = local.remove(key);
    return shared.evict(key).eventually(this::ended).map(removed -> near || removed > 0 ? 1L : 0L);
  }

  /**
   * The distinct keys removed from either level (a key held by both counts once). Level 1 is cleared even when
   * Redis cannot be reached; the eviction then fails with Redis's failure.
   */
  @Override
  public Future<Long> evictStartingWith(String keyPrefix) {
    evictionsBegun.incrementAndGet();
    Set<String> near = local.removeStartingWith(keyPrefix);
    return shared.evictStartingWith(keyPrefix, key -> !near.contains(key)).eventually(this::ended)
        .map(removed -> near.size() + removed);
  }

  private Future<Void> ended() {
    evictionsEnded.incrementAndGet();
    return Future.succeededFuture();
  }

  /**
   * Redis's figures ({@code backend} {@code redis}, {@code url}, {@code available}, {@code errors}) with
   * {@code hits} and {@code misses} of the cache as a whole (a hit in either level; a miss in both), and
   * {@code local}: level 1's {@code entries}, {@code bytes}, {@code hits}, {@code misses} and {@code evictions}
   * (dropped for size or age). Redis's own hits are {@code hits - local.hits}; its look-ups are {@code local.misses}.
   */
  @Override
  public JsonObject stats() {
    JsonObject near = local.stats();
    near.remove("backend");
    near.remove("available");
    JsonObject stats = shared.stats();
    return stats.put("hits", near.getLong("hits") + stats.getLong("hits")).put("local", near);
  }
}
