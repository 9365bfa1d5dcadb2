package com.ervc.config;

import io.vertx.core.json.JsonObject;

import java.util.List;

import static com.ervc.config.Setting.integer;
import static com.ervc.config.Setting.string;

/** The {@code cache.*} keys: the sentence audio cache and the Redis it shares with the rate limits. */
public record CacheConfig(int maxEntries, long maxBytes, int ttlSeconds, String redisUrl, int timeoutMs) {
  static final Setting MAX_ENTRIES = integer("cache.maxEntries", "CACHE_SIZE", 200, 0, 10_000_000)
      .describe("The most entries kept in-process, per cache node (with `cache.maxBytes`, see [the in-memory "
          + "backend](event-bus.md#cache-ttscacheget-ttscacheput-ttscachestats)): the whole cache without Redis, the "
          + "copy in front of Redis with `cache.redisUrl`. `0` means nothing is kept in-process (with Redis: every "
          + "look-up goes to Redis).");
  static final Setting MAX_BYTES = integer("cache.maxBytes", "CACHE_MAX_BYTES", 67108864, 0, 64L * 1024 * 1024 * 1024)
      .describe("The most total bytes of entries kept in-process, per cache node (12-byte header + PCM), with or "
          + "without Redis; the default is 64 MiB. An entry larger than this is not kept in-process.");
  static final Setting TTL_SECONDS = integer("cache.ttlSeconds", "CACHE_TTL_SECONDS", 3600, 1, 365L * 24 * 3600)
      .describe("Lifetime of a cache entry: in Redis (`PX ttl`) and in-process, where a copy of a Redis entry lives "
          + "this long from when it was copied.");
  static final Setting REDIS_URL = string("cache.redisUrl", "REDIS_URL", null)
      .orNull()
      .asCredential()
      .matching("(redis|rediss|unix)://.+", "a URL starting with redis://, rediss:// or unix://")
      .documented("`null`, or a URL starting with `redis://`, `rediss://` or `unix://`")
      .describe("When set, the cache role stores entries in Redis, shared by all cache nodes, behind an in-process "
          + "copy on each cache node (`cache.maxEntries`, `cache.maxBytes`), and the gateways keep "
          + "the rate-limit buckets keyed by IP or user there, so those limits hold cluster-wide (see the `limits.*` "
          + "keys). When `null`, each cache node uses its own in-process cache (Caffeine); set it whenever more "
          + "than one node has the `cache` role (see [Known "
          + "limitation](#known-limitation-several-cache-nodes-without-redis)). If "
          + "Redis is down, look-ups are answered from the in-process copy alone, at once, and speech continues. The "
          + "password is shown as `***` in logs and stats.");
  static final Setting TIMEOUT_MS = integer("cache.timeoutMs", "CACHE_TIMEOUT_MS", 250, 10, 60_000)
      .describe("The pipeline's event-bus timeout for cache `get` and `put`. A slower answer counts as a miss. Also "
          + "the Redis command timeout, for the cache and for each rate-limit check (a check that takes longer is "
          + "made in the node's own bucket).");

  static final List<Setting> SETTINGS = List.of(MAX_ENTRIES, MAX_BYTES, TTL_SECONDS, REDIS_URL, TIMEOUT_MS);

  static CacheConfig from(JsonObject config) {
    return new CacheConfig(MAX_ENTRIES.readInt(config), MAX_BYTES.readLong(config), TTL_SECONDS.readInt(config),
        REDIS_URL.readString(config), TIMEOUT_MS.readInt(config));
  }
}
