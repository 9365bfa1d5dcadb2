package com.ervc.config;

import io.vertx.core.json.JsonObject;

import java.util.List;

import static com.ervc.config.Setting.bool;
import static com.ervc.config.Setting.integer;
import static com.ervc.config.Setting.string;

/** The {@code metrics.*} keys: the Prometheus endpoint and where it is served. */
public record MetricsConfig(boolean prometheusEnabled, Integer port, String token) {
  static final Setting PROMETHEUS_ENABLED = bool("metrics.prometheusEnabled", "PROMETHEUS_ENABLED", true)
      .describe("Whether the node serves `GET /metrics` (Prometheus text format). When `false` the route does not "
          + "exist (`404`); the meters are still kept in memory, and `/live`, `/health`, `/ready` are served as "
          + "before.");
  static final Setting PORT = integer("metrics.port", "METRICS_PORT", null, 0, Settings.MAX_PORT).orNull()
      .describe("When set, every node opens a separate monitoring server on `http.host:metrics.port` with "
          + "`/metrics`, `/health`, `/ready` and `/live`, and the gateway's `http.port` stops serving `/metrics` "
          + "(its `/live`, `/health`, `/ready` stay). Use it to keep metrics off the public port. `null`: `/metrics` "
          + "is on the gateway's `http.port`, and nodes without the gateway role serve the four endpoints on "
          + "`http.port`. `0` means a random free port. Use a port other than `http.port`; a port that is taken "
          + "stops the node (exit code 1). The shipped Prometheus configurations scrape port 8000: change them too. "
          + "An empty `METRICS_PORT` means `null`.");
  static final Setting TOKEN = string("metrics.token", "METRICS_TOKEN", null)
      .orNull()
      .asCredential()
      .matching(Settings.TOKEN, Settings.TOKEN_HINT)
      .documented("`null`, or at least 16 printable ASCII characters without spaces (`[!-~]{16,}`)")
      .describe("When set, `/metrics` answers only requests carrying exactly `Authorization: Bearer <token>` "
          + "(compared in constant time); any other gets **401** with `WWW-Authenticate: Bearer` and the JSON error "
          + "`unauthorized`. `/live`, `/health` and `/ready` stay open. Pass it through a secret, not a file in the "
          + "repository; Prometheus reads it with `authorization.credentials_file` (see `deploy/monitoring/`). An "
          + "empty `METRICS_TOKEN` means `null`.");

  static final List<Setting> SETTINGS = List.of(PROMETHEUS_ENABLED, PORT, TOKEN);

  /** True when every node serves /metrics (and the other monitoring routes) on its own port, off the gateway's. */
  public boolean separatePort() {
    return port != null;
  }

  static MetricsConfig from(JsonObject config) {
    return new MetricsConfig(PROMETHEUS_ENABLED.readBool(config), PORT.readIntOrNull(config), TOKEN.readString(config));
  }
}
