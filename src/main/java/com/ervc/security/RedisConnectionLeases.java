package com.ervc.security;

import com.ervc.redis.SharedRedis;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Cluster-wide connection leases: a sorted set per user in Redis whose members are connection ids scored by
 * lease expiry. Gateways renew the leases of their open connections every {@link #RENEW_MS}, so a gateway that
 * dies frees its users' slots within {@link #LEASE_MS}. While Redis cannot answer (see {@link SharedRedis}), the
 * local leases decide.
 */
public final class RedisConnectionLeases implements ConnectionLeases {
  static final long LEASE_MS = 60_000;
  static final long RENEW_MS = 20_000;
  private static final String PREFIX = "ervc:conn:";
  private static final String ACQUIRE = """
      local t = redis.call('TIME')
      local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
      redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
      if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
      redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
      redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[3]))
      return 1
      """;
  private static final String RENEW = """
      local t = redis.call('TIME')
      local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
      redis.call('ZADD', KEYS[1], 'XX', now + tonumber(ARGV[2]), ARGV[1])
      redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]))
      return 1
      """;

  private final SharedRedis redis;
  private final LocalConnectionLeases local;
  private final Map<String, String> held = new ConcurrentHashMap<>();
  private final long renewTimer;
  private final Vertx vertx;

  public RedisConnectionLeases(Vertx vertx, SharedRedis redis, LocalConnectionLeases local) {
    this.vertx = vertx;
    this.redis = redis;
    this.local = local;
    this.renewTimer = vertx.setPeriodic(RENEW_MS, id -> renewAll());
  }

  @Override
  public Future<Boolean> acquire(String user, String connection, int max) {
    Request script = Request.cmd(Command.EVAL).arg(ACQUIRE).arg(1).arg(PREFIX + user).arg(connection).arg(max)
        .arg(LEASE_MS);
    return redis.send(script)
        .map(response -> {
          boolean taken = response.toInteger() == 1;
          if (taken) {
            held.put(connection, user);
          }
          return taken;
        })
        .recover(failure -> local.acquire(user, connection, max).onSuccess(taken -> {
          if (taken) {
            held.put(connection, user);
          }
        }));
  }

  @Override
  public void release(String user, String connection) {
    held.remove(connection);
    local.release(user, connection);
    redis.send(Request.cmd(Command.ZREM).arg(PREFIX + user).arg(connection));
  }

  private void renewAll() {
    held.forEach((connection, user) -> redis.send(Request.cmd(Command.EVAL).arg(RENEW).arg(1).arg(PREFIX + user)
        .arg(connection).arg(LEASE_MS)));
  }

  public void close() {
    vertx.cancelTimer(renewTimer);
  }
}
