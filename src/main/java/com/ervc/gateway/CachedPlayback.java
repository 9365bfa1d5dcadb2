package com.ervc.gateway;

import com.ervc.protocol.CachedReply;
import com.ervc.protocol.StreamMessage;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;

import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Plays a whole reply from this node's cache into a {@link StreamListener} as the pipeline's stream would: the start,
 * each sentence announced before its frames, then the summary (marked cached). Runs on the listener's event loop.
 * While {@code transportFull} says the client's connection is full, each frame waits for the one before it to be
 * taken (its {@code onAudio} future), so a slow client slows the reply down instead of queueing all of it.
 */
final class CachedPlayback {
  private final CachedReply reply;
  private final String quality;
  private final StreamListener listener;
  private final BooleanSupplier transportFull;
  private final long startNanos = System.nanoTime();
  private long chunks;
  private long samples;
  private boolean stopped;
  private boolean ended;

  CachedPlayback(CachedReply reply, String quality, StreamListener listener, BooleanSupplier transportFull) {
    this.reply = reply;
    this.quality = quality;
    this.listener = listener;
    this.transportFull = transportFull;
  }

  void start() {
    listener.onStart(new StreamMessage.Start(reply.provider(), reply.voice(), reply.sampleRate(),
        reply.sentences().size(), quality));
    play(0, 0);
  }

  /** Nothing more reaches the listener; true when the reply had not ended yet. */
  boolean stop() {
    stopped = true;
    return !ended;
  }

  private void play(int sentence, int frame) {
    if (stopped) {
      return;
    }
    for (int s = sentence; s < reply.sentences().size(); s++) {
      List<Buffer> frames = reply.frames().get(s);
      if (frame == 0) {
        listener.onSentence(s, reply.sentences().get(s));
      }
      for (int f = frame; f < frames.size(); f++) {
        Future<Void> taken = listener.onAudio(frames.get(f));
        if (taken.failed()) {
          stopped = true; // the client is gone or the request was cancelled: whoever ended it has finished it
          return;
        }
        chunks++;
        samples += frames.get(f).length() / 2;
        if (!taken.isComplete() && transportFull.getAsBoolean()) {
          int next = f + 1 < frames.size() ? s : s + 1;
          int nextFrame = f + 1 < frames.size() ? f + 1 : 0;
          taken.onComplete(ar -> {
            if (ar.succeeded()) {
              play(next, nextFrame);
            }
          });
          return;
        }
      }
      frame = 0;
    }
    ended = true;
    listener.onEnd(new StreamMessage.Summary(chunks, samples, true, reply.provider(), reply.voice(),
        reply.sentences().size(), 0, 0, (System.nanoTime() - startNanos) / 1_000_000, List.of()));
  }
}
