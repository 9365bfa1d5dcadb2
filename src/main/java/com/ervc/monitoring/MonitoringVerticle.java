package com.ervc.monitoring;

import com.ervc.admin.AdminRoutes;
import com.ervc.config.ServiceConfig;
import com.ervc.health.HealthService;
import com.ervc.metrics.ServiceMetrics;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small HTTP server for /metrics, /health, /ready, /live and the admin API: on {@code metrics.port} when set, else on
 * {@code http.port} of a node that has no gateway (worker nodes must be scrapable and probeable too).
 */
public final class MonitoringVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(MonitoringVerticle.class);

  private final AdminRoutes admin;
  private final HealthService health;
  private final ServiceMetrics metrics;
  private final ServiceConfig config;
  private HttpServer server;

  public MonitoringVerticle(AdminRoutes admin, HealthService health, ServiceMetrics metrics, ServiceConfig config) {
    this.config = config;
    this.admin = admin;
    this.health = health;
    this.metrics = metrics;
  }

  @Override
  public Future<?> start() {
    Integer metricsPort = config.metrics().port();
    int port = metricsPort != null ? metricsPort : config.http().port();
    String host = config.http().host();
    Router router = Router.router(vertx);
    MonitoringRoutes.mount(router, health, metrics, config.metrics(), null, true);
    Future<Void> adminView = admin.mount(vertx, router, false);
    router.route().handler(rc -> rc.response().setStatusCode(404).end());
    return adminView.compose(v -> vertx.createHttpServer().requestHandler(router).listen(port, host).onSuccess(s -> {
      server = s;
      LOG.info("monitoring endpoints on http://{}:{} (/metrics, /health, /ready, /live, /admin/v1)", host,
          s.actualPort());
    }));
  }

  public int port() {
    return server.actualPort();
  }
}
