package com.ervc.admin;

import com.ervc.metrics.ServiceMetrics;
import com.ervc.testing.Scrape;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;

class AuditLogTest {
  @Test
  void keepsTheNewestEntriesFirstAndCountsEachAction() {
    ServiceMetrics metrics = ServiceMetrics.create("audit-test");
    AtomicLong clock = new AtomicLong(1_700_000_000_000L);
    AuditLog log = new AuditLog(metrics, clock::get);
    log.record("admin-token", "drain", "node-a", "ok", "draining=true inFlight=0");
    clock.addAndGet(1000);
    log.record("jwt:alice", "undrain", "node-a", "failed", "the node is shutting down");

    JsonArray recent = log.recent();
    assertEquals(2, recent.size());
    assertEquals(new JsonObject().put("at", "2023-11-14T22:13:21Z").put("actor", "jwt:alice").put("action", "undrain")
        .put("target", "node-a").put("outcome", "failed").put("detail", "the node is shutting down"),
        recent.getJsonObject(0));
    assertEquals("drain", recent.getJsonObject(1).getString("action"));
    Scrape scrape = new Scrape(metrics.registry().scrape());
    assertEquals(1.0, scrape.sum("admin_actions_total", "action", "drain", "outcome", "ok"));
    assertEquals(1.0, scrape.sum("admin_actions_total", "action", "undrain", "outcome", "failed"));
  }

  @Test
  void forgetsTheOldestBeyondItsCapacity() {
    AuditLog log = new AuditLog(ServiceMetrics.create("audit-test"), System::currentTimeMillis);
    for (int i = 0; i <= AuditLog.CAPACITY; i++) {
      log.record("admin-token", "drain", "node-" + i, "ok", "");
    }
    JsonArray recent = log.recent();
    assertEquals(AuditLog.CAPACITY, recent.size());
    assertEquals("node-" + AuditLog.CAPACITY, recent.getJsonObject(0).getString("target"));
    assertEquals("node-1", recent.getJsonObject(AuditLog.CAPACITY - 1).getString("target"));
  }
}
