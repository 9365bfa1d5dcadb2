package com.ervc.provider.openai;

import com.ervc.protocol.Emotion;
import com.ervc.protocol.RemoteVoice;
import com.ervc.protocol.ProviderInfo;
import com.ervc.protocol.TtsRequest;
import com.ervc.provider.cloud.EmotionScale;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Maps a sentence onto OpenAI's {@code POST /v1/audio/speech} (docs/providers/openai.md). */
public final class OpenAiRequests {
  public static final String TTS_1 = "tts-1";
  public static final String TTS_1_HD = "tts-1-hd";
  public static final String MINI_TTS = "gpt-4o-mini-tts";
  /** docs/providers/openai.md: input is at most 4,096 characters. */
  public static final int MAX_INPUT = 4096;
  /** docs/providers/openai.md: the 13 built-in voices. */
  public static final List<String> VOICES = List.of("alloy", "ash", "ballad", "coral", "echo", "fable", "onyx", "nova",
      "sage", "shimmer", "verse", "marin", "cedar");
  /** docs/providers/openai.md: the subset tts-1 and tts-1-hd support. */
  static final Set<String> LEGACY_VOICES = Set.of("alloy", "ash", "coral", "echo", "fable", "onyx", "nova", "sage", "shimmer");
  public static final String DEFAULT_VOICE = "coral";

  private OpenAiRequests() {
  }

  /**
   * docs/providers/openai.md: the legacy models are used only where they can do the job: neutral speech in one of their voices
   * (tts-1 on the fast tier, tts-1-hd on the high tier); emotion and a client's instructions need gpt-4o-mini-tts,
   * the only model taking {@code instructions}.
   */
  public static String model(TtsRequest sentence) {
    boolean legacyOk = sentence.emotion() == Emotion.NEUTRAL && sentence.instructions() == null
        && LEGACY_VOICES.contains(sentence.voice());
    return switch (sentence.quality()) {
      case FAST -> legacyOk ? TTS_1 : MINI_TTS;
      case BALANCED -> MINI_TTS;
      case HIGH -> legacyOk ? TTS_1_HD : MINI_TTS;
    };
  }

  /** A built-in voice by name; a profile's custom voice as {@code {"id": "voice_…"}} (docs/providers/openai.md#custom-voices). */
  static Object voice(String voice) {
    return RemoteVoice.is(voice) ? new JsonObject().put("id", RemoteVoice.id(voice)) : voice;
  }

  /** The JSON body for one piece of input (at most {@link #MAX_INPUT} characters). */
  public static JsonObject body(TtsRequest sentence, String input) {
    String model = model(sentence);
    JsonObject body = new JsonObject()
        .put("model", model)
        .put("input", input)
        .put("voice", voice(sentence.voice()))
        .put("response_format", "pcm")
        .put("speed", EmotionScale.speed(sentence, 0.25, 4.0));
    String instructions = direction(sentence);
    if (MINI_TTS.equals(model) && instructions != null) {
      body.put("instructions", instructions);
    }
    return body;
  }

  /**
   * What the model is told about delivery: the client's own instructions verbatim where the request has them (they
   * already say whatever emotion was read from them, and more), else the emotion's affect sentence; null for neither.
   */
  static String direction(TtsRequest sentence) {
    return sentence.instructions() != null ? sentence.instructions() : instructions(sentence);
  }

  /** docs/providers/openai.md: "Voice affect: {adverb} {core phrase}. Keep pronunciation clear."; none for neutral. */
  static String instructions(TtsRequest sentence) {
    String core = switch (sentence.emotion()) {
      case NEUTRAL -> null;
      case HAPPY -> "cheerful, warm, upbeat";
      case SAD -> "sad, subdued, slower, with a heavy heart";
      case ANGRY -> "angry, tense, clipped and forceful";
      case EXCITED -> "excited, energetic, fast-paced and enthusiastic";
      case CALM -> "calm, soothing, relaxed, steady pace";
      case FEARFUL -> "frightened, nervous, shaky and breathless";
      case WHISPER -> "whisper softly and quietly, as if not to be overheard";
    };
    if (core == null) {
      return null;
    }
    String adverb = switch (EmotionScale.step(sentence.intensity())) {
      case LOW -> "subtly";
      case MID -> "noticeably";
      case HIGH -> "intensely";
    };
    return "Voice affect: " + adverb + " " + core + ". Keep pronunciation clear.";
  }

  /** Splits text into pieces of at most {@code max} characters, at whitespace where possible. */
  public static List<String> split(String text, int max) {
    List<String> pieces = new ArrayList<>();
    int start = 0;
    while (text.length() - start > max) {
      int end = text.lastIndexOf(' ', start + max);
      if (end <= start) {
        end = start + max;
        if (Character.isHighSurrogate(text.charAt(end - 1))) {
          end--;
        }
      }
      pieces.add(text.substring(start, end));
      start = end;
      while (start < text.length() && text.charAt(start) == ' ') {
        start++;
      }
    }
    if (start < text.length()) {
      pieces.add(text.substring(start));
    }
    return pieces;
  }

  public static List<ProviderInfo.Voice> voices() {
    return VOICES.stream().map(v -> new ProviderInfo.Voice(v, v, "mul", null)).toList();
  }

}
