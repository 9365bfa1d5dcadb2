package com.ervc.gateway;

import com.ervc.config.OpenAiApiConfig;
import com.ervc.protocol.QualityTier;
import com.ervc.protocol.TtsRequest;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * OpenAI's model and voice names on this cluster (docs/openai-compatible.md#models-and-voices): a model is a
 * configured alias ({@code openaiApi.models}) or a provider name, and stands for a provider (or {@code auto}) and
 * a quality tier; an OpenAI voice name is looked up in {@code openaiApi.voices} for that provider; any other voice
 * is the provider's own id (or a {@code profile:} id) and passes through unchanged.
 */
final class SpeechModels {
  /** OpenAI's documented voice names; one of them without a mapping for the provider is an error, not a native id. */
  static final List<String> OPENAI_VOICES = List.of("alloy", "ash", "ballad", "coral", "echo", "fable", "onyx",
      "nova", "sage", "shimmer", "verse", "marin", "cedar");

  /** What a model name stands for; {@code quality} null means the server's default tier. */
  record Model(String id, String provider, QualityTier quality) {
  }

  /** One configured OpenAI voice name on one provider. */
  record VoiceAlias(String name, String provider, String voice) {
  }

  /** The provider (or auto), voice (null: the provider's default) and tier (null: default) to synthesize with. */
  record Choice(String provider, String voice, QualityTier quality) {
  }

  private final Map<String, Model> aliases = new LinkedHashMap<>();
  private final List<String> providers;
  private final List<VoiceAlias> voices = new ArrayList<>();

  SpeechModels(OpenAiApiConfig config, Collection<String> providerNames) {
    this.providers = List.copyOf(providerNames);
    for (String entry : config.models()) {
      String name = entry.substring(0, entry.indexOf('='));
      String[] target = entry.substring(name.length() + 1).split(":", 2);
      aliases.put(name, new Model(name, target[0], target.length > 1 ? QualityTier.parse(target[1]) : null));
    }
    for (String entry : config.voices()) {
      String name = entry.substring(0, entry.indexOf('='));
      String[] target = entry.substring(name.length() + 1).split(":", 2);
      voices.add(new VoiceAlias(name, target[0], target[1]));
    }
  }

  /** Every model name a client may use: the aliases, then the provider names. */
  List<Model> models() {
    List<Model> all = new ArrayList<>(aliases.values());
    providers.stream().filter(p -> !aliases.containsKey(p)).forEach(p -> all.add(new Model(p, p, null)));
    return all;
  }

  List<VoiceAlias> voiceAliases() {
    return List.copyOf(voices);
  }

  /** @throws OpenAiError 404 for an unknown model */
  Model model(String name) {
    Model alias = aliases.get(name);
    if (alias != null) {
      return alias;
    }
    if (providers.contains(name)) {
      return new Model(name, name, null);
    }
    throw new OpenAiError(404, "The model '" + name + "' does not exist; GET /v1/models lists the models", "model",
        "model_not_found");
  }

  /**
   * Resolves a request's model and voice.
   *
   * @param voiceName the {@code voice} string (an OpenAI name or a native id), or null
   * @param voiceId   the {@code voice.id} of the object form, passed through unchanged, or null
   * @throws OpenAiError 404 for an unknown model, 400 for an OpenAI voice name without a mapping for the model
   */
  Choice resolve(String modelName, String voiceName, String voiceId) {
    Model model = model(modelName);
    if (voiceId != null || voiceName == null) {
      return new Choice(model.provider(), voiceId, model.quality());
    }
    List<VoiceAlias> named = voices.stream().filter(v -> v.name().equals(voiceName)).toList();
    if (named.isEmpty()) {
      if (OPENAI_VOICES.contains(voiceName)) {
        throw OpenAiError.invalid("voice", "voice_not_found", "the voice '" + voiceName
            + "' has no mapping on this server (openaiApi.voices); use a provider's voice id instead");
      }
      return new Choice(model.provider(), voiceName, model.quality());
    }
    if (TtsRequest.AUTO.equals(model.provider())) {
      VoiceAlias first = named.get(0);
      return new Choice(first.provider(), first.voice(), model.quality());
    }
    return named.stream().filter(v -> v.provider().equals(model.provider())).findFirst()
        .map(v -> new Choice(model.provider(), v.voice(), model.quality()))
        .orElseThrow(() -> OpenAiError.invalid("voice", "voice_not_found", "the voice '" + voiceName
            + "' has no mapping for provider '" + model.provider() + "' (openaiApi.voices)"));
  }
}
