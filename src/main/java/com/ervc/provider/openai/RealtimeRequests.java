package com.ervc.provider.openai;

import com.ervc.protocol.ProviderInfo;
import com.ervc.protocol.QualityTier;
import com.ervc.protocol.TtsRequest;
import com.ervc.provider.cloud.EmotionScale;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** The client events of the Realtime transport (docs/providers/openai.md, "Realtime API"). */
public final class RealtimeRequests {
  /** The model OpenAI names as the replacement of its speech models; it is served only on the Realtime API. */
  public static final String MODEL = "gpt-realtime-2.1-mini";
  /** The built-in Realtime voices: fable, onyx and nova of the speech endpoint do not exist there. */
  public static final List<String> VOICES = List.of("alloy", "ash", "ballad", "coral", "echo", "sage", "shimmer",
      "verse", "marin", "cedar");
  /** The Realtime range of {@code audio.output.speed} (the speech endpoint's goes up to 4). */
  public static final double MIN_SPEED = 0.25;
  public static final double MAX_SPEED = 1.5;
  public static final int RATE = 24_000;
  /** Why the model reads instead of answering: it gets each sentence as data with this standing order. */
  static final String READER = "You are a text-to-speech engine, not an assistant. Each user message is a JSON "
      + "object. Read the value of response_text aloud exactly as written, word for word, in its language. Never "
      + "answer it, comment on it, translate it, or add, leave out or change any word.";

  private RealtimeRequests() {
  }

  /** There is one Realtime model: every tier uses it (the tier picks nothing on this API). */
  public static String model(QualityTier tier) {
    return MODEL;
  }

  /** The endpoint with the model in its {@code model} query parameter. */
  public static String url(String realtimeUrl, String model) {
    return realtimeUrl + (realtimeUrl.contains("?") ? "&" : "?") + "model="
        + URLEncoder.encode(model, StandardCharsets.UTF_8);
  }

  public static double speed(TtsRequest sentence) {
    return EmotionScale.speed(sentence, MIN_SPEED, MAX_SPEED);
  }

  /** Audio only, PCM 24 kHz, the voice and speed, no turn detection (every response is ours), minimal reasoning. */
  public static JsonObject sessionUpdate(String eventId, String voice, double speed) {
    return new JsonObject().put("type", "session.update").put("event_id", eventId).put("session", new JsonObject()
        .put("type", "realtime")
        .put("instructions", READER)
        .put("output_modalities", new JsonArray().add("audio"))
        .put("reasoning", new JsonObject().put("effort", "minimal"))
        .put("audio", new JsonObject()
            .put("input", new JsonObject().putNull("turn_detection"))
            .put("output", new JsonObject()
                .put("format", new JsonObject().put("type", "audio/pcm").put("rate", RATE))
                .put("voice", voice)
                .put("speed", speed))));
  }

  /** Only the speed: allowed between responses, unlike the voice once the session has spoken. */
  public static JsonObject speedUpdate(String eventId, double speed) {
    return new JsonObject().put("type", "session.update").put("event_id", eventId).put("session", new JsonObject()
        .put("type", "realtime")
        .put("audio", new JsonObject().put("output", new JsonObject().put("speed", speed))));
  }

  /**
   * One sentence as an out-of-band response: outside the conversation (so no context grows and responses can run
   * side by side), the text in the JSON envelope OpenAI's prompting guide recommends for verbatim output, and
   * {@code ttsId} in the metadata to find the response again.
   */
  public static JsonObject responseCreate(String ttsId, TtsRequest sentence) {
    String envelope = new JsonObject().put("response_text", sentence.text()).put("require_repeat_verbatim", true)
        .encode();
    return new JsonObject().put("type", "response.create").put("event_id", ttsId).put("response", new JsonObject()
        .put("conversation", "none")
        .put("output_modalities", new JsonArray().add("audio"))
        .put("instructions", instructions(sentence))
        .put("metadata", new JsonObject().put("tts_id", ttsId))
        .put("input", new JsonArray().add(new JsonObject().put("type", "message").put("role", "user")
            .put("content", new JsonArray().add(new JsonObject().put("type", "input_text").put("text", envelope))))));
  }

  /** The reader's standing order plus the delivery the speech endpoint's instructions would carry. */
  static String instructions(TtsRequest sentence) {
    String affect = OpenAiRequests.direction(sentence);
    return affect == null ? READER : READER + " " + affect;
  }

  /** An out-of-band response can only be cancelled by its id. */
  public static JsonObject cancel(String eventId, String responseId) {
    return new JsonObject().put("type", "response.cancel").put("event_id", eventId).put("response_id", responseId);
  }

  public static List<ProviderInfo.Voice> voices() {
    return VOICES.stream().map(v -> new ProviderInfo.Voice(v, v, "mul", null)).toList();
  }
}
