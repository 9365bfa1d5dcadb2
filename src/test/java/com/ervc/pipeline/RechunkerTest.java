package com.ervc.pipeline;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
    Rechunker r = new Rechunker(4, 0);
    List<Buffer> frames = new ArrayList<>(r.push(ramp(0, 6)));
    assertEquals(List.of(ramp(0, 4)), frames);
    frames.addAll(r.push(ramp(6, 2)));
    frames.addAll(r.push(ramp(8, 2)));
    assertEquals(List.of(ramp(0, 4), ramp(4, 4)), frames);
    assertEquals(ramp(8, 2), r.flush());
    assertEquals(0, r.flush().length());
  }

  @Test
  void skipsWhatTheClientAlreadyHasAcrossChunks() {
    Rechunker r = new Rechunker(4, 6);
    assertEquals(List.of(), r.push(ramp(0, 4)));
    assertEquals(List.of(ramp(6, 4)), r.push(ramp(4, 6)));
    assertEquals(0, r.flush().length());
  }
}
