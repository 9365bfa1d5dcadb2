package com.ervc.provider.cloud;

import com.ervc.protocol.ErrorCode;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CloudErrorTest {
  private static final List<String> SECRETS = List.of("sk-live-123456");

  private static CloudError classify(int status, String body, String... headers) {
    MultiMap map = MultiMap.caseInsensitiveMultiMap();
    for (int i = 0; i < headers.length; i += 2) {
      map.add(headers[i], headers[i + 1]);
    }
    return CloudError.fromResponse(status, map, Buffer.buffer(body), SECRETS);
  }

  /** The table of docs/providers/README.md#failure-handling, with the real error bodies of the vendor pages beside it. */
  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(delimiter = '|', value = {
    "401|{\"detail\":{\"status\":\"invalid_api_key\",\"message\":\"Invalid API key\"}}|AUTH|false",
    "401|{\"detail\":{\"status\":\"quota_exceeded\",\"message\":\"This request exceeds your quota of 10000.\"}}|QUOTA|false",
    "429|{\"detail\":{\"status\":\"too_many_concurrent_requests\",\"message\":\"Too many concurrent requests.\"}}|RATE_LIMITED|true",
    "404|{\"detail\":{\"type\":\"not_found\",\"code\":\"voice_not_found\",\"message\":\"A voice was not found.\"}}|INVALID_REQUEST|false",
    "422|{\"detail\":[{\"loc\":[\"body\",\"text\"],\"msg\":\"field required\",\"type\":\"value_error.missing\"}]}|INVALID_REQUEST|false",
    "401|{\"error\":{\"code\":\"401\",\"message\":\"Access denied due to invalid subscription key\"}}|AUTH|false",
    "400||INVALID_REQUEST|false",
    "415|Data at the root level is invalid.|INVALID_REQUEST|false",
    "503||SERVER|true",
    "403|{\"error\":{\"code\":\"403\",\"message\":\"Out of call volume quota for SpeechServices F0 pricing tier.\"}}|QUOTA|false",
    "401|{\"error\":{\"message\":\"Incorrect API key provided\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":\"invalid_api_key\"}}|AUTH|false",
    "429|{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"requests\",\"param\":null,\"code\":\"rate_limit_exceeded\"}}|RATE_LIMITED|true",
    "429|{\"error\":{\"message\":\"You exceeded your current quota\",\"type\":\"insufficient_quota\",\"param\":null,\"code\":\"insufficient_quota\"}}|QUOTA|false",
    "500|{\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\",\"param\":null,\"code\":null}}|SERVER|true",
    "402|not json|QUOTA|false"
  })
  void providerAnswersAreNormalised(int status, String body, CloudError.Kind kind, boolean retryable) {
    CloudError error = classify(status, body == null ? "" : body);

    assertEquals(kind, error.kind());
    assertEquals(retryable, error.retryable());
    assertEquals(kind == CloudError.Kind.AUTH || kind == CloudError.Kind.QUOTA, error.disablesProvider());
  }

  @Test
  void validationDetailsBecomeTheMessage() {
    CloudError error = classify(422, "{\"detail\":[{\"loc\":[\"body\",\"text\"],\"msg\":\"field required\"}]}");

    assertEquals(ErrorCode.INVALID_REQUEST, error.toSpeech("elevenlabs").code());
    assertEquals("provider 'elevenlabs' refused the request: body.text: field required", error.toSpeech("elevenlabs").getMessage());
  }

  @Test
  void secretsAreBlankedOutOfProviderMessages() {
    CloudError error = classify(400, "{\"error\":{\"message\":\"bad key sk-live-123456 for input\",\"code\":null}}");

    assertFalse(error.getMessage().contains("sk-live-123456"));
    assertTrue(error.getMessage().contains("bad key *** for input"));
  }

  @Test
  void authMessagesNeverCarryTheProvidersText() {
    CloudError error = classify(401, "{\"error\":{\"message\":\"Incorrect API key provided: sk-li***3456\",\"code\":\"invalid_api_key\"}}");

    assertEquals("provider 'openai' rejected the configured credentials (HTTP 401 invalid_api_key)",
        error.toSpeech("openai").getMessage());
  }

  @Test
  void waitHintsAreReadInTheSdksOrder() {
    assertEquals(250, classify(429, "", "retry-after-ms", "250", "retry-after", "9").retryAfterMs());
    assertEquals(9000, classify(429, "", "retry-after", "9").retryAfterMs());
    assertEquals(120, classify(429, "", "x-ratelimit-reset-requests", "120ms", "x-ratelimit-reset-tokens", "6m0s").retryAfterMs());
    assertEquals(-1, classify(429, "").retryAfterMs());
    assertFalse(classify(500, "", "x-should-retry", "false").retryable());
  }

  @Test
  void goDurations() {
    assertEquals(360_000, CloudError.goDurationMs("6m0s"));
    assertEquals(1500, CloudError.goDurationMs("1.5s"));
    assertEquals(12, CloudError.goDurationMs("12ms"));
    assertEquals(-1, CloudError.goDurationMs("soon"));
  }
}
