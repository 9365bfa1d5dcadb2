package com.ervc.provider.elevenlabs;

import com.ervc.protocol.Emotion;
import com.ervc.protocol.ProviderInfo;
import com.ervc.protocol.QualityTier;
import com.ervc.protocol.RemoteVoice;
import com.ervc.protocol.TtsRequest;
import com.ervc.provider.cloud.CloudProviderVerticle;
import com.ervc.provider.cloud.EmotionScale;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Maps a sentence onto ElevenLabs' streaming text-to-speech call (docs/providers/elevenlabs.md#streaming-synthesis, #tiers-and-emotion).
 * The model follows the tier; on v2/v2.5 models emotion can only shape {@code voice_settings} (words would be
 * spoken), on eleven_v3 it becomes an audio tag in front of the text.
 */
public final class ElevenLabsRequests {
  public static final String FLASH = "eleven_flash_v2_5";
  public static final String TURBO = "eleven_turbo_v2_5";
  public static final String MULTILINGUAL = "eleven_multilingual_v2";
  public static final String V3 = "eleven_v3";
  /** docs/providers/elevenlabs.md#models-and-limits: eleven_v3 takes at most 3,000 characters per request. */
  static final int V3_MAX_CHARS = 3000;
  /** docs/providers/elevenlabs.md#models-and-limits: only these models accept language_code; others may reject it. */
  private static final Set<String> LANGUAGE_MODELS = Set.of(FLASH, TURBO);

  /** The request line (path and query) and JSON body of one call. */
  public record Call(String pathAndQuery, JsonObject body) {
  }

  private ElevenLabsRequests() {
  }

  /** docs/providers/elevenlabs.md#tiers-and-emotion: flash for fast, turbo for balanced; high uses v3 for emotional text that fits it, else multilingual v2. */
  public static String model(TtsRequest sentence) {
    return switch (sentence.quality()) {
      case FAST -> FLASH;
      case BALANCED -> TURBO;
      case HIGH -> sentence.emotion() != Emotion.NEUTRAL && sentence.text().length() <= V3_MAX_CHARS ? V3 : MULTILINGUAL;
    };
  }

  /** {@code language} is the voice's ISO 639-1 code when known, else null. */
  public static Call synthesis(TtsRequest sentence, String language) {
    String model = model(sentence);
    boolean v3 = V3.equals(model);
    JsonObject body = new JsonObject()
        .put("text", v3 ? v3Tag(sentence) + " " + sentence.text() : sentence.text())
        .put("model_id", model)
        .put("voice_settings", voiceSettings(sentence, v3));
    if (language != null && LANGUAGE_MODELS.contains(model)) {
      body.put("language_code", language);
    }
    if (sentence.previousText() != null) {
      body.put("previous_text", sentence.previousText());
    }
    if (sentence.nextText() != null) {
      body.put("next_text", sentence.nextText());
    }
    // A profile's cloned voice is spoken by its voice_id like any other (docs/providers/elevenlabs.md#instant-voice-cloning).
    String voiceId = RemoteVoice.is(sentence.voice()) ? RemoteVoice.id(sentence.voice()) : sentence.voice();
    String path = "/v1/text-to-speech/" + URLEncoder.encode(voiceId, StandardCharsets.UTF_8).replace("+", "%20")
        + "/stream?output_format=pcm_24000";
    return new Call(path, body);
  }

  /** docs/providers/elevenlabs.md#tiers-and-emotion voice settings; speed is clamped to 0.7–1.2 (#voice-settings). */
  static JsonObject voiceSettings(TtsRequest sentence, boolean v3) {
    Emotion emotion = sentence.emotion();
    double intensity = sentence.intensity();
    boolean fast = sentence.quality() == QualityTier.FAST;
    double stability;
    if (v3) {
      // docs/providers/elevenlabs.md#voice-settings (third-party): v3 accepts only 0.0 (Creative), 0.5 (Natural), 1.0 (Robust).
      stability = emotion == Emotion.NEUTRAL ? 1.0 : EmotionScale.step(intensity) == EmotionScale.Step.HIGH ? 0.0 : 0.5;
    } else {
      stability = emotion == Emotion.NEUTRAL ? 0.5 : EmotionScale.round2(Math.max(0.25, Math.min(0.9, 0.75 - 0.5 * intensity)));
    }
    double style = fast || emotion == Emotion.NEUTRAL ? 0.0 : EmotionScale.round2(0.6 * intensity);
    return new JsonObject()
        .put("stability", stability)
        .put("similarity_boost", 0.75)
        .put("style", style)
        .put("use_speaker_boost", !fast)
        .put("speed", EmotionScale.speed(sentence, 0.7, 1.2));
  }

  /** docs/providers/elevenlabs.md#tiers-and-emotion: audio tags for eleven_v3. */
  static String v3Tag(TtsRequest sentence) {
    EmotionScale.Step step = EmotionScale.step(sentence.intensity());
    return switch (sentence.emotion()) {
      case NEUTRAL -> "";
      case HAPPY -> step == EmotionScale.Step.HIGH ? "[happy] [laughs]" : "[happy]";
      case SAD -> step == EmotionScale.Step.HIGH ? "[crying]" : "[sad]";
      case ANGRY -> step == EmotionScale.Step.LOW ? "[frustrated]" : "[angry]";
      case EXCITED -> "[excited]";
      case CALM -> step == EmotionScale.Step.LOW ? "[calmly]" : "[reassuring]";
      case FEARFUL -> step == EmotionScale.Step.HIGH ? "[panicking]" : "[nervously]";
      case WHISPER -> "[whispers]";
    };
  }

  /** A voice of the GET /v1/voices answer (docs/providers/elevenlabs.md#voices) and the language code to send with it (null if unknown). */
  public record CatalogueVoice(ProviderInfo.Voice voice, String languageCode) {
  }

  /**
   * Reads {@code {"voices":[…]}} leniently: entries without a voice_id are skipped, and so are the voices cloned for
   * voice profiles (labelled {@value ElevenLabsCloner#PROFILE_LABEL}), which belong to their profiles' owners.
   */
  public static List<CatalogueVoice> voices(JsonObject answer) {
    List<CatalogueVoice> voices = new ArrayList<>();
    JsonArray list = answer.getJsonArray("voices", new JsonArray());
    for (Object item : list) {
      if (!(item instanceof JsonObject v) || !(v.getValue("voice_id") instanceof String id) || id.isBlank()) {
        continue;
      }
      JsonObject labels = v.getValue("labels") instanceof JsonObject l ? l : new JsonObject();
      if (labels.containsKey(ElevenLabsCloner.PROFILE_LABEL)) {
        continue; // a user's cloned voice: only its profile may use it
      }
      String language = labels.getValue("language") instanceof String s ? s : null;
      if (language == null && v.getValue("verified_languages") instanceof JsonArray verified && !verified.isEmpty()
          && verified.getValue(0) instanceof JsonObject first && first.getValue("language") instanceof String s) {
        language = s;
      }
      String name = v.getValue("name") instanceof String s ? s : id;
      String gender = CloudProviderVerticle.genderCode(labels.getValue("gender") instanceof String s ? s : null);
      voices.add(new CatalogueVoice(new ProviderInfo.Voice(id, name, language == null ? "mul" : language, gender), language));
    }
    return voices;
  }
}
