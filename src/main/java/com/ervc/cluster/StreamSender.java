package com.ervc.cluster;

import com.ervc.protocol.Addresses;
import com.ervc.protocol.BusProtocol;
import com.ervc.protocol.StreamMessage;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.EventBus;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Sends one stream's messages to a receiver address with a bounded window: every message is a request that the
 * receiver acknowledges once it has handed the data on, and at most {@code window} may be unacknowledged.
 * A slow consumer therefore slows the producer down instead of growing memory. The first failed acknowledgement
 * (consumer gone, stream cancelled, stall timeout) breaks the stream for good.
 * Used for pipeline → gateway sink and provider → pipeline receiver streams (docs/event-bus.md).
 * Not thread-safe: used from one verticle's event loop.
 */
public final class StreamSender implements StreamOutput {
  private final EventBus bus;
  private final String sink;
  private final String stream;
  private final int window;
  private final long stallTimeoutMs;
  private final Deque<Promise<Void>> waiting = new ArrayDeque<>();
  private int outstanding;
  private long seq;
  private Throwable broken;

  public StreamSender(EventBus bus, String sink, String stream, int window, long stallTimeoutMs) {
    this.bus = bus;
    this.sink = sink;
    this.stream = stream;
    this.window = window;
    this.stallTimeoutMs = stallTimeoutMs;
  }

  @Override
  public boolean isBroken() {
    return broken != null;
  }

  /** Sends a message; the future completes when the window has room for the next one. */
  @Override
  public Future<Void> send(StreamMessage message) {
    if (broken != null) {
      return Future.failedFuture(broken);
    }
    boolean end = message.last();
    DeliveryOptions options = BusProtocol.stamp(new DeliveryOptions().setSendTimeout(stallTimeoutMs)
        .addHeader(Addresses.H_STREAM, stream)
        .addHeader(Addresses.H_SEQ, Long.toString(seq++)), message);
    if (end) {
      options.addHeader(Addresses.H_END, "true");
    }
    outstanding++;
    Promise<Void> acked = Promise.promise();
    bus.request(sink, message.body(), options).onComplete(ar -> {
      outstanding--;
      if (ar.failed() && broken == null) {
        broken = ar.cause();
      }
      acked.complete();
      releaseWaiting();
    });
    if (end) {
      // The last message: report whether the client really got it.
      return acked.future().compose(v -> broken == null ? Future.succeededFuture() : Future.failedFuture(broken));
    }
    if (outstanding < window) {
      return Future.succeededFuture();
    }
    Promise<Void> room = Promise.promise();
    waiting.add(room);
    return room.future();
  }

  /** Breaks the stream from this side: waiting and later sends fail with {@code why}. */
  public void abort(Throwable why) {
    if (broken == null) {
      broken = why;
    }
    releaseWaiting();
  }

  private void releaseWaiting() {
    while (!waiting.isEmpty() && (broken != null || outstanding < window)) {
      Promise<Void> next = waiting.poll();
      if (broken != null) {
        next.fail(broken);
      } else {
        next.complete();
      }
    }
  }
}
