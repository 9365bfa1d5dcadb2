package com.ervc.cluster;

import com.ervc.protocol.Addresses;
import com.ervc.protocol.BusProtocol;
import com.ervc.protocol.StreamMessage;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Sends one stream's messages to a receiver address with a bounded window: every message is a request that the
 * receiver acknowledges once it has handed the data on, and at most {@code window} may be unacknowledged.
 * A slow consumer therefore slows the producer down instead of growing memory. The first failed acknowledgement
 * (consumer gone, stream cancelled, stall timeout) breaks the stream for good.
 * Used for pipeline → gateway sink and provider → pipeline receiver streams (docs/event-bus.md); a sink on the
 * sender's own node is reached without the event bus, with the same window and stall rule ({@link LocalSinks}).
 * Not thread-safe: used from one verticle's event loop.
 */
public final class StreamSender implements StreamOutput {
  /** Hands message {@code seq} over; the future is its acknowledgement (completed on the sender's context). */
  interface Delivery {
    Future<Void> deliver(long seq, StreamMessage message);
  }

  private final Delivery delivery;
  private final int window;
  private final Deque<Promise<Void>> waiting = new ArrayDeque<>();
  /** Null over the event bus, whose requests time out by themselves. */
  private final StallClock stall;
  private int outstanding;
  private long seq;
  private Promise<Void> lastAcked;
  private Throwable broken;

  /** A stream over the event bus: each message a request with a send timeout of {@code stallTimeoutMs}. */
  public StreamSender(EventBus bus, String sink, String stream, int window, long stallTimeoutMs) {
    this.window = window;
    this.stall = null;
    this.delivery = (n, message) -> {
      DeliveryOptions options = BusProtocol.stamp(new DeliveryOptions().setSendTimeout(stallTimeoutMs)
          .addHeader(Addresses.H_STREAM, stream)
          .addHeader(Addresses.H_SEQ, Long.toString(n)), message);
      if (message.last()) {
        options.addHeader(Addresses.H_END, "true");
      }
      return bus.request(sink, message.body(), options).mapEmpty();
    };
  }

  /**
   * A stream handed over by {@code delivery}, used on the current context of {@code vertx}: while the sender waits,
   * no acknowledgement for {@code stallTimeoutMs} breaks it, as the event bus's send timeout would.
   */
  StreamSender(Vertx vertx, String stream, int window, long stallTimeoutMs, Delivery delivery) {
    this.window = window;
    this.delivery = delivery;
    this.stall = new StallClock(vertx, stallTimeoutMs, () -> abort(new ReplyException(ReplyFailure.TIMEOUT,
        "stream " + stream + ": no acknowledgement for " + stallTimeoutMs + " ms")));
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
    outstanding++;
    Promise<Void> acked = Promise.promise();
    if (end) {
      lastAcked = acked;
    }
    delivery.deliver(seq++, message).onComplete(ar -> {
      outstanding--;
      if (ar.failed() && broken == null) {
        broken = ar.cause();
      }
      if (stall != null) {
        stall.progress();
      }
      acked.tryComplete();
      releaseWaiting();
    });
    if (end) {
      // The last message: report whether the client really got it.
      waitingStarted();
      return acked.future().compose(v -> broken == null ? Future.succeededFuture() : Future.failedFuture(broken));
    }
    if (outstanding < window) {
      return Future.succeededFuture();
    }
    Promise<Void> room = Promise.promise();
    waiting.add(room);
    waitingStarted();
    return room.future();
  }

  /** Breaks the stream from this side: waiting and later sends fail with {@code why}. */
  public void abort(Throwable why) {
    if (broken == null) {
      broken = why;
    }
    if (lastAcked != null) {
      lastAcked.tryComplete();
    }
    releaseWaiting();
  }

  private void waitingStarted() {
    if (stall != null) {
      stall.waiting();
    }
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
    if (stall == null) {
      return;
    }
    if (broken != null || lastAcked != null && lastAcked.future().isComplete()) {
      stall.stop();
    } else if (waiting.isEmpty() && lastAcked == null) {
      stall.idle();
    }
  }
}
