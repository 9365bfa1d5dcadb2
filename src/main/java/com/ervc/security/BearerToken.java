package com.ervc.security;

import io.vertx.core.http.HttpServerRequest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/** Reads {@code Authorization: Bearer <token>} and checks a static operator token (metrics, admin) against it. */
public final class BearerToken {
  private BearerToken() {
  }

  /** The token of a request's {@code Authorization: Bearer <token>} header, or null without one. */
  public static String from(HttpServerRequest request) {
    return from(request.getHeader("Authorization"));
  }

  /** The token of an {@code Authorization} header value, or null when it is absent or not a bearer token. */
  public static String from(String authorization) {
    return authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
        ? authorization.substring(7).trim() : null;
  }

  public static boolean matches(HttpServerRequest request, String token) {
    return matches(request.getHeader("Authorization"), token);
  }

  /** Constant-time comparison, so the token cannot be guessed byte by byte from response times. */
  public static boolean matches(String authorization, String token) {
    String expected = "Bearer " + token;
    return authorization != null && MessageDigest.isEqual(authorization.getBytes(StandardCharsets.UTF_8),
        expected.getBytes(StandardCharsets.UTF_8));
  }
}
