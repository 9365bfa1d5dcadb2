package com.ervc.provider.onnx;

import com.ervc.config.EspeakConfig;
import com.ervc.config.OnnxConfig;
import com.ervc.config.ServiceConfig;
import com.ervc.metrics.ServiceMetrics;
import com.ervc.protocol.Emotion;
import com.ervc.protocol.ErrorCode;
import com.ervc.protocol.ProviderInfo;
import com.ervc.protocol.QualityTier;
import com.ervc.protocol.SpeechException;
import com.ervc.protocol.TtsRequest;
import com.ervc.provider.AudioOut;
import com.ervc.provider.ProviderVerticle;
import com.ervc.provider.espeak.EspeakSynthesizer;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Local neural voices (Piper, Kokoro) on ONNX Runtime. The node loads the models once ({@link OnnxVoices}) and
 * hands them to this verticle; each model gets its own worker pool with a bounded queue. Deployed as "onnx"
 * (role providers) and, on nodes whose CUDA probe succeeded, as "onnx-gpu" (role gpu), so GPU requests reach
 * only CUDA nodes. With no models installed it still announces itself, unavailable, naming the missing voices.
 */
public final class OnnxVerticle extends ProviderVerticle {
  public static final String NAME = "onnx";
  public static final String GPU_NAME = "onnx-gpu";

  private final String name;
  private final OnnxVoices voices;
  private final JsonObject capabilities;
  private final Map<VoiceModel, WorkerExecutor> pools = new HashMap<>();
  private EspeakPhonemizer phonemizer;
  private boolean emotions;

  public OnnxVerticle(ServiceMetrics metrics, ServiceConfig config, String name, OnnxVoices voices,
                      JsonObject capabilities) {
    super(metrics, config);
    this.name = name;
    this.voices = voices;
    this.capabilities = capabilities;
  }

  @Override
  protected String name() {
    return name;
  }

  private OnnxConfig settings() {
    return configuration().providers().onnx();
  }

  private int models() {
    return Math.max(1, voices.models().size());
  }

  @Override
  protected int maxQueue() {
    return (settings().workers() + settings().maxQueue()) * models();
  }

  @Override
  protected int concurrency() {
    return settings().workers() * models();
  }

  @Override
  protected Future<ProviderInfo> probe(String nodeId) {
    EspeakConfig espeak = configuration().providers().espeak();
    emotions = configuration().tts().enableEmotions();
    phonemizer = new EspeakPhonemizer(new EspeakSynthesizer(espeak.binary(), espeak.timeoutMs(), false)::ipa);
    long maxRunMs = configuration().tts().providerTimeoutMs();
    for (VoiceModel model : voices.models()) {
      // Named by model file, so the "onnx" and "onnx-gpu" verticles of a node share one pool per model.
      pools.put(model, vertx.createSharedWorkerExecutor("onnx-" + model.file(), settings().workers(),
          maxRunMs, TimeUnit.MILLISECONDS));
    }
    return vertx.executeBlocking(() -> describe(nodeId), false);
  }

  private ProviderInfo describe(String nodeId) throws IOException {
    List<ProviderInfo.Voice> offered = new ArrayList<>();
    for (OnnxVoices.Voice v : voices.voices()) {
      offered.add(new ProviderInfo.Voice(v.id(), v.id(), v.language(), null, v.details()));
    }
    boolean available = !offered.isEmpty();
    int nativeRate = voices.models().isEmpty() ? 0 : voices.models().get(0).sampleRate();
    return new ProviderInfo(name, nodeId, available, voices.defaultVoice(), offered,
        emotions ? Emotion.wireNames() : List.of(Emotion.NEUTRAL.wire()), QualityTier.wireNames(), true, true,
        nativeRate, detail(), capabilities, voices.design());
  }

  /** What is installed, what was rejected and which documented voices are missing. */
  private String detail() {
    List<String> parts = new ArrayList<>();
    parts.add(voices.voices().isEmpty()
        ? "no neural voices in " + voices.dir() + " (TTS_CACHE_DIR); espeak-ng still serves"
        : voices.voices().size() + " voices from " + voices.models().size() + " models in " + voices.dir());
    if (!voices.missing().isEmpty()) {
      parts.add("missing: " + String.join(", ", voices.missing()) + " (run scripts/download-models.sh)");
    }
    if (!voices.rejected().isEmpty()) {
      parts.add("rejected: " + String.join("; ", voices.rejected()));
    }
    return String.join("; ", parts);
  }

  @Override
  protected Future<Void> synthesize(TtsRequest sentence, AudioOut out) {
    OnnxVoices.Voice voice = sentence.voice() == null ? null : voices.select(sentence.voice(), sentence.quality());
    if (voice == null && !voices.voices().isEmpty()) {
      // Each voice of a blend is installed, but no one Kokoro model has them all.
      return Future.failedFuture(new SpeechException(ErrorCode.INVALID_REQUEST,
          "voice '" + sentence.voice() + "' is not offered on this node: a blend's voices must be of one Kokoro model"));
    }
    if (voice == null) {
      return Future.failedFuture(new SpeechException(ErrorCode.PROVIDER_UNAVAILABLE,
          "no neural voice is installed on this node; " + detail()));
    }
    ModelLoad load = voices.load(voice.model());
    if (!load.tryAdmit()) {
      return Future.failedFuture(new SpeechException(ErrorCode.PROVIDER_UNAVAILABLE,
          "voice model " + voice.model().file().getFileName() + " is busy; try again shortly"));
    }
    long admitted = System.nanoTime();
    boolean[] ran = {false};
    return pools.get(voice.model()).executeBlocking(() -> {
      ran[0] = true;
      load.started();
      return voices.synthesize(voice, sentence, emotions, phonemizer);
    }, false).andThen(ar -> load.finished(ran[0], System.nanoTime() - admitted))
        .recover(failure -> Future.failedFuture(failure instanceof SpeechException ? failure
            : new SpeechException(ErrorCode.INTERNAL, "neural synthesis failed: " + failure.getMessage())))
        .compose(pcm -> out.write(Buffer.buffer(pcm)));
  }

  @Override
  public Future<?> stop() {
    return super.stop().eventually(() -> Future.join(pools.values().stream().map(WorkerExecutor::close).toList()));
  }
}
