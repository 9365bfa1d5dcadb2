package com.ervc.pipeline;

import com.ervc.protocol.ErrorCode;
import com.ervc.protocol.SpeechException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * One sentence's audio as it arrives from a provider (or all at once from the cache). Until a consumer is
 * attached (the sentence is still a lookahead one) chunks are buffered and acknowledged at once; once attached
 * they are forwarded in order and each chunk is acknowledged only when the consumer took it, which is what
 * back-pressures the provider. The whole PCM is kept for the cache. Not thread-safe: one event loop.
 */
final class SentenceStream {
  private final Promise<Buffer> ended = Promise.promise();
  private final Promise<Void> forwarded = Promise.promise();
  private final Promise<Void> firstAudio = Promise.promise();
  private final List<Buffer> pending = new ArrayList<>();
  /** The sentence so far: a buffer of its own for a provider's stream, the stored PCM itself for a cache hit. */
  private final Buffer whole;
  private final Route route;
  private final Deadlines deadlines;
  private final boolean cached;
  private final long startNanos;
  private Function<Buffer, Future<Void>> consumer;
  private Future<Void> tail = Future.succeededFuture();
  private int unacknowledged;
  private long lastActivityNanos = -1;
  private long firstAudioNanos = -1;
  private boolean deadlineMissed;

  SentenceStream(Route route, Deadlines deadlines, boolean cached, long nowNanos) {
    this(route, deadlines, cached, nowNanos, Buffer.buffer());
  }

  private SentenceStream(Route route, Deadlines deadlines, boolean cached, long nowNanos, Buffer whole) {
    this.whole = whole;
    this.route = route;
    this.deadlines = deadlines;
    this.cached = cached;
    this.startNanos = nowNanos;
  }

  /**
   * A stream that already holds all of its audio (a cache hit). The stored PCM is its whole sentence as it is, not
   * copied (audio is never written to after it is produced; the copy cost a 62 kB array per cached sentence).
   */
  static SentenceStream complete(Route route, Buffer pcm, long nowNanos) {
    SentenceStream stream = new SentenceStream(route, new Deadlines(0, 0, Deadlines.NO_HEDGE), true, nowNanos, pcm);
    stream.firstAudioNanos = nowNanos;
    stream.lastActivityNanos = nowNanos;
    stream.pending.add(pcm);
    stream.end();
    return stream;
  }

  Route route() {
    return route;
  }

  Deadlines deadlines() {
    return deadlines;
  }

  /** Completes with the first audio, fails when the stream fails before any. */
  Future<Void> firstAudio() {
    return firstAudio.future();
  }

  boolean cached() {
    return cached;
  }

  boolean done() {
    return ended.future().isComplete();
  }

  long startNanos() {
    return startNanos;
  }

  /** When the first audio arrived (for a cache hit: when the stream was made), -1 before. */
  long firstAudioNanos() {
    return firstAudioNanos;
  }

  /** The bytes of audio received so far, from the sentence's start (its audio is never skipped at the source). */
  long receivedBytes() {
    return whole.length();
  }

  /**
   * Completes once every chunk received has been handed to the consumer (or the consumer failed): after a failure,
   * the audio the stream still held has gone out by then, so a replacement may continue behind it.
   */
  Future<Void> drained() {
    return tail.transform(ar -> Future.succeededFuture());
  }

  /** The whole sentence's PCM once the provider ended it; fails when it failed or was cancelled. */
  Future<Buffer> whole() {
    return ended.future();
  }

  /** A chunk arrived; the future completes when it may be acknowledged, and fails once the stream is over. */
  Future<Void> audio(Buffer pcm, long nowNanos) {
    if (done()) {
      return Future.failedFuture("the sentence stream is closed");
    }
    if (firstAudioNanos < 0) {
      firstAudioNanos = nowNanos;
    }
    lastActivityNanos = nowNanos;
    whole.appendBuffer(pcm);
    firstAudio.tryComplete();
    if (consumer == null) {
      pending.add(pcm);
      return Future.succeededFuture();
    }
    return forward(pcm);
  }

  void end() {
    firstAudio.tryComplete();
    if (ended.tryComplete(whole) && consumer != null) {
      settleAfterTail();
    }
  }

  void fail(Throwable failure) {
    if (ended.tryFail(failure)) {
      firstAudio.tryFail(failure);
      forwarded.tryFail(failure);
    }
  }

  /** The provider missed a deadline: a failure of the provider, which its circuit breaker is told about. */
  void missDeadline(Throwable failure) {
    deadlineMissed = !done();
    fail(failure);
  }

  boolean deadlineMissed() {
    return deadlineMissed;
  }

  void cancel() {
    fail(new SpeechException(ErrorCode.PROVIDER_UNAVAILABLE, "cancelled"));
  }

  /**
   * Forwards all audio, buffered and still to come, to {@code to}; completes when the last chunk was taken after
   * the provider ended the sentence, fails as soon as the stream or the consumer fails.
   */
  Future<Void> forwardTo(Function<Buffer, Future<Void>> to) {
    consumer = to;
    pending.forEach(this::forward);
    pending.clear();
    if (ended.future().succeeded()) {
      settleAfterTail();
    } else if (ended.future().failed()) {
      forwarded.tryFail(ended.future().cause());
    }
    return forwarded.future();
  }

  private void settleAfterTail() {
    tail.onComplete(ar -> {
      if (ar.succeeded()) {
        forwarded.tryComplete();
      } else {
        forwarded.tryFail(ar.cause());
      }
    });
  }

  private Future<Void> forward(Buffer pcm) {
    unacknowledged++;
    tail = tail.compose(v -> consumer.apply(pcm)).andThen(ar -> {
      unacknowledged--;
      lastActivityNanos = System.nanoTime();
      if (ar.failed()) {
        forwarded.tryFail(ar.cause());
      }
    });
    return tail;
  }

  /**
   * How long the provider has sent nothing at {@code nowNanos}: since the request or its last audio; 0 once the stream
   * is over and while the consumer holds audio of it back (a slow client is not a silent provider).
   */
  long silenceNanos(long nowNanos) {
    if (done() || unacknowledged > 0) {
      return 0;
    }
    return nowNanos - (lastActivityNanos < 0 ? startNanos : lastActivityNanos);
  }

  /**
   * Why this stream missed one of its {@link #deadlines()} at {@code nowNanos}, or null: no first audio in time, or
   * no audio for the stall deadline while nothing of it waits on the consumer (a slow client is not a stall).
   */
  String overdue(long nowNanos) {
    long firstByteNanos = deadlines.firstByteMs() * 1_000_000;
    long stallNanos = deadlines.stallMs() * 1_000_000;
    long silence = silenceNanos(nowNanos);
    if (lastActivityNanos < 0) {
      return silence > firstByteNanos
          ? "no audio within " + firstByteNanos / 1_000_000 + " ms (first-byte deadline)" : null;
    }
    return silence > stallNanos ? "the audio stalled for more than " + stallNanos / 1_000_000 + " ms" : null;
  }
}
