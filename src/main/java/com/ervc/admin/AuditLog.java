package com.ervc.admin;

import com.ervc.metrics.ServiceMetrics;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.LongSupplier;

/**
 * Every admin action, kept three ways: the last {@link #CAPACITY} entries in memory (served by
 * {@code GET /admin/v1/audit}), one INFO line each on the {@code com.ervc.admin.AuditLog} logger (the durable
 * record, shipped with the node's logs), and the {@code admin_actions_total{action,outcome}} counter. Thread-safe:
 * the gateway and the monitoring server of one node share it.
 */
public final class AuditLog {
  static final int CAPACITY = 200;
  private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);

  /** One action: who asked, what, on what, how it ended (ok, failed, refused), a short detail, and when. */
  public record Entry(long atMs, String actor, String action, String target, String outcome, String detail) {
    JsonObject toJson() {
      return new JsonObject().put("at", Instant.ofEpochMilli(atMs).toString()).put("actor", actor)
          .put("action", action).put("target", target).put("outcome", outcome).put("detail", detail);
    }
  }

  private final Deque<Entry> entries = new ArrayDeque<>();
  private final ServiceMetrics metrics;
  private final LongSupplier clock;

  public AuditLog(ServiceMetrics metrics, LongSupplier clock) {
    this.metrics = metrics;
    this.clock = clock;
  }

  public void record(String actor, String action, String target, String outcome, String detail) {
    Entry entry = new Entry(clock.getAsLong(), actor, action, target, outcome, detail);
    synchronized (entries) {
      if (entries.size() == CAPACITY) {
        entries.removeFirst();
      }
      entries.addLast(entry);
    }
    LOG.info("admin action actor={} action={} target={} outcome={} detail=\"{}\"", actor, action, target, outcome,
        detail.replace("\"", "'"));
    metrics.adminAction(action, outcome);
  }

  /** The kept entries, newest first. */
  public JsonArray recent() {
    JsonArray out = new JsonArray();
    synchronized (entries) {
      entries.descendingIterator().forEachRemaining(e -> out.add(e.toJson()));
    }
    return out;
  }
}
