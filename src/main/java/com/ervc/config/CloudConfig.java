package com.ervc.config;

import io.vertx.core.json.JsonObject;

import java.util.List;

import static com.ervc.config.Setting.integer;

/** The {@code providers.cloud.*} keys: connection pool, deadlines and retries shared by the cloud providers. */
public record CloudConfig(int connectTimeoutMs, int firstByteTimeoutMs, int stallTimeoutMs, int totalTimeoutMs,
                          int maxConnections, int maxQueue, int maxRetryWaitMs) {
  static final Setting CONNECT_TIMEOUT_MS = integer("providers.cloud.connectTimeoutMs", "CLOUD_CONNECT_TIMEOUT_MS",
      3000, 100, 60_000)
      .describe("Cloud providers: TCP + TLS connect deadline per attempt.");
  static final Setting FIRST_BYTE_TIMEOUT_MS = integer("providers.cloud.firstByteTimeoutMs",
      "CLOUD_FIRST_BYTE_TIMEOUT_MS", 8000, 100, 600_000)
      .describe("Cloud providers: from sending a request to the first byte of audio. Passing it resets the request "
          + "and counts as a timeout (one retry, then `provider_unavailable`).");
  static final Setting STALL_TIMEOUT_MS = integer("providers.cloud.stallTimeoutMs", "CLOUD_STALL_TIMEOUT_MS",
      5000, 100, 600_000)
      .describe("Cloud providers: longest silence between two audio chunks once audio flows (time spent waiting for "
          + "our own consumer does not count). Passing it fails the sentence with `provider_unavailable`.");
  static final Setting TOTAL_TIMEOUT_MS = integer("providers.cloud.totalTimeoutMs", "CLOUD_TOTAL_TIMEOUT_MS",
      15000, 100, 600_000)
      .describe("Cloud providers: deadline for one sentence including the retry and its wait. Must be less than "
          + "`tts.providerTimeoutMs` (checked at startup), so the provider's own error reaches the client.");
  static final Setting MAX_CONNECTIONS = integer("providers.cloud.maxConnections", "CLOUD_MAX_CONNECTIONS", 16, 1, 1000)
      .describe("Cloud providers: pooled keep-alive HTTP/1.1 connections per provider per node (more requests wait "
          + "for one); also the unit of `tts_provider_load`.");
  static final Setting MAX_QUEUE = integer("providers.cloud.maxQueue", "CLOUD_MAX_QUEUE", 64, 1, 100_000)
      .describe("Cloud providers: sentence requests in flight per provider per node; more are refused with "
          + "`provider_unavailable`.");
  static final Setting MAX_RETRY_WAIT_MS = integer("providers.cloud.maxRetryWaitMs", "CLOUD_MAX_RETRY_WAIT_MS",
      1000, 0, 60_000)
      .describe("Cloud providers: on a 429 whose `Retry-After` (or rate-limit reset) is at most this long, the "
          + "request waits and is retried once; a longer wait fails the sentence with `rate_limited` at once and the "
          + "provider refuses new requests (without calling the service) until the wait is over.");

  static final List<Setting> SETTINGS = List.of(CONNECT_TIMEOUT_MS, FIRST_BYTE_TIMEOUT_MS, STALL_TIMEOUT_MS,
      TOTAL_TIMEOUT_MS, MAX_CONNECTIONS, MAX_QUEUE, MAX_RETRY_WAIT_MS);

  static CloudConfig from(JsonObject config) {
    return new CloudConfig(CONNECT_TIMEOUT_MS.readInt(config), FIRST_BYTE_TIMEOUT_MS.readInt(config),
        STALL_TIMEOUT_MS.readInt(config), TOTAL_TIMEOUT_MS.readInt(config), MAX_CONNECTIONS.readInt(config),
        MAX_QUEUE.readInt(config), MAX_RETRY_WAIT_MS.readInt(config));
  }
}
