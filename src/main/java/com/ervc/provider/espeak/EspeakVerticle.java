package com.ervc.provider.espeak;

import com.ervc.config.EspeakConfig;
import com.ervc.config.ServiceConfig;
import com.ervc.metrics.ServiceMetrics;
import com.ervc.protocol.Emotion;
import com.ervc.protocol.ErrorCode;
import com.ervc.protocol.ProviderInfo;
import com.ervc.protocol.QualityTier;
import com.ervc.protocol.SpeechException;
import com.ervc.protocol.TtsRequest;
import com.ervc.protocol.VoiceDesign;
import com.ervc.provider.AudioOut;
import com.ervc.provider.ProviderVerticle;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;

import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/** The always-available local voice: espeak-ng run in a dedicated worker pool. */
public final class EspeakVerticle extends ProviderVerticle {
  public static final String NAME = "espeak";
  private static final String DEFAULT_VOICE = "en-us";
  private static final int NATIVE_RATE = 22050;

  private EspeakSynthesizer synthesizer;
  private WorkerExecutor workers;

  public EspeakVerticle(ServiceMetrics metrics, ServiceConfig config) {
    super(metrics, config);
  }

  @Override
  protected String name() {
    return NAME;
  }

  private EspeakConfig settings() {
    return configuration().providers().espeak();
  }

  @Override
  protected int maxQueue() {
    return settings().maxQueue();
  }

  @Override
  protected int concurrency() {
    return settings().workers();
  }

  @Override
  protected Future<ProviderInfo> probe(String nodeId) {
    EspeakConfig cfg = settings();
    boolean emotions = configuration().tts().enableEmotions();
    synthesizer = new EspeakSynthesizer(cfg.binary(), cfg.timeoutMs(), emotions, cfg.warmProcesses());
    workers = vertx.createSharedWorkerExecutor("espeak-" + deploymentID(), cfg.workers(),
        cfg.timeoutMs() * 2L, TimeUnit.MILLISECONDS);
    return workers.executeBlocking(() -> {
      String version = synthesizer.version();
      List<ProviderInfo.Voice> voices = synthesizer.voices();
      VoiceDesign design = new VoiceDesign(VoiceDesign.Kind.VARIANT, synthesizer.variants());
      String defaultVoice = voices.stream().anyMatch(v -> v.id().equals(DEFAULT_VOICE))
          ? DEFAULT_VOICE : voices.get(0).id();
      return new ProviderInfo(NAME, nodeId, true, defaultVoice, voices,
          emotions ? Emotion.wireNames() : List.of(Emotion.NEUTRAL.wire()), QualityTier.wireNames(), true, true,
          NATIVE_RATE, version, null, design);
    }, false);
  }

  /**
   * Streams: each piece espeak-ng writes goes out as soon as it is read, and the worker waits for the write to be
   * taken (back-pressure reaches espeak-ng through its output pipe). A failed write (the reply was cancelled, its
   * pipeline died) ends the run and kills the process.
   */
  @Override
  protected Future<Void> synthesize(TtsRequest sentence, AudioOut out) {
    return workers.executeBlocking(() -> {
      if (out.cancelled()) {
        // Cancelled while it waited for a worker: do not run espeak-ng for nobody.
        throw new SpeechException(ErrorCode.PROVIDER_UNAVAILABLE, "cancelled before it started");
      }
      synthesizer.synthesize(sentence, pcm -> awaitWritten(out.write(Buffer.buffer(pcm))));
      return null;
    }, false);
  }

  /** Blocks this worker until the consumer took the audio; rethrows its failure as it is. */
  private static void awaitWritten(Future<Void> written) {
    try {
      written.toCompletionStage().toCompletableFuture().join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException failure ? failure : e;
    }
  }

  @Override
  public Future<?> stop() {
    return super.stop().eventually(() -> {
      if (synthesizer != null) {
        synthesizer.close();
      }
      return workers == null ? Future.succeededFuture() : workers.close();
    });
  }
}
