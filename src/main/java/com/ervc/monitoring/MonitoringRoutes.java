package com.ervc.monitoring;

import com.ervc.config.MetricsConfig;
import com.ervc.health.HealthService;
import com.ervc.metrics.ServiceMetrics;
import com.ervc.protocol.ErrorCode;
import com.ervc.security.BearerToken;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.micrometer.PrometheusScrapingHandler;

import java.util.function.Supplier;

/**
 * The operator endpoints every node serves: {@code /live}, {@code /health}, {@code /ready} and, when enabled,
 * {@code /metrics} (vertx-micrometer-metrics' scraping handler behind the metrics token). Mounted on the gateway's router, or on the monitoring server of a node without a gateway.
 */
public final class MonitoringRoutes {
  private MonitoringRoutes() {
  }

  /**
   * @param extras     node-specific figures added to the health report under "gateway" (null for none)
   * @param withMetrics whether this router serves /metrics (false when a separate metrics port is configured)
   */
  public static void mount(Router router, HealthService health, ServiceMetrics metrics, MetricsConfig settings,
                           Supplier<JsonObject> extras, boolean withMetrics) {
    router.get("/live").handler(rc -> rc.json(new JsonObject().put("status", "alive")));
    router.get("/health").handler(rc -> health.report().onComplete(ar -> {
      JsonObject report = ar.succeeded() ? ar.result() : failedReport(ar.cause());
      if (extras != null) {
        report.put("gateway", extras.get());
      }
      respond(rc, "healthy".equals(report.getString("status")), report);
    }));
    router.get("/ready").handler(rc -> health.readiness().onComplete(ar -> {
      JsonObject report = ar.succeeded() ? ar.result() : failedReport(ar.cause()).put("ready", false);
      respond(rc, report.getBoolean("ready"), report);
    }));
    if (withMetrics && settings.prometheusEnabled()) {
      String token = settings.token();
      router.get("/metrics").handler(rc -> {
        if (token != null && !BearerToken.matches(rc.request(), token)) {
          rc.response().setStatusCode(401).putHeader("WWW-Authenticate", "Bearer")
              .putHeader("Content-Type", "application/json")
              .end(ErrorCode.UNAUTHORIZED.body("metrics need Authorization: Bearer <METRICS_TOKEN>").encode());
        } else {
          rc.next();
        }
      }).handler(PrometheusScrapingHandler.create(metrics.registry()));
    }
  }

  private static JsonObject failedReport(Throwable failure) {
    return new JsonObject().put("status", "unhealthy").put("error", String.valueOf(failure.getMessage()));
  }

  private static void respond(RoutingContext rc, boolean ok, JsonObject body) {
    rc.response().setStatusCode(ok ? 200 : 503).putHeader("Content-Type", "application/json").end(body.encode());
  }
}
