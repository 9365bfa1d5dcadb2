package com.ervc.provider.openai;

import com.ervc.config.OpenAiConfig;
import com.ervc.config.ServiceConfig;
import com.ervc.metrics.ServiceMetrics;
import com.ervc.protocol.Emotion;
import com.ervc.protocol.ProviderInfo;
import com.ervc.protocol.QualityTier;
import com.ervc.protocol.RemoteVoice;
import com.ervc.protocol.SpeechException;
import com.ervc.protocol.ErrorCode;
import com.ervc.protocol.TtsRequest;
import com.ervc.provider.AudioOut;
import com.ervc.provider.cloud.CloudError;
import com.ervc.provider.cloud.CloudHttp;
import com.ervc.provider.cloud.CloudProviderVerticle;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * OpenAI text to speech (docs/providers/openai.md) over one of two transports: the Realtime API (a pooled
 * WebSocket session per voice; OpenAI's own API after its speech models shut down) or the speech endpoint
 * {@code POST /v1/audio/speech} (OpenAI-compatible servers). The voices are built in, so on the speech endpoint
 * start-up makes no call and a bad key shows on the first synthesis; on Realtime, start-up and the health probe
 * open and configure a session, which proves the key and the model without a billed response.
 */
public final class OpenAiVerticle extends CloudProviderVerticle {
  public static final String NAME = "openai";

  private final ServiceMetrics metrics;
  private RealtimeTransport realtime;

  public OpenAiVerticle(ServiceMetrics metrics, ServiceConfig config) {
    super(metrics, config);
    this.metrics = metrics;
  }

  private OpenAiConfig settings() {
    return configuration().providers().openai();
  }

  @Override
  protected String name() {
    return NAME;
  }

  @Override
  protected List<String> missingSettings() {
    String key = settings().apiKey();
    return key == null || key.isBlank() ? List.of("OPENAI_API_KEY") : List.of();
  }

  @Override
  protected List<String> secrets() {
    return List.of(settings().apiKey());
  }

  /** Created with the first description, once the HTTP client (and with it the retry policy) exists. */
  private RealtimeTransport realtime() {
    if (realtime == null) {
      Counter mismatches = metrics.providerMismatches(NAME);
      realtime = new RealtimeTransport(vertx, settings(), configuration().providers().cloud(), secrets(),
          http().retry(), mismatches::increment);
    }
    return realtime;
  }

  @Override
  protected Future<ProviderInfo> describe(String nodeId) {
    if (settings().transport() == OpenAiConfig.Api.SPEECH) {
      return Future.succeededFuture(new ProviderInfo(NAME, nodeId, true, OpenAiRequests.DEFAULT_VOICE,
          OpenAiRequests.voices(), Emotion.wireNames(), QualityTier.wireNames(), true, false, NATIVE_RATE,
          "OpenAI speech endpoint " + OpenAiRequests.TTS_1 + "/" + OpenAiRequests.MINI_TTS + "/"
              + OpenAiRequests.TTS_1_HD + "; emotion as instructions (gpt-4o-mini-tts); speed 0.25-4; custom voices of registered profiles"));
    }
    return realtime().check(OpenAiRequests.DEFAULT_VOICE).map(v -> new ProviderInfo(NAME, nodeId, true,
        OpenAiRequests.DEFAULT_VOICE, RealtimeRequests.voices(), Emotion.wireNames(), QualityTier.wireNames(), true,
        false, NATIVE_RATE, "OpenAI Realtime API " + RealtimeRequests.MODEL
            + "; emotion as instructions; speed 0.25-1.5; transcript checked against the text; custom voices only on the speech transport"));
  }

  /** On Realtime a probe opens and configures a session for its voice instead of a billed response. */
  @Override
  protected Function<TtsRequest, Future<Void>> probeCheck() {
    if (settings().transport() == OpenAiConfig.Api.SPEECH) {
      return null;
    }
    return probe -> realtime().check(probe.voice()).recover(failure -> Future.failedFuture(
        failure instanceof CloudError error ? error.toSpeech(NAME) : failure));
  }

  @Override
  protected Future<Void> speak(TtsRequest sentence, AudioOut out) {
    if (settings().transport() == OpenAiConfig.Api.REALTIME) {
      if (RemoteVoice.is(sentence.voice())) {
        // Custom voices are documented for the speech endpoint only (docs/providers/openai.md#custom-voices).
        return Future.failedFuture(new SpeechException(ErrorCode.INVALID_REQUEST, "OpenAI custom voices are spoken "
            + "through the speech endpoint; this node uses the Realtime API (set providers.openai.api to speech)"));
      }
      return realtime().speak(sentence, out);
    }
    return speech(sentence, out);
  }

  /** Input beyond the model's limit is sent as consecutive requests into the same audio stream. */
  private Future<Void> speech(TtsRequest sentence, AudioOut out) {
    String url = settings().baseUrl() + "/audio/speech";
    Map<String, String> headers = Map.of("Authorization", "Bearer " + settings().apiKey(), "Content-Type",
        "application/json", "Accept", "application/octet-stream");
    Future<Void> chain = Future.succeededFuture();
    for (String piece : OpenAiRequests.split(sentence.text(), OpenAiRequests.MAX_INPUT)) {
      CloudHttp.Call call = new CloudHttp.Call(HttpMethod.POST, url, headers,
          OpenAiRequests.body(sentence, piece).toBuffer());
      chain = chain.compose(v -> stream(() -> Future.succeededFuture(call), sentence, out));
    }
    return chain;
  }

  @Override
  public Future<?> stop() {
    return super.stop().eventually(() -> realtime == null ? Future.succeededFuture() : realtime.close());
  }
}
