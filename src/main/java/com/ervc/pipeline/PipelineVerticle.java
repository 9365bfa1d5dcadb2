package com.ervc.pipeline;

import com.ervc.cluster.Addresses;
import com.ervc.metrics.ServiceMetrics;
import com.ervc.provider.ErrorCode;
import com.ervc.provider.ProviderDirectory;
import com.ervc.provider.SpeechException;
import com.ervc.provider.TtsRequest;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * Serves {@code tts.pipeline.synthesize}: validates the request, picks provider and voice, accepts, then streams
 * the audio to the sink the request names.
 */
public final class PipelineVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(PipelineVerticle.class);

  private ProviderDirectory directory;
  private ProviderSelector selector;
  private SentenceSplitter splitter;
  private SentenceAudioSource audioSource;
  private JsonObject tts;
  private final ServiceMetrics metrics;

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
    return vertx.eventBus().<JsonObject>consumer(Addresses.PIPELINE_SYNTHESIZE, this::handle).completion();
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
          new SpeechJob(request, sentences, audioSource::audio, out, tts.getInteger("chunkMillis"))
              .run()
              .onFailure(failure -> LOG.debug("stream {} ended early: {}", stream, failure.getMessage()));
        });
  }
}
