package com.ervc.provider.openai;

import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.util.Locale;

/** The {@code providers.openai.*} keys (docs/configuration.md, docs/providers/openai.md). */
public record OpenAiSettings(String apiKey, String baseUrl, String realtimeUrl, Api api, boolean retryMismatch) {
  /** Which OpenAI API speaks: {@code OPENAI_TTS_API} after {@code auto} was resolved. */
  public enum Api { REALTIME, SPEECH }

  public static OpenAiSettings from(JsonObject openai) {
    String baseUrl = openai.getString("baseUrl");
    String choice = openai.getString("api", "auto");
    Api api = switch (choice) {
      case "realtime" -> Api.REALTIME;
      case "speech" -> Api.SPEECH;
      default -> isOpenAis(baseUrl) ? Api.REALTIME : Api.SPEECH;
    };
    return new OpenAiSettings(openai.getString("apiKey"), baseUrl, openai.getString("realtimeUrl"), api,
        "retry".equals(openai.getString("verbatimMismatch")));
  }

  /**
   * {@code auto}: OpenAI's own API (or no base URL) takes the Realtime transport; any other base URL is an
   * OpenAI-compatible server, which serves the speech endpoint.
   */
  static boolean isOpenAis(String baseUrl) {
    if (baseUrl == null || baseUrl.isBlank()) {
      return true;
    }
    String host = URI.create(baseUrl).getHost();
    return host != null && host.toLowerCase(Locale.ROOT).equals("api.openai.com");
  }
}
