package com.ervc.config;

import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.util.List;
import java.util.Locale;

import static com.ervc.config.Setting.string;

/** The {@code providers.openai.*} keys: the OpenAI cloud provider (docs/providers/openai.md). */
public record OpenAiConfig(String apiKey, String baseUrl, String realtimeUrl, String api, String verbatimMismatch) {
  public OpenAiConfig {
    baseUrl = BaseUrls.trimmed(baseUrl);
  }

  /** Which OpenAI API speaks: {@link #api()} with {@code auto} resolved ({@link #transport()}). */
  public enum Api { REALTIME, SPEECH }

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
  static final Setting REALTIME_URL = string("providers.openai.realtimeUrl", "OPENAI_REALTIME_URL",
      "wss://api.openai.com/v1/realtime")
      .matching(Settings.WS_URL, Settings.WS_URL_HINT)
      .documented("`ws://` or `wss://` URL without query")
      .describe("Where the Realtime API is (a proxy, a compatible server, a test double); the model goes in the "
          + "`model` query parameter (`?model=gpt-realtime-2.1-mini`). See [providers/openai.md](providers/openai.md).");
  static final Setting API = string("providers.openai.api", "OPENAI_TTS_API", "auto")
      .oneOf("auto", "realtime", "speech")
      .describe("Which OpenAI API speaks. `realtime`: the Realtime API (WebSocket sessions, `gpt-realtime-2.1-mini`), "
          + "the only one left after OpenAI shuts down `tts-1`, `tts-1-hd` and `gpt-4o-mini-tts` on 2027-01-06. "
          + "`speech`: `POST {baseUrl}/audio/speech`, for OpenAI-compatible servers. `auto`: `realtime` when "
          + "`providers.openai.baseUrl` is OpenAI's own (`https://api.openai.com/…`, the default), `speech` for any "
          + "other base URL. On Realtime, the voices `fable`, `onyx` and `nova` are not offered.");
  static final Setting VERBATIM_MISMATCH = string("providers.openai.verbatimMismatch", "OPENAI_VERBATIM_MISMATCH",
      "accept")
      .oneOf("accept", "retry")
      .describe("Realtime only: what to do when a sentence's spoken transcript differs from its text (after "
          + "normalising case, punctuation and contractions). `accept`: audio streams as it arrives; the mismatch is "
          + "logged and counted (`tts_provider_mismatch_total`). `retry`: each sentence's audio is held until its "
          + "transcript is checked (first audio only after the whole sentence), and a mismatched sentence is spoken "
          + "once more; the second reading is played whatever it says.");

  static final List<Setting> SETTINGS = List.of(API_KEY, BASE_URL, REALTIME_URL, API, VERBATIM_MISMATCH);

  static OpenAiConfig from(JsonObject config) {
    return new OpenAiConfig(API_KEY.readString(config), BASE_URL.readString(config), REALTIME_URL.readString(config),
        API.readString(config), VERBATIM_MISMATCH.readString(config));
  }

  /** The API that speaks: {@code auto} is the Realtime API on OpenAI's own base URL, the speech endpoint elsewhere. */
  public Api transport() {
    return switch (api) {
      case "realtime" -> Api.REALTIME;
      case "speech" -> Api.SPEECH;
      default -> isOpenAis(baseUrl) ? Api.REALTIME : Api.SPEECH;
    };
  }

  /** {@code OPENAI_VERBATIM_MISMATCH=retry}: a mismatched sentence is spoken once more. */
  public boolean retryMismatch() {
    return "retry".equals(verbatimMismatch);
  }

  /**
   * {@code auto}: OpenAI's own API takes the Realtime transport; any other base URL is an OpenAI-compatible server,
   * which serves the speech endpoint.
   */
  static boolean isOpenAis(String baseUrl) {
    String host = URI.create(baseUrl).getHost();
    return host != null && host.toLowerCase(Locale.ROOT).equals("api.openai.com");
  }
}
