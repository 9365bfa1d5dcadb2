package com.ervc.config;

import io.vertx.core.json.JsonObject;

import java.util.List;

import static com.ervc.config.Setting.bool;
import static com.ervc.config.Setting.integer;
import static com.ervc.config.Setting.list;
import static com.ervc.config.Setting.string;

/** The {@code http.*} keys: the gateway's HTTP and WebSocket server (and the monitoring server's address). */
public record HttpConfig(String host, int port, int maxWebSocketConnections, String webroot, List<String> corsOrigins,
                         List<String> allowedHosts, boolean httpsRedirect, int idleTimeoutSeconds) {
  static final Setting HOST = string("http.host", "HTTP_HOST", "127.0.0.1").matching(Settings.HOST, Settings.HOST_HINT)
      .documented("host name or IP")
      .describe("Bind address of the HTTP and WebSocket server (gateway role), and of the monitoring server "
          + "(`metrics.port`, or every node without the gateway role). `0.0.0.0` means all interfaces; containers "
          + "need it so that Prometheus and the kubelet's probes can connect. It also decides `auth.mode` `auto`: a "
          + "loopback address (`localhost`, `127.*`, `::1`, `[::1]`) means dev mode, anything else jwt mode, which "
          + "needs a key.");
  static final Setting PORT = integer("http.port", "HTTP_PORT", 8000, 0, Settings.MAX_PORT)
      .describe("HTTP port of the gateway. A node **without** the gateway role listens here too, with a small "
          + "monitoring server for `/metrics`, `/health`, `/ready` and `/live`, unless `metrics.port` is set; nodes "
          + "on one host therefore need distinct ports. `0` means a random free port. A port that is taken stops the "
          + "node (exit code 1).");
  static final Setting MAX_WEB_SOCKET_CONNECTIONS = integer("http.maxWebSocketConnections", "MAX_WEBSOCKET_CONNECTIONS",
      1000, 1, 1_000_000)
      .describe("The most WebSocket sessions this gateway keeps open at once. One more upgrade request gets **503** "
          + "`{\"error\":{\"code\":\"provider_unavailable\",\"message\":\"the server is at its limit of N WebSocket "
          + "connections\"}}` instead of the upgrade, and counts in `tts_rate_limited_total{kind=\"connections\"}`. "
          + "Exported as `websocket_connections_max`; the alert `TtsWebSocketConnectionsNearCapacity` fires above 85 "
          + "%. Per gateway node, not per cluster.");
  static final Setting WEBROOT = string("http.webroot", "WEBROOT", "webroot")
      .matching(Settings.DIRECTORY, Settings.DIRECTORY_HINT)
      .documented("a non-blank path: it must start with a character that is not whitespace")
      .describe("Directory served as static files, relative to the working directory or absolute. If it is not a "
          + "directory, the copy packaged in the jar is served. An empty or blank value is refused (`expected a "
          + "directory path`), because it would serve the working directory itself.");
  static final Setting CORS_ORIGINS = list("http.corsOrigins", "CORS_ORIGINS")
      .documented("origins such as `https://app.example.com` (scheme, host, and the port when not the default)")
      .describe("Two uses. **WebSocket:** origins, besides the page's own, that may open `/ws`; a handshake with any "
          + "other `Origin` gets **403** (see [Security](security.md#origin-host-and-proxies)). Behind a "
          + "TLS proxy that is not in `limits.trustedProxies`, the gateway sees plain HTTP and takes the browser's "
          + "`https://` origin for a foreign one, so list your public origin here. **CORS:** if non-empty, CORS is "
          + "enabled on `/api/*` for these origins: methods `GET`, `POST`, `OPTIONS`, request headers "
          + "`Content-Type`, `Accept`, `Authorization`, and the exposed response headers `X-TTS-Provider`, "
          + "`X-TTS-Voice`, `X-TTS-Cached`. A request to `/api/*` with any other `Origin` header gets 403. `/live`, "
          + "`/health`, `/ready`, `/metrics` and static files are not covered. Empty means no CORS headers and no "
          + "CORS origin check on `/api/*`; `/ws` still accepts only the page's own origin (or no `Origin`).");
  static final Setting ALLOWED_HOSTS = list("http.allowedHosts", "ALLOWED_HOSTS")
      .documented("host names: exact (`tts.example.com`, `[::1]`) or `*.example.com`")
      .describe("When non-empty, every request to the gateway's port whose `Host` header (without the port, "
          + "case-insensitive) matches no entry gets **400** "
          + "`{\"error\":{\"code\":\"invalid_request\",\"message\":\"this host name is not served here\"}}`: API, "
          + "`/ws` and static files. The operator endpoints `/live`, `/health`, `/ready` and `/metrics` are exempt, "
          + "because probes and Prometheus reach a node by its address. `*.example.com` matches any subdomain, not "
          + "`example.com` itself. A request without `Host` is refused. Empty means any `Host`. The separate "
          + "monitoring server (`metrics.port`, nodes without the gateway role) does not check it.");
  static final Setting HTTPS_REDIRECT = bool("http.httpsRedirect", "HTTPS_REDIRECT", false)
      .describe("Behind a TLS-terminating proxy: a request that did not arrive over TLS (directly, or per "
          + "`X-Forwarded-Proto: https` from a `TRUSTED_PROXIES` peer) gets **308** to `https://<Host><path?query>`. "
          + "The operator endpoints are never redirected.");
  static final Setting IDLE_TIMEOUT_SECONDS = integer("http.idleTimeoutSeconds", "IDLE_TIMEOUT_SECONDS", 120, 5, 86_400)
      .describe("A connection to the gateway's port, HTTP or WebSocket, on which nothing is read or written for this "
          + "long is closed, without a WebSocket close frame (the client sees 1006). It also ends requests that "
          + "stall half-sent. Keep it above the clients' keep-alive interval (the browser page pings every 20 s) and "
          + "at or below the idle timeouts of the proxies in front.");

  static final List<Setting> SETTINGS = List.of(HOST, PORT, MAX_WEB_SOCKET_CONNECTIONS, WEBROOT, CORS_ORIGINS,
      ALLOWED_HOSTS, HTTPS_REDIRECT, IDLE_TIMEOUT_SECONDS);

  static HttpConfig from(JsonObject config) {
    return new HttpConfig(HOST.readString(config), PORT.readInt(config), MAX_WEB_SOCKET_CONNECTIONS.readInt(config),
        WEBROOT.readString(config), CORS_ORIGINS.readList(config), ALLOWED_HOSTS.readList(config),
        HTTPS_REDIRECT.readBool(config), IDLE_TIMEOUT_SECONDS.readInt(config));
  }
}
