package com.ervc.gateway;

import io.vertx.core.MultiMap;

/**
 * Headers on every gateway response. The Content-Security-Policy allows only the bundled page's own scripts,
 * styles and WebSocket, so injected markup cannot run scripts or send data elsewhere.
 */
final class SecurityHeaders {
  static final String CONTENT_SECURITY_POLICY = String.join("; ",
      "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:",
      "media-src 'self' blob:", "connect-src 'self'", "worker-src 'self' blob:",
      "frame-ancestors 'none'", "base-uri 'self'", "form-action 'self'");

  private SecurityHeaders() {
  }

  static void apply(MultiMap headers) {
    headers.set("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        .set("X-Content-Type-Options", "nosniff")
        .set("X-Frame-Options", "DENY")
        .set("Referrer-Policy", "no-referrer");
  }
}
