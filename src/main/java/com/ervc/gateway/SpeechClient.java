package com.ervc.gateway;

import com.ervc.protocol.Addresses;
import com.ervc.protocol.BusProtocol;
import com.ervc.protocol.CachedReply;
import com.ervc.protocol.PipelineStart;
import com.ervc.protocol.SpeechException;
import com.ervc.protocol.TtsRequest;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;

import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * Plays replies to the gateway's clients (WebSocket and both HTTP speech APIs): one this node's cache holds whole is
 * written by the gateway itself ({@link CachedPlayback}), any other is a speech stream from whichever node runs the
 * pipeline.
 */
final class SpeechClient {
  private static final long ACCEPT_TIMEOUT_MS = 10_000;

  private final EventBus bus;
  private final SinkRouter sink;
  private final Function<TtsRequest, CachedReply> cachedReplies;

  /**
   * @param cachedReplies the whole reply to a request when this node holds it in its cache, else null (answered at
   *                      once), when a pipeline and the cache run on this node; null otherwise
   */
  SpeechClient(EventBus bus, SinkRouter sink, Function<TtsRequest, CachedReply> cachedReplies) {
    this.bus = bus;
    this.sink = sink;
    this.cachedReplies = cachedReplies;
  }

  /**
   * A reply to play, not started yet: a caller that ends the reply when its client leaves sets that up before
   * {@link Speaking#start}, since a cached reply may be written whole within it.
   */
  Speaking speaking() {
    return new Speaking();
  }

  /** One reply being played; {@link #stop} ends it. Used on the listener's context only. */
  final class Speaking {
    private boolean stopped;
    private CachedPlayback playback;
    private String stream;

    /**
     * Plays the reply to {@code request} into {@code listener}: from this node's cache when it holds all of it
     * (written on the caller's event loop, waiting for the client while {@code transportFull}), else from the
     * pipeline's stream. Does nothing once stopped. Call on the listener's context.
     */
    void start(TtsRequest request, StreamListener listener, BooleanSupplier transportFull) {
      if (stopped) {
        return;
      }
      CachedReply reply = cachedReplies == null ? null : cachedReplies.apply(request);
      if (reply == null) {
        stream = openStream(request, listener);
      } else {
        playback = new CachedPlayback(reply, request.quality().wire(), listener, transportFull);
        playback.start();
      }
    }

    /** No more of the reply reaches the listener; true when it had not ended (nor been stopped) before. */
    boolean stop() {
      if (stopped) {
        return false;
      }
      stopped = true;
      if (playback != null) {
        return playback.stop();
      }
      return stream == null || cancel(stream);
    }
  }

  /**
   * Starts a stream; returns its key (for {@link #cancel}). Once accepted, every outcome arrives through the
   * listener; when the pipeline refuses, the listener's onError is called with the reason.
   */
  private String openStream(TtsRequest request, StreamListener listener) {
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
  private boolean cancel(String stream) {
    return sink.unregister(stream);
  }

  int activeStreams() {
    return sink.activeStreams();
  }
}
