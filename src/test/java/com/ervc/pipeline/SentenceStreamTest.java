package com.ervc.pipeline;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SentenceStreamTest {
  private static final Route ROUTE = new Route("espeak", "i1", "n1", "addr", "en-us");
  private static final long MS = 1_000_000;
  private static final Deadlines DEADLINES = new Deadlines(100, 50, Deadlines.NO_HEDGE);

  private static Buffer bytes(int... values) {
    Buffer b = Buffer.buffer();
    for (int v : values) {
      b.appendByte((byte) v);
    }
    return b;
  }

  @Test
  void buffersUntilAttachedThenForwardsInOrderAndCompletesAfterTheEnd() {
    SentenceStream stream = new SentenceStream(ROUTE, DEADLINES, false, 0);
    assertTrue(stream.audio(bytes(1, 2), 1).succeeded(), "a lookahead chunk is acknowledged at once");
    List<Buffer> got = new ArrayList<>();
    Future<Void> done = stream.forwardTo(pcm -> {
      got.add(pcm);
      return Future.succeededFuture();
    });
    assertEquals(List.of(bytes(1, 2)), got);
    stream.audio(bytes(3, 4), 2);
    assertFalse(done.isComplete(), "not done before the provider ended the sentence");
    stream.end();
    assertTrue(done.succeeded());
    assertEquals(List.of(bytes(1, 2), bytes(3, 4)), got);
    assertEquals(bytes(1, 2, 3, 4), stream.whole().result(), "the whole sentence is kept for the cache");
  }

  @Test
  void anAttachedChunkIsAcknowledgedOnlyOnceTheConsumerTookIt() {
    SentenceStream stream = new SentenceStream(ROUTE, DEADLINES, false, 0);
    Promise<Void> taken = Promise.promise();
    stream.forwardTo(pcm -> taken.future());
    Future<Void> ack = stream.audio(bytes(1, 2), 1);
    assertFalse(ack.isComplete(), "back-pressure: the provider waits for the consumer");
    taken.complete();
    assertTrue(ack.succeeded());
  }

  @Test
  void endedBeforeAttachingStillForwardsEverything() {
    SentenceStream stream = SentenceStream.complete(ROUTE, bytes(5, 6, 7, 8), 0);
    assertTrue(stream.cached());
    List<Buffer> got = new ArrayList<>();
    Future<Void> done = stream.forwardTo(pcm -> {
      got.add(pcm);
      return Future.succeededFuture();
    });
    assertTrue(done.succeeded());
    assertEquals(List.of(bytes(5, 6, 7, 8)), got);
    assertTrue(stream.firstAudio().succeeded(), "a cache hit has its first audio at once");
    assertEquals(bytes(5, 6, 7, 8), stream.whole().result(), "the whole sentence is the stored PCM");
    assertTrue(stream.audio(bytes(1, 2), 1).failed(), "nothing can be added to a cache hit");
  }

  @Test
  void aFailureOrACancelFailsTheForwardingAndRefusesLaterAudio() {
    SentenceStream stream = new SentenceStream(ROUTE, DEADLINES, false, 0);
    Future<Void> done = stream.forwardTo(pcm -> Future.succeededFuture());
    stream.cancel();
    assertTrue(done.failed());
    assertTrue(stream.audio(bytes(1, 2), 1).failed(), "the provider's next write is refused, so it stops");
  }

  @Test
  void aFailingConsumerFailsTheForwarding() {
    SentenceStream stream = new SentenceStream(ROUTE, DEADLINES, false, 0);
    Future<Void> done = stream.forwardTo(pcm -> Future.failedFuture("client gone"));
    assertTrue(stream.audio(bytes(1, 2), 1).failed());
    assertTrue(done.failed());
    assertEquals("client gone", done.cause().getMessage());
  }

  @Test
  void deadlines() {
    SentenceStream stream = new SentenceStream(ROUTE, DEADLINES, false, 0);
    assertNull(stream.overdue(99 * MS));
    assertNotNull(stream.overdue(101 * MS), "no first byte within the deadline");
    stream.audio(bytes(1, 2), 90 * MS);
    assertNull(stream.overdue(130 * MS), "audio came in time; not stalled yet");
    assertTrue(stream.overdue(141 * MS).contains("stalled"));
    stream.end();
    assertNull(stream.overdue(1000 * MS), "a finished stream has no deadline");
  }

  @Test
  void silenceCountsFromTheRequestOrTheLastAudioUntilTheStreamEnds() {
    SentenceStream stream = new SentenceStream(ROUTE, DEADLINES, false, 10 * MS);
    assertEquals(30 * MS, stream.silenceNanos(40 * MS), "no audio yet: silent since the request");
    assertEquals(-1, stream.firstAudioNanos());
    stream.audio(bytes(1, 2), 50 * MS);
    assertEquals(50 * MS, stream.firstAudioNanos());
    stream.audio(bytes(3, 4), 70 * MS);
    assertEquals(50 * MS, stream.firstAudioNanos(), "the first audio's time stays");
    assertEquals(5 * MS, stream.silenceNanos(75 * MS), "silent since its last audio");
    stream.end();
    assertEquals(0, stream.silenceNanos(1000 * MS), "a finished stream is not silent");
  }

  @Test
  void firstAudioCompletesWithTheFirstChunkOrFailsWithTheStream() {
    SentenceStream answered = new SentenceStream(ROUTE, DEADLINES, false, 0);
    assertFalse(answered.firstAudio().isComplete());
    answered.audio(bytes(1), 5 * MS);
    assertTrue(answered.firstAudio().succeeded());
    SentenceStream silent = new SentenceStream(ROUTE, DEADLINES, false, 0);
    silent.cancel();
    assertTrue(silent.firstAudio().failed());
  }

  @Test
  void aStreamHeldBackByItsConsumerIsNotStalled() {
    SentenceStream stream = new SentenceStream(ROUTE, DEADLINES, false, 0);
    stream.forwardTo(pcm -> Promise.<Void>promise().future());
    stream.audio(bytes(1, 2), 10 * MS);
    assertNull(stream.overdue(System.nanoTime() + 10_000 * MS));
    assertEquals(0, stream.silenceNanos(System.nanoTime() + 10_000 * MS), "nor silent");
  }
}
