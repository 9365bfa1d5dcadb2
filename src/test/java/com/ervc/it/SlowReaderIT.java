package com.ervc.it;

import com.ervc.node.Node;
import com.ervc.testing.RawWebSocket;
import com.ervc.testing.TestNodes;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A client that stops reading its socket in the middle of a reply still gets every audio frame, in order, and the same
 * audio as a client reading at once: the gateway waits for the socket instead of dropping (issue #20's question),
 * whether the pipeline streams the reply or the gateway writes it from the cache.
 * Plain blocking sockets, so a client that does not read really leaves the bytes in the kernel's buffers (a Vert.x
 * client would keep reading into its own queue while paused).
 */
class SlowReaderIT {
  /** A small receive buffer, so that a pause fills the socket and the gateway's writes must wait. */
  private static final int RECEIVE_BUFFER_BYTES = 8 * 1024;
  private static final long PAUSE_MS = 2_000;
  private static final int FRAMES_BEFORE_PAUSE = 3;
  private static Node node;
  private static String token;

  @BeforeAll
  static void startNode() {
    node = TestNodes.single();
    token = TestNodes.devTokens(node.vertx(), node.httpPort()).getString("token");
  }

  @Test
  void aReaderPausingMidReplyGetsEveryFrameInOrderAndTheSameAudio() throws Exception {
    String text = "A slow reader asks for a long reply, code " + code() + ". It stops reading for a while after the first frames. The server must wait "
        + "for it rather than drop anything. Every frame has to arrive, one after the other. The samples add up to "
        + "the summary. And the audio is the same as for a client that reads everything at once.";
    Reply slow = speak(text, true);
    Reply fast = speak(text, false);
    // Now cached whole: the gateway writes this one itself, and must wait for the socket just the same.
    Reply slowCached = speak(text, true);

    assertTrue(slowCached.end.getBoolean("cached"), "the repeat came from the cache");
    for (Reply reply : List.of(slow, fast, slowCached)) {
      assertEquals(6, reply.sentences, "every sentence announced");
      assertEquals(reply.end.getLong("chunks"), (long) reply.frames, "every frame the gateway sent arrived");
      assertEquals(reply.end.getLong("samples"), reply.pcm.length() / 2L, "the samples add up to the summary");
    }
    assertTrue(slow.frames > FRAMES_BEFORE_PAUSE * 10L, "a reply long enough to fill the socket: " + slow.frames);
    assertArrayEquals(fast.pcm.getBytes(), slow.pcm.getBytes(), "the slow reader hears the same audio");
    assertArrayEquals(fast.pcm.getBytes(), slowCached.pcm.getBytes(), "and so does a slow reader of the cached reply");
  }

