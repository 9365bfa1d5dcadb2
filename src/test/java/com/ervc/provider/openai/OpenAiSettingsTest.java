package com.ervc.provider.openai;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OpenAiSettingsTest {
  private static OpenAiSettings.Api api(String choice, String baseUrl) {
    return OpenAiSettings.from(new JsonObject().put("apiKey", "k").put("baseUrl", baseUrl).put("api", choice)
        .put("realtimeUrl", "wss://api.openai.com/v1/realtime").put("verbatimMismatch", "accept")).api();
  }

  @Test
  void autoUsesRealtimeOnOpenAisOwnApiAndTheSpeechEndpointElsewhere() {
    assertEquals(OpenAiSettings.Api.REALTIME, api("auto", "https://api.openai.com/v1"));
    assertEquals(OpenAiSettings.Api.REALTIME, api("auto", "https://API.OpenAI.com/v1/"));
    assertEquals(OpenAiSettings.Api.REALTIME, api("auto", null));
    assertEquals(OpenAiSettings.Api.SPEECH, api("auto", "http://127.0.0.1:8000/v1"));
    assertEquals(OpenAiSettings.Api.SPEECH, api("auto", "https://api.openai.com.example.org/v1"));
  }

  @Test
  void anExplicitChoiceWinsOverTheBaseUrl() {
    assertEquals(OpenAiSettings.Api.SPEECH, api("speech", "https://api.openai.com/v1"));
    assertEquals(OpenAiSettings.Api.REALTIME, api("realtime", "http://127.0.0.1:8000/v1"));
  }

  @Test
  void theMismatchPolicyIsRead() {
    JsonObject retry = new JsonObject().put("baseUrl", "https://api.openai.com/v1").put("verbatimMismatch", "retry");
    assertTrue(OpenAiSettings.from(retry).retryMismatch());
    assertFalse(OpenAiSettings.from(retry.put("verbatimMismatch", "accept")).retryMismatch());
  }
}
