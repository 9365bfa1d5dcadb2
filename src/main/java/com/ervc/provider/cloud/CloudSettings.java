package com.ervc.provider.cloud;

import io.vertx.core.json.JsonObject;

/** The {@code providers.cloud.*} keys shared by the three cloud providers (docs/configuration.md). */
public record CloudSettings(long connectTimeoutMs, long firstByteTimeoutMs, long stallTimeoutMs, long totalTimeoutMs,
                            int maxConnections, int maxQueue, long maxRetryWaitMs) {

  public static CloudSettings from(JsonObject config) {
    JsonObject c = config.getJsonObject("providers").getJsonObject("cloud");
    return new CloudSettings(c.getLong("connectTimeoutMs"), c.getLong("firstByteTimeoutMs"),
        c.getLong("stallTimeoutMs"), c.getLong("totalTimeoutMs"), c.getInteger("maxConnections"),
        c.getInteger("maxQueue"), c.getLong("maxRetryWaitMs"));
  }
}
