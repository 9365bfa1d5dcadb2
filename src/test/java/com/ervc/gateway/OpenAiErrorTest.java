package com.ervc.gateway;

import com.ervc.protocol.ErrorCode;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

class OpenAiErrorTest {
  @ParameterizedTest
  @CsvSource({
      "400, INVALID_REQUEST,      invalid_request_error, invalid_request",
      "404, INVALID_REQUEST,      invalid_request_error, not_found",
      "405, INVALID_REQUEST,      invalid_request_error, method_not_allowed",
      "401, UNAUTHORIZED,         invalid_request_error, invalid_api_key",
      "403, UNAUTHORIZED,         invalid_request_error, forbidden",
      "413, TOO_LARGE,            invalid_request_error, request_too_large",
      "429, RATE_LIMITED,         requests,              rate_limit_exceeded",
      "500, INTERNAL,             server_error,          internal_error",
      "503, PROVIDER_UNAVAILABLE, server_error,          service_unavailable"})
  void theServicesErrorsTakeOpenAisShape(int status, ErrorCode code, String type, String openAiCode) {
    OpenAiError error = OpenAiError.of(status, code, "why");
    assertEquals(status, error.status());
    assertEquals(new JsonObject().put("error", new JsonObject().put("message", "why").put("type", type)
        .putNull("param").put("code", openAiCode)), error.body());
  }
}
