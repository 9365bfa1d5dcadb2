package com.ervc.config;

import io.vertx.core.json.JsonObject;

import java.util.List;

import static com.ervc.config.Setting.string;

/** The {@code providers.openai.*} keys: the OpenAI cloud provider. */
public record OpenAiConfig(String apiKey, String baseUrl) {
  static final Setting API_KEY = string("providers.openai.apiKey", "OPENAI_API_KEY", null).orNull()
      .asCredential()
      .documented("any string")
      .describe("**Secret.** OpenAI API key (`Authorization: Bearer`). Without it `openai` is announced unavailable "
          + "with the reason.");
  static final Setting BASE_URL = string("providers.openai.baseUrl", "OPENAI_BASE_URL", "https://api.openai.com/v1")
      .matching(Settings.BASE_URL, Settings.BASE_URL_HINT)
      .documented("`http://` or `https://` URL without query")
      .describe("Base URL as in OpenAI's SDKs (including `/v1`); `/audio/speech` is appended. Point it at a proxy or "
          + "an OpenAI-compatible server.");

  static final List<Setting> SETTINGS = List.of(API_KEY, BASE_URL);

  static OpenAiConfig from(JsonObject config) {
    return new OpenAiConfig(API_KEY.readString(config), BASE_URL.readString(config));
  }
}
