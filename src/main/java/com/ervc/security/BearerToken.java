package com.ervc.security;

import io.vertx.core.http.HttpServerRequest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/** Checks a static operator token (metrics, admin) sent as {@code Authorization: Bearer <token>}. */
public final class BearerToken {
  private BearerToken() {
  }

  /** Constant-time comparison, so the token cannot be guessed byte by byte from response times. */
  public static boolean matches(HttpServerRequest request, String token) {
    String header = request.getHeader("Authorization");
    String expected = "Bearer " + token;
    return header != null && MessageDigest.isEqual(header.getBytes(StandardCharsets.UTF_8),
        expected.getBytes(StandardCharsets.UTF_8));
  }
}
