package com.ervc.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

import static com.ervc.config.Setting.integer;
import static com.ervc.config.Setting.list;

/** The {@code limits.*} keys: the gateway's rate limits, quotas and trusted proxies. */
public record LimitsConfig(int apiRateLimit, int websocketRateLimit, int connectionsPerIpPerMinute,
                           int connectionsPerUser, int charactersPerUserPerMinute, List<String> trustedProxies) {
  static final Setting API_RATE_LIMIT = integer("limits.apiRateLimit", "API_RATE_LIMIT", 100, 1, 1_000_000)
      .describe("Requests per minute to `/api/v1/*`, counted separately per client IP and per token subject (`sub`); "
          + "`POST /api/v1/auth/dev-token` counts against the per-IP budget. Over it: **429** with `Retry-After` and "
          + "`rate_limited`, `tts_rate_limited_total{kind=\"api\"}`. Like every limit here, a token bucket: up to N "
          + "at once, refilled at N per minute. Cluster-wide with `cache.redisUrl`, else per gateway node; per node "
          + "while Redis does not answer.");
  static final Setting WEBSOCKET_RATE_LIMIT = integer("limits.websocketRateLimit", "WEBSOCKET_RATE_LIMIT",
      50, 1, 1_000_000)
      .describe("Text messages per minute on one WebSocket connection, every type counted (`ping` and `auth` "
          + "included). Over it, the message is dropped and answered with `error` `rate_limited` (`id` `null`); the "
          + "session stays open. Always counted on the connection's own node. "
          + "`tts_rate_limited_total{kind=\"ws_message\"}`.");
  static final Setting CONNECTIONS_PER_IP_PER_MINUTE = integer("limits.connectionsPerIpPerMinute",
      "WS_CONNECTIONS_PER_IP_PER_MINUTE", 10, 1, 1_000_000)
      .describe("New WebSocket sessions per minute per client IP (with a valid token; refused tokens do not count). "
          + "Over it, the socket is closed with **4008** \"too many new connections from this address\". "
          + "Cluster-wide with `cache.redisUrl`. `tts_rate_limited_total{kind=\"ws_connection\"}`. Users behind one "
          + "NAT address share it.");
  static final Setting CONNECTIONS_PER_USER = integer("limits.connectionsPerUser", "WS_CONNECTIONS_PER_USER",
      5, 1, 100_000)
      .describe("Open WebSocket sessions per token subject (`sub`), counted across all gateways when `REDIS_URL` is "
          + "set (a lease per connection in a Redis sorted set, renewed every 20 s, expiring after 60 s if its "
          + "gateway dies) and per gateway node otherwise or while Redis is unreachable. One more is closed with "
          + "**4008** \"too many open connections for this user\". "
          + "`tts_rate_limited_total{kind=\"user_connections\"}`.");
  static final Setting CHARACTERS_PER_USER_PER_MINUTE = integer("limits.charactersPerUserPerMinute",
      "CHARACTERS_PER_USER_PER_MINUTE", 20000, 1, 100_000_000)
      .describe("Characters of `text` (UTF-16 code units) per minute per token subject, charged when a WebSocket "
          + "`synthesize` passes validation, cache hits included; a request longer than the whole quota needs a full "
          + "bucket. Over it, that request gets `error` `rate_limited` (\"character quota of N per minute used up; "
          + "retry in S s\"). Cluster-wide with `cache.redisUrl`. `tts_rate_limited_total{kind=\"characters\"}`. "
          + "`POST /api/v1/tts` is not charged.");
  static final Setting TRUSTED_PROXIES = list("limits.trustedProxies", "TRUSTED_PROXIES")
      .documented("IP addresses and CIDR ranges (`10.0.0.0/8`, `fd00::/8`). A plain address is compared as text, so "
          + "write IPv6 addresses as ranges (`2001:db8::1/128`). Anything else is refused at startup")
      .describe("Reverse proxies whose `X-Forwarded-For` and `X-Forwarded-Proto` are believed. When the direct peer "
          + "is one of them, the client IP (for the per-IP limits) is the right-most `X-Forwarded-For` entry that is "
          + "not a trusted proxy, and `X-Forwarded-Proto: https` counts as TLS (HSTS, and the page's `https://` "
          + "origin on `/ws`). From any other peer both headers are ignored. In Kubernetes, the pod network (e.g. "
          + "`10.0.0.0/8`) covers the ingress controller.");

  static final List<Setting> SETTINGS = List.of(API_RATE_LIMIT, WEBSOCKET_RATE_LIMIT, CONNECTIONS_PER_IP_PER_MINUTE,
      CONNECTIONS_PER_USER, CHARACTERS_PER_USER_PER_MINUTE, TRUSTED_PROXIES);

  public LimitsConfig {
    trustedProxies = List.copyOf(trustedProxies);
    for (String proxy : trustedProxies) {
      if (!proxy.matches("[0-9A-Fa-f:.]+(/\\d{1,3})?")) {
        throw TRUSTED_PROXIES.invalid(new JsonArray(trustedProxies), "IP addresses or CIDR ranges such as 10.0.0.0/8");
      }
    }
  }

  static LimitsConfig from(JsonObject config) {
    return new LimitsConfig(API_RATE_LIMIT.readInt(config), WEBSOCKET_RATE_LIMIT.readInt(config),
        CONNECTIONS_PER_IP_PER_MINUTE.readInt(config), CONNECTIONS_PER_USER.readInt(config),
        CHARACTERS_PER_USER_PER_MINUTE.readInt(config), TRUSTED_PROXIES.readList(config));
  }
}
