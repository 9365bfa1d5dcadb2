package com.ervc.config;

import io.vertx.core.json.JsonObject;

import java.util.List;

import static com.ervc.config.Setting.string;

/** The {@code providers.elevenlabs.*} keys: the ElevenLabs cloud provider. */
public record ElevenLabsConfig(String apiKey, String baseUrl) {
  public ElevenLabsConfig {
    baseUrl = BaseUrls.trimmed(baseUrl);
  }

  static final Setting API_KEY = string("providers.elevenlabs.apiKey", "ELEVENLABS_API_KEY", null).orNull()
      .asCredential()
      .documented("any string")
      .describe("**Secret.** ElevenLabs API key, sent as `xi-api-key`. Without it a `providers` node announces "
          + "`elevenlabs` with `available: false` and `detail` \"not configured: set ELEVENLABS_API_KEY\", and no "
          + "request is routed to it. Never logged or echoed (not even in config errors). See [Cloud "
          + "providers](providers/README.md#cloud-providers).");
  static final Setting BASE_URL = string("providers.elevenlabs.baseUrl", "ELEVENLABS_BASE_URL",
      "https://api.elevenlabs.io")
      .matching(Settings.BASE_URL, Settings.BASE_URL_HINT)
      .documented("`http://` or `https://` URL without query")
      .describe("Where the ElevenLabs API is (a proxy, or a test double). Paths `/v1/voices` and "
          + "`/v1/text-to-speech/{voice}/stream` are appended.");

  static final List<Setting> SETTINGS = List.of(API_KEY, BASE_URL);

  static ElevenLabsConfig from(JsonObject config) {
    return new ElevenLabsConfig(API_KEY.readString(config), BASE_URL.readString(config));
  }
}
