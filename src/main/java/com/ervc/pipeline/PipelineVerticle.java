package com.ervc.pipeline;

import com.ervc.cluster.Addresses;
import com.ervc.cluster.Drainable;
import com.ervc.metrics.ServiceMetrics;
import com.ervc.provider.ErrorCode;
import com.ervc.provider.ProviderDirectory;
import com.ervc.provider.SpeechException;
import com.ervc.provider.TtsRequest;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * Serves {@code tts.pipeline.synthesize}: validates the request, picks provider and voice, accepts, then streams
 * the audio to the sink the request names.
 */
public final class PipelineVerticle extends VerticleBase implements Drainable {
  private static final Logger LOG = LoggerFactory.getLogger(PipelineVerticle.class);

  private ProviderDirectory directory;
  private ProviderSelector selector;
  private SentenceSplitter splitter;
  private SentenceAudioSource audioSource;
  private JsonObject tts;
  private final ServiceMetrics metrics;
  private MessageConsumer<JsonObject> intake;
  /** Written on this verticle's event loop, read by drain status requests from other threads. */
  private volatile int running;

  public PipelineVerticle(ServiceMetrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public Future<?> start() {
    tts = config().getJsonObject("tts");
    directory = new ProviderDirectory(vertx);
    selector = new ProviderSelector(tts.getString("provider"), tts.getBoolean("enableProviderSwitching"));
    splitter = new SentenceSplitter(tts.getInteger("firstChunkMaxChars"), tts.getInteger("maxChunkChars"));
    audioSource = new SentenceAudioSource(vertx.eventBus(), config().getJsonObject("cache").getLong("timeoutMs"),
        tts.getLong("providerTimeoutMs"), metrics);
    intake = vertx.eventBus().consumer(Addresses.PIPELINE_SYNTHESIZE, this::handle);
    return intake.completion();
  }

  /** Other pipeline nodes take the new requests; the streams running here finish. */
  @Override
  public Future<Void> stopIntake() {
    return Drainable.onContext(context, () -> intake.unregister());
  }

  @Override
  public int inFlight() {
    return running;
  }

  private void handle(Message<JsonObject> msg) {
    JsonObject body = msg.body();
    String sink = body == null ? null : body.getString("sink");
    String stream = body == null ? null : body.getString("stream");
    TtsRequest parsed;
    List<String> sentences;
    try {
      if (sink == null || stream == null || body.getJsonObject("request") == null) {
        throw new SpeechException(ErrorCode.INVALID_REQUEST, "pipeline request needs 'sink', 'stream' and 'request'");
      }
      parsed = TtsRequest.fromJson(body.getJsonObject("request"));
      sentences = splitter.split(parsed.text());
      if (sentences.isEmpty()) {
        throw new SpeechException(ErrorCode.INVALID_REQUEST, "the text has nothing to speak");
      }
    } catch (SpeechException e) {
      msg.fail(e.code().status(), e.getMessage());
      return;
    } catch (RuntimeException e) {
      msg.fail(ErrorCode.INVALID_REQUEST.status(), "malformed pipeline request");
      return;
    }
    directory.list()
        .map(providers -> {
          ProviderSelector.Choice choice = selector.select(parsed, providers);
          return parsed.withProvider(choice.provider(), choice.voice());
        })
        .onFailure(failure -> {
          SpeechException error = SpeechException.from(failure);
          msg.fail(error.code().status(), error.getMessage());
        })
        .onSuccess(request -> {
          msg.reply(new JsonObject().put("provider", request.provider()).put("voice", request.voice()));
          StreamSender out = new StreamSender(vertx.eventBus(), sink, stream, tts.getInteger("streamWindow"),
              tts.getLong("streamStallTimeoutMs"));
          running++;
          new SpeechJob(request, sentences, audioSource::audio, out, tts.getInteger("chunkMillis"))
              .run()
              .onComplete(ar -> running--)
              .onFailure(failure -> LOG.debug("stream {} ended early: {}", stream, failure.getMessage()));
        });
  }
}
