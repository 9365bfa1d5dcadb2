package com.ervc.provider.openai;

import com.ervc.provider.cloud.CloudError;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class RealtimeErrorsTest {
  private static final List<String> SECRETS = List.of("sk-secret-key-123");

  private static CloudError error(String type, String code, String message) {
    return RealtimeErrors.fromError(new JsonObject().put("type", type).put("code", code).put("message", message), SECRETS);
  }

  @Test
  void eachErrorLandsInItsKind() {
    assertEquals(CloudError.Kind.QUOTA, error("insufficient_quota", "insufficient_quota", "out of credit").kind());
    assertEquals(CloudError.Kind.AUTH, error("invalid_request_error", "invalid_api_key", "bad key").kind());
    assertEquals(CloudError.Kind.RATE_LIMITED, error("requests", "rate_limit_exceeded", "slow down").kind());
    assertEquals(CloudError.Kind.SERVER, error("server_error", null, "oops").kind());
    assertEquals(CloudError.Kind.SERVER,
        error("invalid_request_error", "conversation_already_has_active_response", "busy").kind());
    assertEquals(CloudError.Kind.INVALID_REQUEST, error("invalid_request_error", "invalid_value", "bad voice").kind());
  }

  @Test
  void theWaitOfARateLimitIsReadFromTheMessage() {
    assertEquals(1500, error("requests", "rate_limit_exceeded", "Limit 100. Please try again in 1.5s.").retryAfterMs());
    assertEquals(20, error("tokens", "rate_limit_exceeded", "Please try again in 20ms. Visit x").retryAfterMs());
    assertEquals(-1, error("tokens", "rate_limit_exceeded", "Rate limit reached.").retryAfterMs());
  }

  @Test
  void aFailedResponseCarriesItsErrorAndAnIncompleteOneItsReason() {
    JsonObject quota = new JsonObject().put("status", "failed").put("status_details", new JsonObject()
        .put("type", "failed").put("error", new JsonObject().put("type", "insufficient_quota").put("code", "insufficient_quota")));
    assertEquals(CloudError.Kind.QUOTA, RealtimeErrors.fromResponse(quota, SECRETS).kind());
    JsonObject filtered = new JsonObject().put("status", "incomplete").put("status_details", new JsonObject()
        .put("type", "incomplete").put("reason", "content_filter"));
    assertEquals(CloudError.Kind.INVALID_REQUEST, RealtimeErrors.fromResponse(filtered, SECRETS).kind());
  }

  @Test
  void noKeyInAMessageOrACloseReason() {
    CloudError invalid = error("invalid_request_error", "invalid_value", "key sk-secret-key-123 is odd");
    assertFalse(invalid.getMessage().contains("sk-secret-key-123"));
    assertFalse(RealtimeErrors.closed((short) 1008, "bad sk-secret-key-123", SECRETS).getMessage()
        .contains("sk-secret-key-123"));
  }
}
