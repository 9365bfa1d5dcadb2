package com.ervc.gateway;

import com.ervc.protocol.Addresses;
import com.ervc.protocol.BusProtocol;
import com.ervc.protocol.ErrorCode;
import com.ervc.protocol.StreamMessage;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ConcurrentHashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * This gateway node's single stream sink ({@code tts.sink.<nodeId>}): routes pipeline messages to the listener
 * of their stream. Messages for an unknown (finished, cancelled) stream are refused with 410, which tells the
 * pipeline to stop. Streams that stay silent too long are ended with an error, so a dead pipeline node never
 * leaves a client waiting forever.
 */
final class SinkRouter {
  private static final Logger LOG = LoggerFactory.getLogger(SinkRouter.class);
  static final int GONE = 410;

  private record Route(StreamListener listener, long[] lastSeenNanos, long[] expectedSeq) {
  }

  private final Vertx vertx;
  private final String address;
  private final long stallTimeoutMs;
  /** Concurrent only because drain status requests read its size from other threads. */
  private final Map<String, Route> routes = new ConcurrentHashMap<>();

  SinkRouter(Vertx vertx, String nodeId, long stallTimeoutMs) {
    this.vertx = vertx;
    this.address = Addresses.sink(nodeId);
    this.stallTimeoutMs = stallTimeoutMs;
  }

  String address() {
    return address;
  }

  Future<Void> start() {
    vertx.setPeriodic(Math.min(1000, stallTimeoutMs), id -> expireStalled());
    return vertx.eventBus().<Object>consumer(address, this::route).completion();
  }

  int activeStreams() {
    return routes.size();
  }

  void register(String stream, StreamListener listener) {
    routes.put(stream, new Route(listener, new long[] {System.nanoTime()}, new long[] {0}));
  }

  /** Forgets a stream: its next message is refused, which stops the pipeline. */
  boolean unregister(String stream) {
    return routes.remove(stream) != null;
  }

  private void route(Message<Object> msg) {
    String stream = msg.headers().get(Addresses.H_STREAM);
    Route route = stream == null ? null : routes.get(stream);
    if (route == null) {
      msg.fail(GONE, "stream is closed");
      return;
    }
    route.lastSeenNanos[0] = System.nanoTime();
    if (!BusProtocol.accepts(msg)) {
      // Refused with 426: the pipeline stops, and the client learns at once instead of at the stall timeout.
      routes.remove(stream);
      route.listener.onError(ErrorCode.INTERNAL, "the server could not deliver this stream");
      return;
    }
    long seq = parseSeq(msg.headers().get(Addresses.H_SEQ));
    if (seq != route.expectedSeq[0]++) {
      // Event-bus order is guaranteed per sender; a gap means messages were lost, so the audio would be wrong.
      routes.remove(stream);
      msg.fail(GONE, "stream message out of order");
      route.listener.onError(ErrorCode.INTERNAL, "stream messages arrived out of order");
      return;
    }
    try {
      dispatch(stream, route.listener, msg);
    } catch (RuntimeException e) {
      LOG.error("stream {}: delivering a '{}' message failed", stream, msg.headers().get(BusProtocol.H_TYPE), e);
      routes.remove(stream);
      msg.fail(GONE, "stream delivery failed");
      route.listener.onError(ErrorCode.INTERNAL, "the server could not deliver this stream");
    }
  }

  private void dispatch(String stream, StreamListener listener, Message<Object> msg) {
    String type = String.valueOf(msg.headers().get(BusProtocol.H_TYPE));
    switch (type) {
      case StreamMessage.Start.TYPE -> {
        listener.onStart(StreamMessage.Start.from(msg.body()));
        msg.reply(null);
      }
      case StreamMessage.Sentence.TYPE -> {
        StreamMessage.Sentence sentence = StreamMessage.Sentence.from(msg.body());
        listener.onSentence(sentence.index(), sentence.text());
        msg.reply(null);
      }
      case StreamMessage.Audio.TYPE -> listener.onAudio((Buffer) msg.body()).onComplete(ar -> {
        if (ar.succeeded()) {
          msg.reply(null);
        } else {
          routes.remove(stream);
          msg.fail(GONE, "client is gone");
        }
      });
      case StreamMessage.Summary.TYPE -> {
        StreamMessage.Summary summary = StreamMessage.Summary.from(msg.body());
        routes.remove(stream);
        listener.onEnd(summary);
        msg.reply(null);
      }
      case StreamMessage.Failure.TYPE -> {
        StreamMessage.Failure failure = StreamMessage.Failure.from(msg.body());
        routes.remove(stream);
        listener.onError(failure.code(), failure.message());
        msg.reply(null);
      }
      default -> throw new IllegalArgumentException("unknown stream message type " + type);
    }
  }

  private void expireStalled() {
    long limit = System.nanoTime() - stallTimeoutMs * 1_000_000;
    Iterator<Route> it = routes.values().iterator();
    while (it.hasNext()) {
      Route route = it.next();
      if (route.lastSeenNanos[0] < limit) {
        it.remove();
        route.listener.onError(ErrorCode.PROVIDER_UNAVAILABLE,
            "no audio for " + stallTimeoutMs + " ms; the synthesis node may have left the cluster");
      }
    }
  }

  private static long parseSeq(String seq) {
    try {
      return seq == null ? -1 : Long.parseLong(seq);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

}
