package com.ervc.provider.elevenlabs;

import com.ervc.config.ElevenLabsConfig;
import com.ervc.config.ServiceConfig;
import com.ervc.metrics.ServiceMetrics;
import com.ervc.protocol.Emotion;
import com.ervc.protocol.ProviderInfo;
import com.ervc.protocol.QualityTier;
import com.ervc.protocol.TtsRequest;
import com.ervc.provider.AudioOut;
import com.ervc.provider.cloud.CloudHttp;
import com.ervc.provider.cloud.CloudProviderVerticle;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** ElevenLabs over HTTP streaming (docs/providers/elevenlabs.md). */
public final class ElevenLabsVerticle extends CloudProviderVerticle {
  public static final String NAME = "elevenlabs";
  /** "Rachel", a premade voice (docs/providers/elevenlabs.md#voices), preferred as the default when the account lists it. */
  private static final String PREFERRED_VOICE = "21m00Tcm4TlvDq8ikWAM";

  private final Map<String, String> languages = new ConcurrentHashMap<>();

  public ElevenLabsVerticle(ServiceMetrics metrics, ServiceConfig config) {
    super(metrics, config);
  }

  private ElevenLabsConfig settings() {
    return configuration().providers().elevenlabs();
  }

  @Override
  protected String name() {
    return NAME;
  }

  private String apiKey() {
    return settings().apiKey();
  }

  @Override
  protected List<String> missingSettings() {
    return apiKey() == null || apiKey().isBlank() ? List.of("ELEVENLABS_API_KEY") : List.of();
  }

  @Override
  protected List<String> secrets() {
    return List.of(apiKey());
  }

  private Map<String, String> headers() {
    return Map.of("xi-api-key", apiKey(), "Accept", "*/*");
  }

  @Override
  protected Future<ProviderInfo> describe(String nodeId) {
    CloudHttp.Call call = new CloudHttp.Call(HttpMethod.GET, settings().baseUrl() + "/v1/voices?show_legacy=false",
        headers(), null);
    return http().fetch(() -> Future.succeededFuture(call)).map(body -> {
      List<ElevenLabsRequests.CatalogueVoice> catalogue = ElevenLabsRequests.voices(new JsonObject(body));
      if (catalogue.isEmpty()) {
        throw new IllegalStateException("the account lists no voices");
      }
      List<ProviderInfo.Voice> voices = new ArrayList<>();
      catalogue.forEach(v -> {
        voices.add(v.voice());
        if (v.languageCode() != null) {
          languages.put(v.voice().id(), v.languageCode());
        }
      });
      String defaultVoice = voices.stream().anyMatch(v -> v.id().equals(PREFERRED_VOICE)) ? PREFERRED_VOICE : voices.get(0).id();
      return new ProviderInfo(NAME, nodeId, true, defaultVoice, voices, Emotion.wireNames(), QualityTier.wireNames(),
          true, false, NATIVE_RATE, "ElevenLabs " + ElevenLabsRequests.FLASH + "/" + ElevenLabsRequests.TURBO + "/"
          + ElevenLabsRequests.MULTILINGUAL + "/" + ElevenLabsRequests.V3
          + "; emotion via voice settings (v3 audio tags on the high tier); speed 0.7-1.2; cloned voices of registered "
          + "profiles");
    });
  }

  @Override
  protected Future<Void> speak(TtsRequest sentence, AudioOut out) {
    ElevenLabsRequests.Call call = ElevenLabsRequests.synthesis(sentence, languages.get(sentence.voice()));
    Map<String, String> headers = new HashMap<>(headers());
    headers.put("Content-Type", "application/json");
    CloudHttp.Call http = new CloudHttp.Call(HttpMethod.POST, settings().baseUrl() + call.pathAndQuery(), headers,
        call.body().toBuffer());
    return stream(() -> Future.succeededFuture(http), sentence, out);
  }
}
