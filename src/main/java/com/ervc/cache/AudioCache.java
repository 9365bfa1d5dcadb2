package com.ervc.cache;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/** A store of encoded {@link CachedAudio} entries. Failures are misses: a cache never stops speech. */
public interface AudioCache {
  /** The entry, or null on a miss (also when the backing store is down). Never fails. */
  Future<Buffer> get(String key);

  /**
   * The entry when this node holds it in process, else null: answered at once, never from a remote store (a
   * gateway that writes a cached reply itself asks only this, so a miss costs it no Redis round trip that the
   * pipeline then makes again).
   */
  Buffer held(String key);

  /** Stores an entry; never fails (a store that is down just does not keep it). */
  Future<Void> put(String key, Buffer entry);

  /** Removes the entry under {@code key}; the count removed (0 or 1). Idempotent. */
  Future<Long> evict(String key);

  /**
   * Removes every entry whose key starts with {@code keyPrefix}: lower-case hex digits, such as a
   * {@link CacheKey#providerPrefix} or {@link CacheKey#voicePrefix}; empty for every entry. The count removed.
   * Idempotent.
   */
  Future<Long> evictStartingWith(String keyPrefix);

  JsonObject stats();
}
