package com.ervc.cache;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

/**
 * Redis-backed cache shared by every node. Values are binary ({@link CachedAudio} bytes) stored with
 * {@code SET key value PX ttl}. When Redis is unreachable every call is a miss; the outage is logged once and
 * counted, and the pooled client reconnects by itself when Redis is back.
 */
public final class RedisAudioCache implements AudioCache {
  private static final Logger LOG = LoggerFactory.getLogger(RedisAudioCache.class);
  private static final String PREFIX = "ervc:audio:";

  private final Redis redis;
  private final String url;
  private final long ttlMs;
  private final long timeoutMs;
  private boolean available = true;
  private long hits;
  private long misses;
  private long errors;

  public RedisAudioCache(Vertx vertx, String url, long ttlMs, long timeoutMs) {
    this.redis = Redis.createClient(vertx, new RedisOptions().setConnectionString(url).setMaxPoolSize(8)
        .setMaxPoolWaiting(256));
    this.url = redactPassword(url);
    this.ttlMs = ttlMs;
    this.timeoutMs = timeoutMs;
  }

  @Override
  public Future<Buffer> get(String key) {
    return send(Request.cmd(Command.GET).arg(PREFIX + key)).map(response -> {
      if (response == null) {
        misses++;
        return null;
      }
      hits++;
      return response.toBuffer();
    }).otherwise(failure -> {
      misses++;
      return null;
    });
  }

  @Override
  public Future<Void> put(String key, Buffer entry) {
    return send(Request.cmd(Command.SET).arg(PREFIX + key).arg(entry).arg("PX").arg(ttlMs))
        .<Void>mapEmpty().otherwiseEmpty();
  }

  private Future<Response> send(Request request) {
    return redis.send(request).timeout(timeoutMs, TimeUnit.MILLISECONDS)
        .onSuccess(r -> markAvailable())
        .onFailure(this::markDown);
  }

  private void markAvailable() {
    if (!available) {
      available = true;
      LOG.info("Redis cache at {} is reachable again; caching resumed", url);
    }
  }

  private void markDown(Throwable failure) {
    errors++;
    if (available) {
      available = false;
      LOG.warn("Redis cache at {} is unreachable ({}); speaking without cache until it is back", url, failure.toString());
    }
  }

  @Override
  public JsonObject stats() {
    return new JsonObject().put("backend", "redis").put("url", url).put("available", available)
        .put("hits", hits).put("misses", misses).put("errors", errors);
  }

  @Override
  public Future<Void> close() {
    redis.close();
    return Future.succeededFuture();
  }

  static String redactPassword(String url) {
    return url.replaceAll("//([^:@/]*):[^@/]*@", "//$1:***@");
  }
}
