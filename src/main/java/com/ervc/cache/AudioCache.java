package com.ervc.cache;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/** A store of encoded {@link CachedAudio} entries. Failures are misses: a cache never stops speech. */
public interface AudioCache {
  /** The entry, or null on a miss (also when the backing store is down). Never fails. */
  Future<Buffer> get(String key);

  /** Stores an entry; never fails (a store that is down just does not keep it). */
  Future<Void> put(String key, Buffer entry);

  /**
   * Removes the entry under {@code key}, or every entry when {@code key} is null; the count of entries removed.
   * Idempotent: removing what is not there removes nothing.
   */
  Future<Long> evict(String key);

  JsonObject stats();
}
