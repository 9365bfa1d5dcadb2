package com.ervc.pipeline;

import com.ervc.provider.ErrorCode;
import com.ervc.provider.ProviderInfo;
import com.ervc.provider.SpeechException;
import com.ervc.provider.TtsRequest;

import java.util.List;
import java.util.Optional;

/**
 * Chooses the provider and voice for a request: the one the request names, else the configured default, else
 * (when provider switching is on) any running provider that offers the requested voice.
 */
public final class ProviderSelector {
  /** A provider and a voice it offers. */
  public record Choice(String provider, String voice) {
  }

  private final String configuredDefault;
  private final boolean switchingEnabled;

  public ProviderSelector(String configuredDefault, boolean switchingEnabled) {
    this.configuredDefault = configuredDefault;
    this.switchingEnabled = switchingEnabled;
  }

  public Choice select(TtsRequest request, List<ProviderInfo> running) {
    List<ProviderInfo> available = running.stream().filter(ProviderInfo::available).toList();
    String voice = request.voice();
    if (!TtsRequest.AUTO.equals(request.provider())) {
      ProviderInfo named = find(available, request.provider())
          .orElseThrow(() -> unavailable("provider '" + request.provider() + "' is not running", available));
      return withVoice(named, voice);
    }
    Optional<ProviderInfo> preferred = find(available, configuredDefault);
    if (preferred.isPresent() && (voice == null || preferred.get().hasVoice(voice))) {
      return withVoice(preferred.get(), voice);
    }
    if (!switchingEnabled && !TtsRequest.AUTO.equals(configuredDefault)) {
      if (preferred.isPresent()) {
        return withVoice(preferred.get(), voice);
      }
      throw unavailable("the default provider '" + configuredDefault + "' is not running and provider switching is off",
          available);
    }
    return available.stream().filter(p -> voice == null || p.hasVoice(voice)).findFirst()
        .map(p -> withVoice(p, voice))
        .orElseThrow(() -> voice == null
            ? unavailable("no provider is running", available)
            : new SpeechException(ErrorCode.INVALID_REQUEST, "no running provider offers voice '" + voice + "'"));
  }

  private static Optional<ProviderInfo> find(List<ProviderInfo> available, String name) {
    return available.stream().filter(p -> p.name().equals(name)).findFirst();
  }

  private static Choice withVoice(ProviderInfo provider, String voice) {
    if (voice == null) {
      return new Choice(provider.name(), provider.defaultVoice());
    }
    if (!provider.hasVoice(voice)) {
      throw new SpeechException(ErrorCode.INVALID_REQUEST,
          "voice '" + voice + "' is not offered by provider '" + provider.name() + "' (see GET /api/v1/voices)");
    }
    return new Choice(provider.name(), voice);
  }

  private static SpeechException unavailable(String why, List<ProviderInfo> available) {
    String running = available.stream().map(ProviderInfo::name).distinct().reduce((a, b) -> a + ", " + b).orElse("none");
    return new SpeechException(ErrorCode.PROVIDER_UNAVAILABLE, why + " (running: " + running + ")");
  }
}
