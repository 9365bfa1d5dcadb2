package com.ervc.cluster;

import com.ervc.protocol.StreamMessage;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The stream sinks of this node, for same-node delivery. When the pipeline that streams a reply runs on the node of
 * the gateway whose sink receives it, each message is handed to the sink on the sink's event loop and acknowledged
 * back on the sender's, without the event bus: no request, no reply address, no codec copy of the audio, no
 * delivery options per chunk (docs/performance.md). Everything else stays: messages arrive in order, the window of
 * unacknowledged messages is the same, an acknowledgement still means "written to the client", a refusal or a
 * stall breaks the stream as an event-bus failure would. Sinks on other nodes are reached over the event bus.
 * Thread-safe: the gateway registers from its event loop, pipelines look up from theirs.
 */
public final class LocalSinks {
  /** A stream sink on this node. */
  public interface Sink {
    /**
     * Handles message {@code seq} of {@code stream}; the future completes when the message may be acknowledged
     * and fails (with a {@link ReplyException}, as over the event bus) when the sink refuses it.
     */
    Future<Void> deliver(String stream, long seq, StreamMessage message);
  }

  private record Registration(Context context, Sink sink) {
  }

  private final Map<String, Registration> sinks = new ConcurrentHashMap<>();

  /** Registers the sink listening on {@code address}; it is called on {@code context}. */
  public void register(String address, Context context, Sink sink) {
    sinks.put(address, new Registration(context, sink));
  }

  public void unregister(String address) {
    sinks.remove(address);
  }

  /**
   * An output for {@code stream} to the sink at {@code address}, used from {@code sender} (the caller's context):
   * in-process when that sink is on this node, else over {@code bus}.
   */
  public StreamSender open(EventBus bus, Context sender, String address, String stream, int window,
                           long stallTimeoutMs) {
    Registration local = sinks.get(address);
    if (local == null) {
      return new StreamSender(bus, address, stream, window, stallTimeoutMs);
    }
    return new StreamSender(sender.owner(), stream, window, stallTimeoutMs,
        (seq, message) -> handOver(local, sender, stream, seq, message));
  }

  /** Runs the sink on its context and brings its answer back to the sender's, so the sender stays single-threaded. */
  private static Future<Void> handOver(Registration local, Context sender, String stream, long seq,
                                       StreamMessage message) {
    Promise<Void> acked = Promise.promise();
    local.context().runOnContext(v -> {
      Future<Void> answer;
      try {
        answer = local.sink().deliver(stream, seq, message);
      } catch (RuntimeException e) {
        answer = Future.failedFuture(new ReplyException(ReplyFailure.RECIPIENT_FAILURE, 500, e.toString()));
      }
      answer.onComplete(ar -> sender.runOnContext(x -> acked.handle(ar)));
    });
    return acked.future();
  }
}
