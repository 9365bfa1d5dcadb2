package com.ervc.gateway;

import com.ervc.protocol.Addresses;
import com.ervc.protocol.BusProtocol;
import com.ervc.protocol.PipelineStart;
import com.ervc.protocol.SpeechException;
import com.ervc.protocol.TtsRequest;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;

import java.util.UUID;

/** Starts and cancels speech streams on whichever node runs the pipeline. */
final class SpeechClient {
  private static final long ACCEPT_TIMEOUT_MS = 10_000;

  private final EventBus bus;
  private final SinkRouter sink;

  SpeechClient(EventBus bus, SinkRouter sink) {
    this.bus = bus;
    this.sink = sink;
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