  /**
   * A client that asks for a long cached reply, cancels it at once and only then reads: the reply, which the gateway
   * writes itself, ends once (cancelled, when the cancel came while it waited for the socket), nothing more of it
   * arrives after its {@code audio_end}, and the connection still speaks.
   */
  @Test
  void aCancelOfACachedReplyEndsItOnceAndNothingFollowsItsEnd() throws Exception {
    String text = "A cached reply that is cancelled, code " + code() + ". It is long enough to fill the socket of a client that does not read. The "
        + "gateway has to wait for it. Then the client cancels. Nothing more may come after the end. Not even a "
        + "sentence announcement, and not a single frame.";
    Reply whole = speak(text, false);
    try (Socket socket = RawWebSocket.open(node.httpPort(), token, RECEIVE_BUFFER_BYTES)) {
      InputStream in = socket.getInputStream();
      assertEquals("ready", text(RawWebSocket.readFrame(in)).getString("type"));
      send(socket, new JsonObject().put("type", "synthesize")
          .put("id", "long").put("text", text));
      send(socket, new JsonObject().put("type", "cancel")
          .put("id", "long"));
      send(socket, new JsonObject().put("type", "ping"));
      int frames = 0;
      JsonObject end = null;
      boolean askedAgain = false;
      while (true) {
        byte[][] frame = RawWebSocket.readFrame(in);
        if (frame[0][0] == 0x2) {
          if (Buffer.buffer(frame[1]).getUnsignedInt(0) == 0) {
            assertEquals(null, end, "no audio of the cancelled reply after its audio_end");
            frames++;
          }
          continue;
        }
        JsonObject message = text(frame);
        if ("pong".equals(message.getString("type"))) {
          // Everything sent before the cancel has been read by now: the socket drains, and whatever the gateway
          // still wrote of the cancelled reply would come before the end of a second request's reply.
          send(socket, new JsonObject().put("type", "synthesize")
              .put("id", "after").put("text", "Still here."));
          askedAgain = true;
          continue;
        }
        if ("after".equals(message.getString("id"))) {
          assertTrue(askedAgain);
          if ("audio_end".equals(message.getString("type"))) {
            break;
          }
          continue;
        }
        assertEquals(null, end, "nothing of the reply after audio_end: " + message.encode());
        if ("audio_end".equals(message.getString("type"))) {
          end = message;
        }
      }
      // Whether the cancel came while the gateway waited or after it had handed every frame to the kernel depends on
      // the socket buffers; either way the reply ends once, and its summary counts what went out.
      assertTrue(end != null && end.getBoolean("cached"), "written from the cache: " + end);
      assertEquals(end.getLong("chunks"), (long) frames, "the summary counts the frames that went out");
      assertTrue(frames <= whole.frames, frames + " of " + whole.frames);
      assertTrue(end.getBoolean("cancelled", false) || frames == whole.frames, "a reply not cancelled is whole");
    }
  }

  /** Everything one reply brought: sentences announced, audio frames (in sequence), their PCM, and audio_end. */
  private record Reply(int sentences, int frames, Buffer pcm, JsonObject end) {
  }

  private static Reply speak(String text, boolean pause) throws Exception {
    try (Socket socket = RawWebSocket.open(node.httpPort(), token, RECEIVE_BUFFER_BYTES)) {
      InputStream in = socket.getInputStream();
      assertEquals("ready", text(RawWebSocket.readFrame(in)).getString("type"));
      send(socket, new JsonObject().put("type", "synthesize")
          .put("id", "slow").put("text", text));
      int sentences = 0;
      List<byte[]> audio = new ArrayList<>();
      Buffer pcm = Buffer.buffer();
      long stream = -1;
      while (true) {
        byte[][] frame = RawWebSocket.readFrame(in);
        if (frame[0][0] == 0x2) {
          Buffer binary = Buffer.buffer(frame[1]);
          if (stream < 0) {
            stream = binary.getUnsignedInt(0);
          }
          assertEquals(stream, binary.getUnsignedInt(0), "one stream");
          assertEquals(audio.size(), binary.getUnsignedInt(4), "frames in sequence, none missing");
          audio.add(frame[1]);
          pcm.appendBuffer(binary.getBuffer(8, binary.length()));
          if (pause && audio.size() == FRAMES_BEFORE_PAUSE) {
            TimeUnit.MILLISECONDS.sleep(PAUSE_MS); // the client not reading: the socket fills up
          }
          continue;
        }
        JsonObject message = text(frame);
        switch (message.getString("type")) {
          case "sentence" -> sentences++;
          case "audio_end" -> {
            return new Reply(sentences, audio.size(), pcm, message);
          }
          case "error" -> throw new AssertionError("the reply failed: " + message.encode());
          default -> {
            // audio_start
          }
        }
      }
    }
  }

  /** A word of six letters no other run uses, so the text is not cached yet. */
  private static String code() {
    return UUID.randomUUID().toString().substring(0, 6).replaceAll("[^a-z]", "x");
  }

  private static void send(Socket socket, JsonObject message) throws java.io.IOException {
    socket.getOutputStream().write(RawWebSocket.maskedTextFrame(message.encode().getBytes(StandardCharsets.UTF_8)));
  }

  private static JsonObject text(byte[][] frame) {
    assertEquals(0x1, frame[0][0], "a text frame");
    return new JsonObject(new String(frame[1], StandardCharsets.UTF_8));
  }
}
