package com.ervc.config;

import io.vertx.core.json.JsonObject;

import java.util.List;

import static com.ervc.config.Setting.list;
import static com.ervc.config.Setting.string;

/**
 * The {@code openaiApi.*} keys: how the gateway's OpenAI-compatible {@code POST /v1/audio/speech} maps OpenAI's
 * model and voice names onto this cluster's providers, voices and tiers, and which ffmpeg encodes its {@code aac}
 * (docs/openai-compatible.md).
 */
public record OpenAiApiConfig(List<String> models, List<String> voices, String ffmpeg) {
  /** {@code model=provider:tier}; the tier may be left out (then {@code tts.qualityTier} applies). */
  static final String MODEL_ENTRY = "[A-Za-z0-9._\\-]{1,64}=[a-z][a-z0-9_\\-]{0,31}(:(fast|balanced|high))?";
  /** {@code openaiVoice=provider:nativeVoice}. */
  static final String VOICE_ENTRY = "[a-z0-9_\\-]{1,32}=[a-z][a-z0-9_\\-]{0,31}:[A-Za-z0-9_+\\-./:]{1,64}";

  static final Setting MODELS = list("openaiApi.models", "OPENAI_API_MODELS",
      "tts-1=auto:fast", "tts-1-hd=auto:high", "gpt-4o-mini-tts=auto:balanced", "kokoro=onnx", "piper=onnx")
      .matching(MODEL_ENTRY, "entries model=provider[:fast|balanced|high]")
      .describe("Model names of `/v1/audio/speech` besides the provider names themselves (`espeak`, `onnx`, ...), "
          + "each `model=provider[:tier]`; `auto` lets the pipeline choose the provider. A model not listed and not "
          + "a provider name gets **404** `model_not_found`.");
  static final Setting VOICES = list("openaiApi.voices", "OPENAI_API_VOICES",
      "alloy=espeak:en-us", "ash=espeak:en-gb", "ballad=espeak:en-gb-x-rp", "coral=espeak:en-us",
      "echo=espeak:en-gb-scotland", "fable=espeak:en-gb-x-rp", "onyx=espeak:en-gb-x-gbclan", "nova=espeak:en-us",
      "sage=espeak:en-029", "shimmer=espeak:en-us", "verse=espeak:en-us-nyc", "marin=espeak:en-gb",
      "cedar=espeak:en-gb-x-gbcwmd")
      .matching(VOICE_ENTRY, "entries openaiVoice=provider:voiceId")
      .describe("OpenAI voice names mapped to voices of a provider, each `name=provider:voiceId`; a name may have one "
          + "entry per provider. The model's provider picks its entry; with an `auto` model the first entry of the "
          + "name decides provider and voice. Any other voice string, and `{\"id\": ...}`, is a native voice id "
          + "(or `profile:...`) passed through unchanged.");
  static final Setting FFMPEG = string("openaiApi.ffmpeg", "OPENAI_API_FFMPEG", "ffmpeg")
      .matching("\\S.*", "a command name or path")
      .describe("The ffmpeg command that encodes `aac` (a streaming subprocess per request). When it cannot be "
          + "started `aac` gets **400** naming the fix; `mp3`, `opus`, `flac`, `wav` and `pcm` are encoded in Java "
          + "and always work.");

  static final List<Setting> SETTINGS = List.of(MODELS, VOICES, FFMPEG);

  static OpenAiApiConfig from(JsonObject config) {
    return new OpenAiApiConfig(MODELS.readList(config), VOICES.readList(config), FFMPEG.readString(config));
  }
}
