package com.ervc.protocol;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;

/**
 * The audio cache's messages: {@link Get} on {@code tts.cache.get} (reply {@link Entry}), {@link Put} on
 * {@code tts.cache.put} (empty reply), {@link StatsRequest} on {@code tts.cache.stats} (reply {@link Stats}).
 * Keys are 64 hex characters; entries use the binary layout of {@code cache.CachedAudio}.
 */
public sealed interface CacheMessage extends BusBody {
  int KEY_LENGTH = 64;

  /** Asks for the entry under {@code key}; the body is the key itself. */
  record Get(String key) implements CacheMessage {
    public static final String TYPE = "get";

    @Override
    public String body() {
      return key;
    }

    public static Get from(Object body) {
      if (!(body instanceof String key) || key.length() != KEY_LENGTH) {
        throw new SpeechException(ErrorCode.INVALID_REQUEST, "cache key must be a 64-character SHA-256 hex string");
      }
      return new Get(key);
    }
  }

  /** The reply to {@link Get}: the stored entry, or null on a miss. */
  record Entry(Buffer entry) implements CacheMessage {
    public static final String TYPE = "entry";

    @Override
    public Buffer body() {
      return entry;
    }
  }

  /** Stores {@code entry} under {@code key} (in the {@code key} header). */
  record Put(String key, Buffer entry) implements CacheMessage {
    public static final String TYPE = "put";

    @Override
    public Buffer body() {
      return entry;
    }

    @Override
    public void addHeaders(DeliveryOptions options) {
      options.addHeader(Addresses.H_KEY, key);
    }

    public static Put from(String key, Object body) {
      if (key == null || key.length() != KEY_LENGTH || !(body instanceof Buffer entry)) {
        throw new SpeechException(ErrorCode.INVALID_REQUEST, "cache put needs a 64-character 'key' header and a body");
      }
      return new Put(key, entry);
    }
  }

  /** Asks for the cache's statistics; no body. */
  record StatsRequest() implements CacheMessage {
    public static final String TYPE = "stats-request";

    @Override
    public Object body() {
      return null;
    }
  }

  /** The reply to {@link StatsRequest}: the backend's counters, whose fields depend on the backend. */
  record Stats(JsonObject stats) implements CacheMessage {
    public static final String TYPE = "stats";

    @Override
    public JsonObject body() {
      return stats;
    }
  }
}
