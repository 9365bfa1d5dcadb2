package com.ervc.security;

import com.ervc.redis.SharedRedis;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;

/**
 * Cluster-wide token buckets in Redis: one atomic Lua script per request (refill by Redis' own clock, then take),
 * so every gateway node enforces the same limit. While Redis cannot answer ({@link SharedRedis} logs it once and
 * fails commands at once), the same rules run in a {@link LocalRateLimiter} on this node, and Redis is used again
 * as soon as it is back.
 */
public final class RedisRateLimiter implements RateLimiter {
  private static final String PREFIX = "ervc:rl:";
  static final String TOKEN_BUCKET = """
      local capacity = tonumber(ARGV[1])
      local per_ms = tonumber(ARGV[2])
      local cost = math.min(tonumber(ARGV[3]), capacity)
      local t = redis.call('TIME')
      local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
      local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
      local tokens = tonumber(state[1]) or capacity
      local ts = tonumber(state[2]) or now
      tokens = math.min(capacity, tokens + math.max(0, now - ts) * per_ms)
      local wait = 0
      if tokens >= cost then tokens = tokens - cost else wait = math.ceil((cost - tokens) / per_ms) end
      redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now))
      redis.call('PEXPIRE', KEYS[1], math.ceil(capacity / per_ms) + 1000)
      return wait
      """;

  private final SharedRedis redis;
  private final LocalRateLimiter fallback;

  public RedisRateLimiter(SharedRedis redis, LocalRateLimiter fallback) {
    this.redis = redis;
    this.fallback = fallback;
  }

  @Override
  public Future<Long> acquire(String key, long capacity, long windowMs, long cost) {
    double perMs = (double) capacity / windowMs;
    Request eval = Request.cmd(Command.EVAL).arg(TOKEN_BUCKET).arg(1).arg(PREFIX + key)
        .arg(capacity).arg(Double.toString(perMs)).arg(cost);
    return redis.send(eval).map(response -> response.toLong())
        .recover(failure -> fallback.acquire(key, capacity, windowMs, cost));
  }
}
