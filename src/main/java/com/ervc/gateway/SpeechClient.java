package com.ervc.gateway;

import com.ervc.protocol.Addresses;
import com.ervc.protocol.BusProtocol;
import com.ervc.protocol.CachedReply;
import com.ervc.protocol.PipelineStart;
import com.ervc.protocol.SpeechException;
import com.ervc.protocol.TtsRequest;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;

import java.util.UUID;
import java.util.function.Function;

/**
 * Starts and cancels speech streams on whichever node runs the pipeline, and finds the replies this node's cache
 * holds whole, which the gateway writes to its client itself.
 */
final class SpeechClient {
  private static final long ACCEPT_TIMEOUT_MS = 10_000;

  private final EventBus bus;
  private final SinkRouter sink;
  private final Function<TtsRequest, Future<CachedReply>> cachedReplies;

  /**
   * @param cachedReplies the whole cached reply to a request, or null (also on failure), when a pipeline and the
   *                      cache run on this node; null otherwise
   */
  SpeechClient(EventBus bus, SinkRouter sink, Function<TtsRequest, Future<CachedReply>> cachedReplies) {
    this.bus = bus;
    this.sink = sink;
    this.cachedReplies = cachedReplies;
  }

  /**
   * The whole reply to {@code request} when this node's cache holds it, else null; never fails, and completes on
   * the caller's context (a Redis cache answers on its own).
   */
  Future<CachedReply> cached(TtsRequest request) {
    if (cachedReplies == null) {
      return Future.succeededFuture();
    }
    Context caller = Vertx.currentContext();
    Future<CachedReply> found = cachedReplies.apply(request).otherwise((CachedReply) null);
    if (found.isComplete() || caller == null) {
      return found;
    }
    Promise<CachedReply> here = Promise.promise();
    found.onComplete(ar -> caller.runOnContext(v -> here.handle(ar)));
    return here.future();
  }

  /**
   * Starts a stream; returns its key (for {@link #cancel}). Once accepted, every outcome arrives through the
   * listener; when the pipeline refuses, the listener's onError is called with the reason.
   */
  String start(TtsRequest request, StreamListener listener) {
    String stream = UUID.randomUUID().toString();
    sink.register(stream, listener);
    PipelineStart start = new PipelineStart(stream, sink.address(), request);
    bus.request(Addresses.PIPELINE_SYNTHESIZE, start.body(),
            BusProtocol.stamp(new DeliveryOptions().setSendTimeout(ACCEPT_TIMEOUT_MS), start))
        .onFailure(failure -> {
          if (sink.unregister(stream)) {
            SpeechException error = SpeechException.from(failure);
            listener.onError(error.code(), error.getMessage());
          }
        });
    return stream;
  }

  /** Stops a stream at once: no more of its messages reach the listener, and the pipeline stops. */
  boolean cancel(String stream) {
    return sink.unregister(stream);
  }

  int activeStreams() {
    return sink.activeStreams();
  }
}
