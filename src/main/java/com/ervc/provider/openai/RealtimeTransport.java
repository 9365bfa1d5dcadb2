package com.ervc.provider.openai;

import com.ervc.config.CloudConfig;
import com.ervc.config.OpenAiConfig;
import com.ervc.protocol.TtsRequest;
import com.ervc.provider.AudioOut;
import com.ervc.provider.cloud.BodySink;
import com.ervc.provider.cloud.CloudError;
import com.ervc.provider.cloud.CloudRetry;
import com.ervc.provider.cloud.PcmSink;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The {@code openai} provider on the Realtime API: each sentence one response on a pooled session, under the cloud
 * providers' retry policy, with its transcript checked against the text. With {@code accept} a mismatch is logged
 * and counted while the audio streams as it arrives; with {@code retry} the audio is held until the transcript
 * matched, and a sentence that did not is spoken once more (that second reading is used whatever it says).
 */
final class RealtimeTransport {
  private static final Logger LOG = LoggerFactory.getLogger(RealtimeTransport.class);
  private static final int MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

  private final Vertx vertx;
  private final OpenAiConfig openai;
  private final CloudConfig cloud;
  private final List<String> secrets;
  private final CloudRetry retry;
  private final Runnable mismatch;
  private final WebSocketClient client;
  private final RealtimePool pool;

  RealtimeTransport(Vertx vertx, OpenAiConfig openai, CloudConfig cloud, List<String> secrets, CloudRetry retry,
                    Runnable mismatch) {
    this.vertx = vertx;
    this.openai = openai;
    this.cloud = cloud;
    this.secrets = secrets;
    this.retry = retry;
    this.mismatch = mismatch;
    this.client = vertx.createWebSocketClient(new WebSocketClientOptions()
        .setConnectTimeout((int) cloud.connectTimeoutMs())
        .setMaxMessageSize(MAX_MESSAGE_BYTES)
        .setMaxConnections(Integer.MAX_VALUE));
    this.pool = new RealtimePool(vertx, this::openSession, cloud.maxConnections());
  }

  private Future<RealtimeSession> openSession(String voice, double speed) {
    return RealtimeSession.open(vertx, client, RealtimeRequests.url(openai.realtimeUrl(), RealtimeRequests.MODEL),
        openai.apiKey(), voice, speed, cloud, secrets, RealtimeSession.MAX_AGE_MS);
  }

  /**
   * Streams one sentence to {@code out}. An attempt (the retry included) whose consumer has gone by then is not
   * started: every response is billed.
   */
  Future<Void> speak(TtsRequest sentence, AudioOut out) {
    BodySink sink = new PcmSink(out, RealtimeRequests.RATE, sentence.sampleRate());
    return retry.run(deadline -> {
      if (out.cancelled()) {
        return Future.failedFuture(CloudError.of(CloudError.Kind.CANCELLED, "the audio consumer went away"));
      }
      return openai.retryMismatch() ? verified(sentence, sink, deadline) : streamed(sentence, sink, deadline);
    }, sink).compose(v -> sink.end());
  }

  /**
   * Proves the key, the model and the voice without a billed response: a fresh session is opened and configured
   * (the server confirms with {@code session.updated}), then closed.
   */
  Future<Void> check(String voice) {
    return openSession(voice, 1.0).onSuccess(RealtimeSession::close).mapEmpty();
  }

  Future<Void> close() {
    return pool.close().eventually(client::close);
  }

  private Future<Void> streamed(TtsRequest sentence, BodySink sink, long deadline) {
    return once(sentence, sink::write, deadline).map(spoken -> {
      if (!Verbatim.matches(sentence.text(), spoken.transcript())) {
        reportMismatch(sentence, spoken, "accepted");
      }
      return null;
    });
  }

  private Future<Void> verified(TtsRequest sentence, BodySink sink, long deadline) {
    List<Buffer> first = new ArrayList<>();
    return once(sentence, collect(first), deadline).compose(spoken -> {
      if (Verbatim.matches(sentence.text(), spoken.transcript())) {
        return play(first, sink);
      }
      reportMismatch(sentence, spoken, "spoken again");
      List<Buffer> second = new ArrayList<>();
      return once(sentence, collect(second), deadline).compose(again -> {
        if (!Verbatim.matches(sentence.text(), again.transcript())) {
          reportMismatch(sentence, again, "accepted after one retry");
        }
        return play(second, sink);
      });
    });
  }

  private Future<RealtimeSession.Spoken> once(TtsRequest sentence, Function<Buffer, Future<Void>> audio,
                                              long deadline) {
    return pool.acquire(sentence.voice(), RealtimeRequests.speed(sentence), deadline)
        .compose(session -> session.speak(sentence, audio, deadline).andThen(ar -> pool.release(session)));
  }

  private static Function<Buffer, Future<Void>> collect(List<Buffer> into) {
    return pcm -> {
      into.add(pcm);
      return Future.succeededFuture();
    };
  }

  /** Held audio, chunk after chunk with back-pressure. */
  private static Future<Void> play(List<Buffer> chunks, BodySink sink) {
    Future<Void> chain = Future.succeededFuture();
    for (Buffer chunk : chunks) {
      chain = chain.compose(v -> sink.write(chunk));
    }
    return chain;
  }

  /** The texts stay out of the log: they are the user's words. */
  private void reportMismatch(TtsRequest sentence, RealtimeSession.Spoken spoken, String outcome) {
    mismatch.run();
    LOG.warn("openai realtime: the transcript differs from the text sent ({} characters sent, {} transcribed, "
        + "{} output item(s)); {}", sentence.text().length(), spoken.transcript().length(), spoken.items(), outcome);
  }
}
