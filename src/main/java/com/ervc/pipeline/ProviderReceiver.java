package com.ervc.pipeline;

import com.ervc.protocol.Addresses;
import com.ervc.protocol.BusProtocol;
import com.ervc.protocol.ErrorCode;
import com.ervc.protocol.SpeechException;
import com.ervc.protocol.StreamMessage;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * This pipeline verticle's single receiver of provider audio ({@code tts.pipeline.receiver.<id>}): routes each
 * provider stream's messages, told apart by the {@code stream} header, to its {@link SentenceStream}, and fails
 * streams that miss their first-byte or stall deadline (each stream's own {@link Deadlines}), or whose node died. A message for an unknown (finished, cancelled, failed)
 * stream is refused with 410, which makes the provider's next write fail so it stops synthesizing.
 * One consumer per verticle, not per request: a clustered registration per request would cost a cluster write.
 */
final class ProviderReceiver {
  static final int GONE = 410;
  /** How often deadlines are checked: a fraction of the shortest floor, so a deadline is missed by at most this. */
  static final long SWEEP_MS = 20;
  private static final Logger LOG = LoggerFactory.getLogger(ProviderReceiver.class);

  private static final class Entry {
    final SentenceStream stream;
    long expectedSeq;
    long lastAudioNanos = -1;

    Entry(SentenceStream stream) {
      this.stream = stream;
    }
  }

  private final Vertx vertx;
  private final String address = Addresses.receiver(UUID.randomUUID().toString());
  private final DeadlinePolicy deadlines;
  /**
   * In the order the streams were requested: a dead node's streams fail in that order, so a reply asks the sentence
   * being played again before those it had requested ahead (on an instance with few workers, a replacement asked
   * after the lookahead ones would wait for them to be synthesized first).
   */
  private final Map<String, Entry> streams = new LinkedHashMap<>();

  ProviderReceiver(Vertx vertx, DeadlinePolicy deadlines) {
    this.vertx = vertx;
    this.deadlines = deadlines;
  }

  String address() {
    return address;
  }

  Future<Void> start() {
    vertx.setPeriodic(SWEEP_MS, id -> expireOverdue());
    return vertx.eventBus().<Object>consumer(address, this::route).completion();
  }

  /** Routes the provider stream {@code id} to {@code stream} until the stream is over. */
  void register(String id, SentenceStream stream) {
    streams.put(id, new Entry(stream));
    stream.whole().onComplete(ar -> streams.remove(id));
  }

  private void route(Message<Object> msg) {
    String id = msg.headers().get(Addresses.H_STREAM);
    Entry entry = id == null ? null : streams.get(id);
    if (entry == null) {
      LOG.debug("provider stream {}: '{}' message for a closed stream refused", id, msg.headers().get(BusProtocol.H_TYPE));
      msg.fail(GONE, "stream is closed");
      return;
    }
    if (!BusProtocol.accepts(msg)) {
      // Refused with 426, which stops the provider; this sentence fails over like any provider failure.
      entry.stream.fail(new SpeechException(ErrorCode.PROVIDER_UNAVAILABLE,
          "the provider speaks another event-bus protocol version"));
      return;
    }
    String seq = msg.headers().get(Addresses.H_SEQ);
    if (!Long.toString(entry.expectedSeq++).equals(seq)) {
      msg.fail(GONE, "stream message out of order");
      entry.stream.fail(new SpeechException(ErrorCode.PROVIDER_UNAVAILABLE, "provider audio arrived out of order"));
      return;
    }
    String type = String.valueOf(msg.headers().get(BusProtocol.H_TYPE));
    switch (type) {
      case StreamMessage.Audio.TYPE -> {
        if (!(msg.body() instanceof Buffer pcm)) {
          msg.fail(GONE, "audio must be a buffer");
          entry.stream.fail(new SpeechException(ErrorCode.INTERNAL, "the provider sent malformed audio"));
          return;
        }
        long now = System.nanoTime();
        if (entry.lastAudioNanos >= 0) {
          deadlines.chunkInterval(entry.stream.route().instanceId(), (now - entry.lastAudioNanos) / 1_000_000);
        }
        entry.lastAudioNanos = now;
        entry.stream.audio(pcm, now).onComplete(ar -> {
          if (ar.succeeded()) {
            msg.reply(null);
          } else {
            msg.fail(GONE, "stream is closed");
          }
        });
      }
      case StreamMessage.SentenceEnd.TYPE -> {
        msg.reply(null);
        entry.stream.end();
      }
      case StreamMessage.Failure.TYPE -> {
        msg.reply(null);
        entry.stream.fail(StreamMessage.Failure.from(msg.body()).exception());
      }
      default -> {
        msg.fail(GONE, "unknown stream message type " + type);
        entry.stream.fail(new SpeechException(ErrorCode.INTERNAL, "the provider sent an unknown message"));
      }
    }
  }

  /**
   * Node {@code nodeId} is gone ({@code how}): every stream from it fails now, in the order they were requested, so
   * each reply fails over at once instead of waiting out a deadline. Returns how many streams failed.
   */
  int nodeGone(String nodeId, String how) {
    List<SentenceStream> failed = new ArrayList<>();
    Iterator<Entry> it = streams.values().iterator();
    while (it.hasNext()) {
      SentenceStream stream = it.next().stream;
      if (stream.route().nodeId().equals(nodeId)) {
        it.remove();
        failed.add(stream);
      }
    }
    // Failing runs the reply's failover, which may register new streams: not while iterating.
    failed.forEach(stream -> stream.fail(new SpeechException(ErrorCode.PROVIDER_UNAVAILABLE,
        "provider " + stream.route().describe() + ": node gone (" + how + ")")));
    return failed.size();
  }

  private void expireOverdue() {
    long now = System.nanoTime();
    Iterator<Entry> it = streams.values().iterator();
    List<Runnable> failures = new ArrayList<>();
    while (it.hasNext()) {
      Entry entry = it.next();
      String why = entry.stream.overdue(now);
      if (why != null) {
        it.remove();
        failures.add(() -> entry.stream.missDeadline(new SpeechException(ErrorCode.PROVIDER_UNAVAILABLE,
            "provider " + entry.stream.route().describe() + ": " + why)));
      }
    }
    failures.forEach(Runnable::run);
  }
}
