package com.ervc.config;

import io.vertx.core.json.JsonObject;

import java.util.List;

import static com.ervc.config.Setting.integer;

/** The {@code health.*} keys: the background provider probes behind /health and /ready. */
public record HealthConfig(int probeIntervalSeconds, int probeTimeoutMs) {
  static final Setting PROBE_INTERVAL_SECONDS = integer("health.probeIntervalSeconds", "HEALTH_PROBE_INTERVAL_SECONDS",
      30, 1, 3600)
      .describe("Every node probes each provider name in the cluster directory this often in the background, with a "
          + "real synthesis of the text `\"ok\"` in the provider's default voice; `/health` and `/ready` show the "
          + "last result (`services.tts_providers`). The first round runs before the node reports itself started, so "
          + "`/ready` is `503` until it is done. Each probe is one short synthesis per provider per node and shows "
          + "in `tts_synthesis_duration_seconds`.");
  static final Setting PROBE_TIMEOUT_MS = integer("health.probeTimeoutMs", "HEALTH_PROBE_TIMEOUT_MS", 5000, 100, 60_000)
      .describe("Timeout of one probe. A provider that does not return audio in time is `unhealthy` in the report: "
          + "the node becomes `degraded`, or `unhealthy` when no provider in the cluster passes. It also bounds how "
          + "long the first round delays readiness.");

  static final List<Setting> SETTINGS = List.of(PROBE_INTERVAL_SECONDS, PROBE_TIMEOUT_MS);

  static HealthConfig from(JsonObject config) {
    return new HealthConfig(PROBE_INTERVAL_SECONDS.readInt(config), PROBE_TIMEOUT_MS.readInt(config));
  }
}
