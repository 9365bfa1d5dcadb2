package com.ervc.security;

import io.vertx.core.http.HttpServerRequest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/** Checks a static operator token (metrics, admin) sent as {@code Authorization: Bearer <token>}. */
public final class BearerToken {
  private BearerToken() {
  }

  /** The token of an {@code Authorization: Bearer <token>} header, or null without one. */
  public static String from(HttpServerRequest request) {
    String header = request.getHeader("Authorization");
    return header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim() : null;
  }

  /** Constant-time comparison, so the token cannot be guessed byte by byte from response times. */
  public static boolean matches(HttpServerRequest request, String token) {
    String header = request.getHeader("Authorization");
    String expected = "Bearer " + token;
    return header != null && MessageDigest.isEqual(header.getBytes(StandardCharsets.UTF_8),
        expected.getBytes(StandardCharsets.UTF_8));
  }
}
