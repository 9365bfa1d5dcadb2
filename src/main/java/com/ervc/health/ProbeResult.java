package com.ervc.health;

import io.vertx.core.json.JsonObject;

import java.time.Instant;

/** The outcome of the last background synthesis probe of one provider. */
record ProbeResult(boolean healthy, long latencyMs, String error, Instant checkedAt) {
  JsonObject toJson() {
    JsonObject json = new JsonObject().put("status", healthy ? "healthy" : "unhealthy")
        .put("latencyMs", latencyMs).put("checkedAt", checkedAt.toString());
    if (error != null) {
      json.put("error", error);
    }
    return json;
  }
}
