package com.ervc.security;

/** A refused credential; {@code reason} is one of missing, invalid, expired, origin (the metric's label values). */
public final class AuthException extends RuntimeException {
  private final String reason;

  public AuthException(String reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }

  public String reason() {
    return reason;
  }
}
