package com.ervc.redis;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The node's one Redis client, shared by the audio cache, the rate limits and the connection leases, with the
 * one answer to "is Redis reachable?". A command that gets no answer (connection refused or lost) marks Redis down
 * (logged once); so does a timeout when nothing else was answered for a whole timeout either (a slow answer while
 * other commands are answered means a loaded node or Redis, not an outage: marking it down would turn every cache
 * hit into a synthesis exactly when the machine is busiest); an error reply does not, since Redis answered it. While down,
 * commands fail at once instead of each waiting for its timeout, so every user falls back to its local rule
 * without delay, and a PING every {@link #PROBE_MS} finds out when Redis is back (logged once), for all users
 * at the same moment. Thread-safe: verticles on different event loops share it.
 */
public final class SharedRedis {
  private static final Logger LOG = LoggerFactory.getLogger(SharedRedis.class);
  static final long PROBE_MS = 1_000;

  private final Vertx vertx;
  private final Redis client;
  private final String url;
  private final long timeoutMs;
  private final AtomicBoolean available = new AtomicBoolean(true);
  private final AtomicLong errors = new AtomicLong();
  private final AtomicLong outages = new AtomicLong();
  /** When Redis last answered a command (System.nanoTime). */
  private volatile long lastAnswerNanos = System.nanoTime();
  private volatile boolean closed;

  /** {@code timeoutMs} bounds every command, including the time to (re)connect. */
  public SharedRedis(Vertx vertx, String url, long timeoutMs) {
    this.vertx = vertx;
    // One pool for all three users: up to 16 connections, and enough waiters for bursts of new WebSockets.
    this.client = Redis.createClient(vertx, new RedisOptions().setConnectionString(url).setMaxPoolSize(16)
        .setMaxPoolWaiting(1024));
    this.url = redactPassword(url);
    this.timeoutMs = timeoutMs;
  }

  /** Sends a command; fails at once while Redis is marked down. */
  public Future<Response> send(Request request) {
    if (!available.get()) {
      errors.incrementAndGet();
      return Future.failedFuture(new RedisUnavailableException(url));
    }
    return attempt(request);
  }

  private Future<Response> attempt(Request request) {
    return client.send(request).timeout(timeoutMs, TimeUnit.MILLISECONDS)
        .onSuccess(response -> answered())
        .onFailure(this::failed);
  }

  private void answered() {
    lastAnswerNanos = System.nanoTime();
    markAvailable();
  }

  /** An error reply (e.g. OOM, WRONGTYPE) is a failed command, but Redis answered: only silence marks it down. */
  private void failed(Throwable failure) {
    errors.incrementAndGet();
    if (failure instanceof Response) {
      answered();
    } else if (!(failure instanceof TimeoutException)
        || System.nanoTime() - lastAnswerNanos >= TimeUnit.MILLISECONDS.toNanos(timeoutMs)) {
      markDown(failure);
    }
  }

  private void markDown(Throwable failure) {
    if (available.compareAndSet(true, false)) {
      outages.incrementAndGet();
      LOG.warn("Redis at {} is unreachable ({}); the cache answers from its in-process copy only, rate limits and "
          + "connection leases are enforced per node until it is back", url, failure.toString());
      vertx.setTimer(PROBE_MS, id -> probe());
    }
  }

  private void markAvailable() {
    if (available.compareAndSet(false, true)) {
      LOG.info("Redis at {} is reachable again; caching and cluster-wide limits resumed", url);
    }
  }

  /** While down: one PING per PROBE_MS; a success marks Redis available, a failure schedules the next PING. */
  private void probe() {
    if (closed || available.get()) {
      return;
    }
    client.send(Request.cmd(Command.PING)).timeout(timeoutMs, TimeUnit.MILLISECONDS)
        .onSuccess(pong -> answered())
        .onFailure(failure -> vertx.setTimer(PROBE_MS, id -> probe()));
  }

  public boolean available() {
    return available.get();
  }

  /** Commands that failed, timed out or were refused while Redis was down, since start. */
  public long errors() {
    return errors.get();
  }

  /** How many times Redis went from reachable to unreachable, since start. */
  public long outages() {
    return outages.get();
  }

  /** The URL with its password shown as {@code ***}, for logs and stats. */
  public String url() {
    return url;
  }

  public Future<Void> close() {
    closed = true; // stops a running probe at its next turn
    return client.close();
  }

  static String redactPassword(String url) {
    return url.replaceAll("//([^:@/]*):[^@/]*@", "//$1:***@");
  }

  /** The failure of a command not sent because Redis is marked down. */
  public static final class RedisUnavailableException extends RuntimeException {
    RedisUnavailableException(String url) {
      super("Redis at " + url + " is marked unreachable", null, false, false);
    }
  }
}
