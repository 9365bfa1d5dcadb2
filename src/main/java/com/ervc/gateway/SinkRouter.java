package com.ervc.gateway;

import com.ervc.cluster.LocalSinks;
import com.ervc.protocol.Addresses;
import com.ervc.protocol.BusProtocol;
import com.ervc.protocol.ErrorCode;
import com.ervc.protocol.StreamMessage;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
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

  /** Listens on the event bus, and for pipelines of this node in {@code localSinks}; call on the gateway's context. */
  Future<Void> start(LocalSinks localSinks) {
    vertx.setPeriodic(Math.min(1000, stallTimeoutMs), id -> expireStalled());
    localSinks.register(address, vertx.getOrCreateContext(), this::deliver);
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

  /** A message from a pipeline on another node: checked, decoded, delivered, then acknowledged or refused. */
  private void route(Message<Object> msg) {
    String stream = msg.headers().get(Addresses.H_STREAM);
    Route route = stream == null ? null : routes.get(stream);
    if (route == null) {
      msg.fail(GONE, "stream is closed");
      return;
    }
    if (!BusProtocol.accepts(msg)) {
      // Refused with 426: the pipeline stops, and the client learns at once instead of at the stall timeout.
      routes.remove(stream);
      route.listener.onError(ErrorCode.INTERNAL, "the server could not deliver this stream");
      return;
    }
    String type = String.valueOf(msg.headers().get(BusProtocol.H_TYPE));
    StreamMessage message;
    try {
      message = decode(type, msg.body());
    } catch (RuntimeException e) {
      LOG.error("stream {}: an unreadable '{}' message", stream, type, e);
      routes.remove(stream);
      msg.fail(GONE, "stream delivery failed");
      route.listener.onError(ErrorCode.INTERNAL, "the server could not deliver this stream");
      return;
    }
    deliver(stream, parseSeq(msg.headers().get(Addresses.H_SEQ)), message).onComplete(ar -> {
      if (ar.succeeded()) {
        msg.reply(null);
      } else {
        msg.fail(GONE, ar.cause().getMessage());
      }
    });
  }

  private static StreamMessage decode(String type, Object body) {
    return switch (type) {
      case StreamMessage.Start.TYPE -> StreamMessage.Start.from(body);
      case StreamMessage.Sentence.TYPE -> StreamMessage.Sentence.from(body);
      case StreamMessage.Audio.TYPE -> new StreamMessage.Audio((Buffer) body);
      case StreamMessage.Summary.TYPE -> StreamMessage.Summary.from(body);
      case StreamMessage.Failure.TYPE -> StreamMessage.Failure.from(body);
      default -> throw new IllegalArgumentException("unknown stream message type " + type);
    };
  }

  /**
   * Hands message {@code seq} of {@code stream} to its listener, from the event bus or from a pipeline on this node
   * ({@link LocalSinks}). The future completes when it may be acknowledged (audio: once written to the client) and
   * fails with 410 when the stream is closed, out of order or its client gone, which stops the pipeline.
   */
  Future<Void> deliver(String stream, long seq, StreamMessage message) {
    Route route = routes.get(stream);
    if (route == null) {
      return gone("stream is closed");
    }
    route.lastSeenNanos[0] = System.nanoTime();
    if (seq != route.expectedSeq[0]++) {
      // Order is guaranteed per sender; a gap means messages were lost, so the audio would be wrong.
      routes.remove(stream);
      route.listener.onError(ErrorCode.INTERNAL, "stream messages arrived out of order");
      return gone("stream message out of order");
    }
    try {
      return dispatch(stream, route.listener, message);
    } catch (RuntimeException e) {
      LOG.error("stream {}: delivering a '{}' message failed", stream, message.type(), e);
      routes.remove(stream);
      route.listener.onError(ErrorCode.INTERNAL, "the server could not deliver this stream");
      return gone("stream delivery failed");
    }
  }

  private Future<Void> dispatch(String stream, StreamListener listener, StreamMessage message) {
    if (message instanceof StreamMessage.Audio audio) {
      return listener.onAudio(audio.pcm()).recover(failure -> {
        routes.remove(stream);
        return gone("client is gone");
      });
    }
    if (message instanceof StreamMessage.Start start) {
      listener.onStart(start);
    } else if (message instanceof StreamMessage.Sentence sentence) {
      listener.onSentence(sentence.index(), sentence.text());
    } else if (message instanceof StreamMessage.Summary summary) {
      routes.remove(stream);
      listener.onEnd(summary);
    } else if (message instanceof StreamMessage.Failure failure) {
      routes.remove(stream);
      listener.onError(failure.code(), failure.message());
    } else {
      throw new IllegalArgumentException("a '" + message.type() + "' message is not sent to a sink");
    }
    return Future.succeededFuture();
  }

  private static Future<Void> gone(String why) {
    return Future.failedFuture(new ReplyException(ReplyFailure.RECIPIENT_FAILURE, GONE, why));
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
