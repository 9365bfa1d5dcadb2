package com.ervc.pipeline;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class RechunkerTest {
  private static Buffer ramp(int from, int count) {
    Buffer b = Buffer.buffer();
    for (int i = 0; i < count; i++) {
      b.appendByte((byte) (from + i));
    }
    return b;
  }

  @Test
  void cutsArbitraryChunksIntoFramesAndFlushesTheRest() {
    Rechunker r = new Rechunker(4);
    List<Buffer> frames = new ArrayList<>(r.push(0, ramp(0, 6)));
    assertEquals(List.of(ramp(0, 4)), frames);
    frames.addAll(r.push(6, ramp(6, 2)));
    frames.addAll(r.push(8, ramp(8, 2)));
    assertEquals(List.of(ramp(0, 4), ramp(4, 4)), frames);
    assertEquals(ramp(8, 2), r.flush());
    assertEquals(0, r.flush().length());
  }

  @Test
  void aStreamStartingAgainFromTheSentenceStartContinuesExactlyWhereTheFailedOneEnded() {
    Rechunker r = new Rechunker(4);
    assertEquals(List.of(ramp(0, 4)), r.push(0, ramp(0, 6)), "the failed stream: a frame out, two bytes held");
    assertEquals(6, r.position());
    assertEquals(List.of(), r.push(0, ramp(0, 4)), "the replacement's first bytes are known already");
    assertEquals(List.of(ramp(4, 4)), r.push(4, ramp(4, 6)), "the held bytes and the new ones make one frame");
    assertEquals(ramp(8, 2), r.flush());
    assertThrows(IllegalArgumentException.class, () -> r.push(20, ramp(20, 2)), "a hole is refused");
  }
}
