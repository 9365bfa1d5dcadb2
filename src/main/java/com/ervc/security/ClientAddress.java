package com.ervc.security;

import io.vertx.core.http.HttpServerRequest;

import java.util.List;

/**
 * The client's IP address. X-Forwarded-For is believed only when the direct peer is a configured trusted proxy;
 * the address used is then the right-most one that is not itself a trusted proxy.
 */
public final class ClientAddress {
  private ClientAddress() {
  }

  public static String of(HttpServerRequest request, List<String> trustedProxies) {
    String peer = request.remoteAddress() == null ? "unknown" : request.remoteAddress().hostAddress();
    return resolve(peer, request.getHeader("X-Forwarded-For"), trustedProxies);
  }

  static String resolve(String peer, String forwardedFor, List<String> trustedProxies) {
    if (forwardedFor == null || !trustedProxies.contains(peer)) {
      return peer;
    }
    String[] hops = forwardedFor.split(",");
    for (int i = hops.length - 1; i >= 0; i--) {
      String hop = hops[i].trim();
      if (!hop.isEmpty() && !trustedProxies.contains(hop)) {
        return hop;
      }
    }
    return peer;
  }

  /** Whether the request reached us over TLS, directly or via a trusted proxy that says so. */
  public static boolean secure(HttpServerRequest request, List<String> trustedProxies) {
    if (request.isSSL()) {
      return true;
    }
    String peer = request.remoteAddress() == null ? "" : request.remoteAddress().hostAddress();
    return trustedProxies.contains(peer) && "https".equalsIgnoreCase(request.getHeader("X-Forwarded-Proto"));
  }
}
