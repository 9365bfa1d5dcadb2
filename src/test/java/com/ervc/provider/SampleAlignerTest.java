package com.ervc.provider;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SampleAlignerTest {
  @Test
  void carriesAnOddByteIntoTheNextChunk() {
    SampleAligner a = new SampleAligner();
    assertEquals(Buffer.buffer(new byte[] {1, 2}), a.align(Buffer.buffer(new byte[] {1, 2, 3})));
    assertTrue(a.pending());
    assertEquals(0, a.align(Buffer.buffer()).length());
    assertEquals(Buffer.buffer(new byte[] {3, 4}), a.align(Buffer.buffer(new byte[] {4})));
    assertFalse(a.pending());
    assertEquals(Buffer.buffer(new byte[] {5, 6, 7, 8}), a.align(Buffer.buffer(new byte[] {5, 6, 7, 8})));
  }
}
