package com.ervc.provider.openai;

import com.ervc.config.OpenAiConfig;
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

import java.util.List;
import java.util.Map;

/**
 * OpenAI text to speech (docs/providers/openai.md). The voices are the built-in ones, so start-up makes no
 * call; a bad key shows on the first synthesis (and the health probe), which then disables the provider.
 */
public final class OpenAiVerticle extends CloudProviderVerticle {
  public static final String NAME = "openai";

  public OpenAiVerticle(ServiceMetrics metrics, ServiceConfig config) {
    super(metrics, config);
  }

  private OpenAiConfig settings() {
    return configuration().providers().openai();
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
    return apiKey() == null || apiKey().isBlank() ? List.of("OPENAI_API_KEY") : List.of();
  }

  @Override
  protected List<String> secrets() {
    return List.of(apiKey());
  }

  @Override
  protected Future<ProviderInfo> describe(String nodeId) {
    return Future.succeededFuture(new ProviderInfo(NAME, nodeId, true, OpenAiRequests.DEFAULT_VOICE,
        OpenAiRequests.voices(), Emotion.wireNames(), QualityTier.wireNames(), true, false, NATIVE_RATE,
        "OpenAI " + OpenAiRequests.TTS_1 + "/" + OpenAiRequests.MINI_TTS + "/" + OpenAiRequests.TTS_1_HD
            + "; emotion as instructions (gpt-4o-mini-tts); speed 0.25-4; cloning not exposed"));
  }

  /** Input beyond the model's limit is sent as consecutive requests into the same audio stream. */
  @Override
  protected Future<Void> speak(TtsRequest sentence, AudioOut out) {
    String url = settings().baseUrl().replaceAll("/+$", "") + "/audio/speech";
    Map<String, String> headers = Map.of("Authorization", "Bearer " + apiKey(), "Content-Type", "application/json",
        "Accept", "application/octet-stream");
    Future<Void> chain = Future.succeededFuture();
    for (String piece : OpenAiRequests.split(sentence.text(), OpenAiRequests.MAX_INPUT)) {
      CloudHttp.Call call = new CloudHttp.Call(HttpMethod.POST, url, headers,
          OpenAiRequests.body(sentence, piece).toBuffer());
      chain = chain.compose(v -> stream(() -> Future.succeededFuture(call), sentence, out));
    }
    return chain;
  }
}
