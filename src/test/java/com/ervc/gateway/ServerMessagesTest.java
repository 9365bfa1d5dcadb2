package com.ervc.gateway;

import com.ervc.protocol.ErrorCode;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class ServerMessagesTest {

  @Test
  void audioFrameIsBigEndianStreamThenSeqThenPcmUnchanged() {
    byte[] pcm = {0x34, 0x12, (byte) 0xCD, (byte) 0xAB};

    byte[] frame = ServerMessages.audioFrame(0xFFFFFFFFL, 1, Buffer.buffer(pcm)).getBytes();

    // The full unsigned 32-bit stream range must survive; seq 1 shows the byte order.
    assertArrayEquals(new byte[] {
        (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF,
        0x00, 0x00, 0x00, 0x01,
        0x34, 0x12, (byte) 0xCD, (byte) 0xAB}, frame);
  }

  @Test
  void aFrameOfASliceCarriesExactlyThatSliceAndLeavesTheAudioAsItWas() {
    Buffer sentence = Buffer.buffer(new byte[] {1, 2, 3, 4, 5, 6, 7, 8});

    Buffer frame = ServerMessages.audioFrame(7, 2, sentence.slice(2, 6));

    assertArrayEquals(new byte[] {0, 0, 0, 7, 0, 0, 0, 2, 3, 4, 5, 6}, frame.getBytes());
    assertEquals(12, frame.length());
    assertArrayEquals(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}, sentence.getBytes(), "the cached audio is not changed");
  }

  @Test
  void errorMessageUsesWireCode() {
    assertEquals(new JsonObject().put("type", "error").put("id", "r1").put("code", "too_large").put("message", "m"),
        ServerMessages.error("r1", ErrorCode.TOO_LARGE, "m"));
  }
}
