package com.ervc.config;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OpenAiConfigTest {
  private static OpenAiConfig openai(Map<String, String> env) {
    return ConfigLoader.load(null, env).providers().openai();
  }

  private static OpenAiConfig.Api api(String choice, String baseUrl) {
    return openai(Map.of("OPENAI_TTS_API", choice, "OPENAI_BASE_URL", baseUrl)).transport();
  }

  @Test
  void autoUsesRealtimeOnOpenAisOwnApiAndTheSpeechEndpointElsewhere() {
    assertEquals(OpenAiConfig.Api.REALTIME, openai(Map.of()).transport());
    assertEquals(OpenAiConfig.Api.REALTIME, api("auto", "https://api.openai.com/v1"));
    assertEquals(OpenAiConfig.Api.REALTIME, api("auto", "https://API.OpenAI.com/v1/"));
    assertEquals(OpenAiConfig.Api.SPEECH, api("auto", "http://127.0.0.1:8000/v1"));
    assertEquals(OpenAiConfig.Api.SPEECH, api("auto", "https://api.openai.com.example.org/v1"));
  }

  @Test
  void anExplicitChoiceWinsOverTheBaseUrl() {
    assertEquals(OpenAiConfig.Api.SPEECH, api("speech", "https://api.openai.com/v1"));
    assertEquals(OpenAiConfig.Api.REALTIME, api("realtime", "http://127.0.0.1:8000/v1"));
  }

  @Test
  void theMismatchPolicyAndTheRealtimeUrlAreRead() {
    assertFalse(openai(Map.of()).retryMismatch());
    assertTrue(openai(Map.of("OPENAI_VERBATIM_MISMATCH", "retry")).retryMismatch());
    assertEquals("wss://api.openai.com/v1/realtime", openai(Map.of()).realtimeUrl());
    assertEquals("ws://127.0.0.1:9000/v1/realtime",
        openai(Map.of("OPENAI_REALTIME_URL", "ws://127.0.0.1:9000/v1/realtime")).realtimeUrl());
  }
}
