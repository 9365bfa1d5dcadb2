package com.ervc.gateway;

import com.ervc.protocol.ErrorCode;
import io.vertx.core.json.JsonObject;

/**
 * An error of the OpenAI-compatible API ({@code /v1/*}), in OpenAI's shape
 * {@code {"error":{"message","type","param","code"}}}; SDKs pick their exception class from the status alone.
 */
final class OpenAiError extends RuntimeException {
  private final int status;
  private final String type;
  private final String param;
  private final String code;

  OpenAiError(int status, String message, String param, String code) {
    super(message, null, false, false);
    this.status = status;
    this.type = typeOf(status);
    this.param = param;
    this.code = code;
  }

  /** A 400 about one request field. */
  static OpenAiError invalid(String param, String code, String message) {
    return new OpenAiError(400, message, param, code);
  }

  /** The OpenAI form of one of the service's own errors (auth, limits, pipeline and provider failures). */
  static OpenAiError of(int status, ErrorCode code, String message) {
    return new OpenAiError(status, message, null, switch (code) {
      case UNAUTHORIZED -> status == 401 ? "invalid_api_key" : "forbidden";
      case RATE_LIMITED -> "rate_limit_exceeded";
      case TOO_LARGE -> "request_too_large";
      case PROVIDER_UNAVAILABLE -> "service_unavailable";
      case INTERNAL -> "internal_error";
      case INVALID_REQUEST -> switch (status) {
        case 404 -> "not_found";
        case 405 -> "method_not_allowed";
        default -> "invalid_request";
      };
    });
  }

  /** OpenAI's error types: rate limits are "requests", server faults "server_error", the rest request errors. */
  private static String typeOf(int status) {
    return status == 429 ? "requests" : status >= 500 ? "server_error" : "invalid_request_error";
  }

  int status() {
    return status;
  }

  JsonObject body() {
    return new JsonObject().put("error", new JsonObject().put("message", getMessage()).put("type", type)
        .put("param", param).put("code", code));
  }
}
