package com.ervc.security;

import com.ervc.config.HttpConfig;
import io.vertx.core.http.HttpServerRequest;

import java.net.URI;
import java.util.List;
import java.util.Locale;

/**
 * Host and Origin rules of the gateway: ALLOWED_HOSTS (empty = any Host) and the WebSocket Origin allowlist
 * (the page's own origin, plus CORS_ORIGINS), which stops cross-site WebSocket hijacking.
 */
public final class AccessPolicy {
  private final List<String> allowedHosts;
  private final List<String> allowedOrigins;

  public AccessPolicy(HttpConfig http) {
    this.allowedHosts = lower(http.allowedHosts());
    this.allowedOrigins = lower(http.corsOrigins());
  }

  private static List<String> lower(List<String> values) {
    return values.stream().map(v -> v.toLowerCase(Locale.ROOT)).toList();
  }

  /** Exact names, or "*.example.com" for any subdomain; the port is ignored. */
  public boolean hostAllowed(String hostHeader) {
    if (allowedHosts.isEmpty()) {
      return true;
    }
    if (hostHeader == null) {
      return false;
    }
    String host = hostName(hostHeader.toLowerCase(Locale.ROOT));
    return allowedHosts.stream().anyMatch(allowed -> allowed.startsWith("*.")
        ? host.endsWith(allowed.substring(1)) : host.equals(allowed));
  }

  private static String hostName(String hostHeader) {
    if (hostHeader.startsWith("[")) {
      int end = hostHeader.indexOf(']');
      return end < 0 ? hostHeader : hostHeader.substring(0, end + 1);
    }
    int colon = hostHeader.lastIndexOf(':');
    return colon < 0 ? hostHeader : hostHeader.substring(0, colon);
  }

  /**
   * Browsers always send Origin on a WebSocket handshake; non-browser clients may omit it (they are not exposed
   * to cross-site hijacking). An Origin must be the page's own (same scheme, host and port) or listed.
   */
  public boolean originAllowed(HttpServerRequest request, boolean secure) {
    String origin = request.getHeader("Origin");
    if (origin == null) {
      return true;
    }
    String normalized = origin.toLowerCase(Locale.ROOT);
    if (allowedOrigins.contains(normalized)) {
      return true;
    }
    String host = request.getHeader("Host");
    try {
      URI uri = URI.create(normalized);
      return host != null && (secure ? "https" : "http").equals(uri.getScheme())
          && uri.getAuthority() != null && uri.getAuthority().equals(host.toLowerCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
