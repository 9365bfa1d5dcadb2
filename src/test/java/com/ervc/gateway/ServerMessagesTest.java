package com.ervc.gateway;

import com.ervc.protocol.ErrorCode;
import com.ervc.protocol.StreamMessage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;

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

  /** Strings a client or a provider may bring: quotes, backslashes, every kind of control character, non-ASCII. */
  private static final List<String> AWKWARD = List.of("plain", "", "say \"hi\" \\ C:\\path", "tab\there\nnew\r\f\b",
      "\u0000\u0001\u001f\u007f", "</script>", "é ü ß 日本語 😀", "\u2028\u2029", "\ud800 alone");

  @Test
  void replyMessagesAreByteForByteWhatJsonObjectEncodeGave() {
    for (String s : AWKWARD) {
      StreamMessage.Start start = new StreamMessage.Start(s, s + "-voice", 24_000, 1, s + "-tier");
      assertEquals(new JsonObject().put("type", "audio_start").put("id", s).put("stream", 4_294_967_295L)
              .put("provider", start.provider()).put("voice", start.voice()).put("sampleRate", 24_000)
              .put("quality", start.quality()).encode(),
          ServerMessages.audioStart(s, 4_294_967_295L, start));
      assertEquals(new JsonObject().put("type", "sentence").put("id", s).put("index", 3).put("text", s).encode(),
          ServerMessages.sentence(s, 3, s));
    }
  }

  @Test
  void audioEndIsByteForByteWhatJsonObjectEncodeGaveWithAndWithoutSwitches() {
    List<StreamMessage.Switch> switches = List.of(new StreamMessage.Switch("espeak", "n1", "piper", "n2", "v \"x\"", 1,
        48_000L, "deadline\nmissed"));
    for (List<StreamMessage.Switch> made : List.of(List.<StreamMessage.Switch>of(), switches)) {
      for (boolean cancelled : new boolean[] {false, true}) {
        JsonObject expected = new JsonObject().put("type", "audio_end").put("id", "r\u00011").put("chunks", 13L)
            .put("samples", 62_000L).put("ttfaMs", 4L).put("totalMs", 9L).put("cached", true).put("provider", null)
            .put("switches", new JsonArray(made.stream().map(StreamMessage.Switch::toJson).toList()));
        if (cancelled) {
          expected.put("cancelled", true);
        }
        assertEquals(expected.encode(),
            ServerMessages.audioEnd("r\u00011", 13, 62_000, 4, 9, true, null, made, cancelled));
      }
    }
  }
}
