package com.ervc.gateway;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SpeechRequestTest {
  private static JsonObject minimal() {
    return new JsonObject().put("model", "tts-1").put("input", "Hello.").put("voice", "alloy");
  }

  @Test
  void openAisDefaultsApply() {
    assertEquals(new SpeechRequest("tts-1", "Hello.", "alloy", null, null, SpeechFormat.MP3, 1.0, false),
        SpeechRequest.parse(minimal(), 5000));
  }

  @Test
  void everyFieldIsRead() {
    JsonObject body = minimal().put("voice", new JsonObject().put("id", "profile:anna")).put("instructions", "Calm.")
        .put("response_format", "opus").put("speed", 0.25).put("stream_format", "sse").put("unknown", 1);
    assertEquals(new SpeechRequest("tts-1", "Hello.", null, "profile:anna", "Calm.", SpeechFormat.OPUS, 0.25, true),
        SpeechRequest.parse(body, 5000));
  }

  @Test
  void theLowerOfOpenAisAndTheServersInputLimitApplies() {
    JsonObject body = minimal().put("input", "a".repeat(101));
    assertEquals("'input' has 101 characters; the limit is 100",
        assertThrows(OpenAiError.class, () -> SpeechRequest.parse(body, 100)).getMessage());
    JsonObject overOpenAi = minimal().put("input", "a".repeat(4097));
    OpenAiError error = assertThrows(OpenAiError.class, () -> SpeechRequest.parse(overOpenAi, 10_000));
    assertEquals(new JsonObject().put("error", new JsonObject()
            .put("message", "'input' has 4097 characters; the limit is 4096").put("type", "invalid_request_error")
            .put("param", "input").put("code", "string_too_long")), error.body());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "model           | 7",
      "input           | \"\"",
      "voice           | {}",
      "voice           | 3",
      "instructions    | 5",
      "response_format | \"wma\"",
      "speed           | 0.2",
      "speed           | 4.01",
      "speed           | \"fast\"",
      "stream_format   | \"chunks\""})
  void aBadFieldIsA400NamingIt(String field, String json) {
    JsonObject body = minimal().put(field, Json.decodeValue(json));
    OpenAiError error = assertThrows(OpenAiError.class, () -> SpeechRequest.parse(body, 5000));
    assertEquals(400, error.status());
    assertEquals(field, error.body().getJsonObject("error").getString("param"));
  }
}
