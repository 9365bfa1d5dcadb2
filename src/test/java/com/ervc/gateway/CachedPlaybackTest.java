package com.ervc.gateway;

import com.ervc.protocol.CachedReply;
import com.ervc.protocol.ErrorCode;
import com.ervc.protocol.StreamMessage;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CachedPlaybackTest {
  /** Two sentences: three frames (two of 4 samples, one of 2) and one frame of 4 samples. */
  private static final CachedReply REPLY = new CachedReply("espeak", "en-us", 24_000, List.of("One.", "Two."),
      List.of(List.of(frame(1, 8), frame(2, 8), frame(3, 4)), List.of(frame(4, 8))));

  private static Buffer frame(int fill, int bytes) {
    Buffer b = Buffer.buffer();
    for (int i = 0; i < bytes; i++) {
      b.appendByte((byte) fill);
    }
    return b;
  }

  /** Records what it is told, in order; each frame is taken at once, or held until {@link #take} when holding. */
  private static final class Recorder implements StreamListener {
    final List<String> events = new ArrayList<>();
    final List<Promise<Void>> held = new ArrayList<>();
    boolean holding;
    boolean gone;
    StreamMessage.Summary summary;

    @Override
    public void onStart(StreamMessage.Start info) {
      events.add("start " + info.provider() + " " + info.voice() + " " + info.sentences() + " " + info.quality());
    }

    @Override
    public void onSentence(int index, String text) {
      events.add("sentence " + index + " " + text);
    }

    @Override
    public Future<Void> onAudio(Buffer pcm) {
      if (gone) {
        return Future.failedFuture("client gone");
      }
      events.add("audio " + pcm.getByte(0));
      if (!holding) {
        return Future.succeededFuture();
      }
      Promise<Void> taken = Promise.promise();
      held.add(taken);
      return taken.future();
    }

    @Override
    public void onEnd(StreamMessage.Summary summary) {
      this.summary = summary;
      events.add("end");
    }

    @Override
    public void onError(ErrorCode code, String message) {
      events.add("error " + code);
    }

    void take() {
      held.remove(0).complete();
    }
  }

  @Test
  void playsEverySentenceBeforeItsFramesThenASummaryOfWhatWasSent() {
    Recorder listener = new Recorder();
    CachedPlayback playback = new CachedPlayback(REPLY, "balanced", listener, () -> false);
    playback.start();
    assertEquals(List.of("start espeak en-us 2 balanced", "sentence 0 One.", "audio 1", "audio 2", "audio 3",
        "sentence 1 Two.", "audio 4", "end"), listener.events);
    assertEquals(4, listener.summary.chunks());
    assertEquals(14, listener.summary.samples());
    assertTrue(listener.summary.cached());
    assertEquals("espeak", listener.summary.provider());
    assertEquals(2, listener.summary.sentences());
    assertFalse(playback.stop(), "it had ended");
  }

  @Test
  void whileTheTransportIsFullEachFrameWaitsForTheOneBefore() {
    Recorder listener = new Recorder();
    listener.holding = true;
    AtomicBoolean full = new AtomicBoolean(true);
    new CachedPlayback(REPLY, "fast", listener, full::get).start();
    assertEquals(List.of("start espeak en-us 2 fast", "sentence 0 One.", "audio 1"), listener.events);
    listener.take();
    assertEquals("audio 2", listener.events.get(listener.events.size() - 1));
    listener.take();
    assertEquals("audio 3", listener.events.get(listener.events.size() - 1), "one frame per frame taken");
    full.set(false); // room again: the rest goes out without waiting, the next sentence announced first
    listener.take();
    assertEquals(List.of("audio 3", "sentence 1 Two.", "audio 4", "end"),
        listener.events.subList(listener.events.size() - 4, listener.events.size()));
  }

  @Test
  void aStopWhileWaitingSendsNothingMore() {
    Recorder listener = new Recorder();
    listener.holding = true;
    CachedPlayback playback = new CachedPlayback(REPLY, "fast", listener, () -> true);
    playback.start();
    assertTrue(playback.stop(), "it was still playing");
    listener.take();
    assertEquals(List.of("start espeak en-us 2 fast", "sentence 0 One.", "audio 1"), listener.events);
  }

  @Test
  void aListenerThatRefusesAFrameEndsThePlaybackWithoutASummary() {
    Recorder listener = new Recorder();
    listener.gone = true;
    CachedPlayback playback = new CachedPlayback(REPLY, "fast", listener, () -> false);
    playback.start();
    assertEquals(List.of("start espeak en-us 2 fast", "sentence 0 One."), listener.events);
    assertTrue(playback.stop(), "it never ended: the caller still has to count it as cancelled");
  }
}
