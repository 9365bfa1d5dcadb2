package com.ervc.security;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

/**
 * Cluster-wide token buckets in Redis: one atomic Lua script per request (refill by Redis' own clock, then take),
 * so every gateway node enforces the same limit. When Redis cannot answer, the same rules run in a
 * {@link LocalRateLimiter} on this node (logged once), and Redis is used again as soon as it answers.
 */
public final class RedisRateLimiter implements RateLimiter {
  private static final Logger LOG = LoggerFactory.getLogger(RedisRateLimiter.class);
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

  private final Redis redis;
  private final LocalRateLimiter fallback;
  private final long timeoutMs;
  private static final long RETRY_MS = 5_000;
  private boolean redisUp = true;
  private long retryAtMs;

  public RedisRateLimiter(Vertx vertx, String url, long timeoutMs, LocalRateLimiter fallback) {
    this.redis = Redis.createClient(vertx, new RedisOptions().setConnectionString(url).setMaxPoolSize(8)
        .setMaxPoolWaiting(512));
    this.fallback = fallback;
    this.timeoutMs = timeoutMs;
  }

  @Override
  public Future<Long> acquire(String key, long capacity, long windowMs, long cost) {
    if (!redisUp && System.currentTimeMillis() < retryAtMs) {
      // While Redis is down, only one request per RETRY_MS probes it; the rest go local without waiting.
      return fallback.acquire(key, capacity, windowMs, cost);
    }
    double perMs = (double) capacity / windowMs;
    Request eval = Request.cmd(Command.EVAL).arg(TOKEN_BUCKET).arg(1).arg(PREFIX + key)
        .arg(capacity).arg(Double.toString(perMs)).arg(cost);
    return redis.send(eval).timeout(timeoutMs, TimeUnit.MILLISECONDS)
        .map(response -> {
          if (!redisUp) {
            redisUp = true;
            LOG.info("rate limits are cluster-wide again (Redis reachable)");
          }
          return response.toLong();
        })
        .recover(failure -> {
          retryAtMs = System.currentTimeMillis() + RETRY_MS;
          if (redisUp) {
            redisUp = false;
            LOG.warn("Redis unreachable for rate limits ({}); enforcing them per node until it is back",
                failure.getMessage());
          }
          return fallback.acquire(key, capacity, windowMs, cost);
        });
  }

  public Future<Void> close() {
    return redis.close();
  }
}
