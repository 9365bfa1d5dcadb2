package com.ervc.protocol;

import io.vertx.core.json.JsonObject;

import java.util.Arrays;
import java.util.Optional;

/**
 * The error codes of the public protocol. Each has the HTTP status the REST API answers with; the same number
 * is the failure code of an event-bus reply, so a code survives the hop between nodes unchanged.
 */
public enum ErrorCode {
  INVALID_REQUEST("invalid_request", 400),
  UNAUTHORIZED("unauthorized", 401),
  TOO_LARGE("too_large", 413),
  RATE_LIMITED("rate_limited", 429),
  INTERNAL("internal", 500),
  PROVIDER_UNAVAILABLE("provider_unavailable", 503);

  private final String wire;
  private final int status;

  ErrorCode(String wire, int status) {
    this.wire = wire;
    this.status = status;
  }

  public String wire() {
    return wire;
  }

  public int status() {
    return status;
  }

  /** The code with this wire name, if any. */
  public static Optional<ErrorCode> fromWire(String wire) {
    return Arrays.stream(values()).filter(c -> c.wire.equals(wire)).findFirst();
  }

  /** The JSON body of an HTTP error answer: {"error":{"code":...,"message":...}}. */
  public JsonObject body(String message) {
    return new JsonObject().put("error", new JsonObject().put("code", wire).put("message", message));
  }

  /** The code an event-bus failure code stands for; unknown numbers are internal errors. */
  public static ErrorCode fromStatus(int status) {
    return Arrays.stream(values()).filter(c -> c.status == status).findFirst().orElse(INTERNAL);
  }
}
