package com.ervc.cluster;

import com.ervc.protocol.StreamMessage;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Same-node stream delivery keeps the event-bus stream's order, window, refusals and stall rule. */
class LocalSinksTest {
  private static final String SINK = "tts.sink.node-1";
  private Vertx vertx;
  private Context sinkContext;
  private Context senderContext;
  private final LocalSinks sinks = new LocalSinks();
  /** What the sink received, in order: "seq:type:thread". */
  private final ConcurrentLinkedQueue<String> received = new ConcurrentLinkedQueue<>();
  /** Acknowledgements the test releases by hand, in order of delivery. */
  private final ConcurrentLinkedQueue<Promise<Void>> pendingAcks = new ConcurrentLinkedQueue<>();

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    sinkContext = vertx.getOrCreateContext();
    senderContext = ((io.vertx.core.internal.VertxInternal) vertx).createEventLoopContext();
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  private void registerSink(boolean holdAudio) {
    sinks.register(SINK, sinkContext, (stream, seq, message) -> {
      assertTrue(Context.isOnEventLoopThread());
      received.add(seq + ":" + message.type() + ":" + (Vertx.currentContext() == sinkContext));
      if (message instanceof StreamMessage.Audio && holdAudio) {
        Promise<Void> ack = Promise.promise();
        pendingAcks.add(ack);
        return ack.future();
      }
      if (message instanceof StreamMessage.Sentence) {
        return Future.failedFuture(new ReplyException(ReplyFailure.RECIPIENT_FAILURE, 410, "stream is closed"));
      }
      return Future.succeededFuture();
    });
  }

  /** Runs {@code body} on the sender's context and returns its result. */
  private <T> T onSender(java.util.function.Supplier<T> body) throws Exception {
    CompletableFuture<T> result = new CompletableFuture<>();
    senderContext.runOnContext(v -> result.complete(body.get()));
    return result.get(10, TimeUnit.SECONDS);
  }

  private static StreamMessage.Audio audio() {
    return new StreamMessage.Audio(Buffer.buffer(new byte[] {1, 2}));
  }

  @Test
  void messagesArriveInOrderOnTheSinksContextAndTheWindowHoldsTheSenderBack() throws Exception {
    registerSink(true);
    StreamSender sender = onSender(() -> sinks.open(vertx.eventBus(), senderContext, SINK, "s1", 2, 60_000));
    // As SpeechJob does: each message once the previous send says there is room.
    Future<Void> third = onSender(() -> sender.send(new StreamMessage.Start("espeak", "en-us", 24000, 1, "balanced"))
        .compose(v -> sender.send(audio()))
        .compose(v -> sender.send(audio())));
    com.ervc.testing.Await.until("two audio messages reach the sink", java.time.Duration.ofSeconds(10),
        () -> pendingAcks.size() == 2);
    assertEquals(List.of("0:start:true", "1:audio:true", "2:audio:true"), List.copyOf(received));
    assertFalse(third.isComplete(), "two audio messages unacknowledged (window 2): the sender waits");

    pendingAcks.poll().complete();
    third.await(10, TimeUnit.SECONDS); // room again once the client got one
    assertFalse(onSender(sender::isBroken));
  }

  @Test
  void aRefusalBreaksTheStreamAndLaterSendsFail() throws Exception {
    registerSink(false);
    StreamSender sender = onSender(() -> sinks.open(vertx.eventBus(), senderContext, SINK, "s2", 8, 60_000));
    Future<Void> end = onSender(() -> {
      sender.send(new StreamMessage.Sentence(0, "refused"));
      return sender.send(new StreamMessage.Failure(com.ervc.protocol.ErrorCode.INTERNAL, "x"));
    });
    Throwable failure = end.transform(ar -> Future.succeededFuture(ar.cause())).await(10, TimeUnit.SECONDS);
    assertInstanceOf(ReplyException.class, failure);
    assertEquals(410, ((ReplyException) failure).failureCode());
    assertTrue(onSender(sender::isBroken));
  }

  @Test
  void aSinkThatStopsAcknowledgingBreaksTheStreamAfterTheStallTime() throws Exception {
    registerSink(true);
    StreamSender sender = onSender(() -> sinks.open(vertx.eventBus(), senderContext, SINK, "s3", 1, 200));
    Future<Void> blocked = onSender(() -> {
      sender.send(audio());
      return sender.send(audio());
    });
    Throwable failure = blocked.transform(ar -> Future.succeededFuture(ar.cause())).await(10, TimeUnit.SECONDS);
    assertInstanceOf(ReplyException.class, failure);
    assertEquals(ReplyFailure.TIMEOUT, ((ReplyException) failure).failureType());
  }

  @Test
  void aStreamThatWaitsAgainAfterItsWindowEmptiedIsStillHeldToTheStallTime() throws Exception {
    registerSink(true);
    // The first wait ends only once this thread has seen the audio at the sink and acknowledged it, which must come
    // within the stall time even on a busy machine: 2 s, not a few hundred ms.
    StreamSender sender = onSender(() -> sinks.open(vertx.eventBus(), senderContext, SINK, "s5", 1, 2_000));
    Future<Void> firstWait = onSender(() -> sender.send(audio()));
    com.ervc.testing.Await.until("the first audio reaches the sink", java.time.Duration.ofSeconds(10),
        () -> pendingAcks.size() == 1);
    pendingAcks.poll().complete(); // the window empties: the sender stops waiting, then waits again
    firstWait.await(10, TimeUnit.SECONDS);
    Future<Void> secondWait = onSender(() -> sender.send(audio()));
    Throwable failure = secondWait.transform(ar -> Future.succeededFuture(ar.cause())).await(10, TimeUnit.SECONDS);
    assertInstanceOf(ReplyException.class, failure, "the second wait, never acknowledged, breaks the stream");
    assertEquals(ReplyFailure.TIMEOUT, ((ReplyException) failure).failureType());
    assertEquals(List.of("0:audio:true", "1:audio:true"), List.copyOf(received), "both waits were real");
  }

  @Test
  void aSinkOfAnotherNodeIsReachedOverTheEventBus() throws Exception {
    registerSink(false);
    Future<Void> sent = onSender(() -> sinks.open(vertx.eventBus(), senderContext, "tts.sink.elsewhere", "s4", 8, 500)
        .send(new StreamMessage.Failure(com.ervc.protocol.ErrorCode.INTERNAL, "the last message reports")));
    Throwable failure = sent.transform(ar -> Future.succeededFuture(ar.cause())).await(10, TimeUnit.SECONDS);
    assertEquals(ReplyFailure.NO_HANDLERS, ((ReplyException) failure).failureType(), "no consumer on the bus");
    assertTrue(received.isEmpty(), "the local sink got nothing");
  }
}
