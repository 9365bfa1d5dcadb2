package com.ervc.it;

import com.ervc.node.Node;
import com.ervc.protocol.Addresses;
import com.ervc.testing.Await;
import com.ervc.testing.SentMessages;
import com.ervc.testing.TestNodes;
import com.ervc.testing.WsProbe.Frame;
import com.ervc.testing.WsProbe.Reply;
import com.ervc.testing.WsProbe;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Protocol v1 end to end over a real WebSocket against a real single node with espeak-ng. */
class WebSocketIT {
  private static final int RATE = 24_000;
  private static Node node;
  private WsProbe ws;

  @BeforeAll
  static void startNode() {
    node = TestNodes.single();
  }

  @BeforeEach
  void connect() throws Exception {
    ws = new WsProbe(node.vertx(), node.httpPort());
    JsonObject ready = ws.nextOfType("ready");
    assertEquals(RATE, ready.getInteger("sampleRate"));
    assertEquals(1, ready.getInteger("channels"));
    assertEquals("pcm_s16le", ready.getString("format"));
    assertEquals(false, ready.getBoolean("voiceProfiles"), "cloning is off on this node");
    assertNotNull(ready.getString("session"));
  }

  @AfterEach
  void disconnect() throws Exception {
    ws.close();
  }

  private static JsonObject synthesize(String id, String text) {
    return new JsonObject().put("type", "synthesize").put("id", id).put("text", text);
  }

  /** A sentence no other test speaks, so the cache is cold. */
  private static String fresh(String text) {
    return text + " Code " + UUID.randomUUID().toString().substring(0, 6).replaceAll("[^a-z]", "x") + ".";
  }

  @Test
  void helloWorldStreamsTwoSentencesInOrder() throws Exception {
    ws.send(synthesize("hello", "Hello world. How are you today?"));
    Reply reply = ws.collect("hello");
    List<Frame> frames = reply.frames();

    JsonObject start = reply.first("audio_start");
    assertEquals("espeak", start.getString("provider"));
    assertEquals("en-us", start.getString("voice"));
    assertEquals(RATE, start.getInteger("sampleRate"));
    assertTrue(frames.get(0).isType("audio_start"), "audio_start comes first");
    assertTrue(frames.get(1).isType("sentence"));
    assertEquals(new JsonObject().put("type", "sentence").put("id", "hello").put("index", 0).put("text", "Hello world."),
        frames.get(1).json());

    int secondSentence = indexOf(frames, f -> f.isType("sentence") && f.json().getInteger("index") == 1);
    assertEquals("How are you today?", frames.get(secondSentence).json().getString("text"));
    assertTrue(frames.subList(2, secondSentence).stream().allMatch(f -> f.binary() != null),
        "the first sentence's audio lies between the two sentence messages");
    assertTrue(secondSentence > 2, "the first sentence has audio");

    List<Frame> audio = reply.audio();
    for (int i = 0; i < audio.size(); i++) {
      assertEquals(start.getLong("stream"), audio.get(i).stream());
      assertEquals(i, audio.get(i).seq(), "chunk sequence numbers are contiguous from 0");
    }
    JsonObject end = reply.last();
    assertEquals("audio_end", end.getString("type"));
    assertEquals(audio.size(), end.getInteger("chunks"));
    assertEquals(reply.pcm().length() / 2, end.getLong("samples"), "samples equals the PCM received");
    double seconds = end.getLong("samples") / (double) RATE;
    assertTrue(seconds > 1.0 && seconds < 4.0, "duration plausible for seven words: " + seconds + " s");
    assertTrue(rms(reply.pcm()) > 500, "the audio is speech, not silence");
    assertFalse(end.getBoolean("cached"));
    assertEquals("espeak", end.getString("provider"));
    assertTrue(end.getLong("ttfaMs") <= end.getLong("totalMs"));
  }

  @Test
  void repeatIsServedFromCacheWithIdenticalAudio() throws Exception {
    String text = fresh("The cache should remember this.");
    ws.send(synthesize("first", text));
    Reply first = ws.collect("first");
    ws.send(synthesize("second", text));
    Reply second = ws.collect("second");

    assertFalse(first.last().getBoolean("cached"));
    assertTrue(second.last().getBoolean("cached"));
    assertArrayEquals(first.pcm().getBytes(), second.pcm().getBytes());
    assertEquals(first.last().getLong("samples"), second.last().getLong("samples"));
  }

  /**
   * A repeat the node's cache holds whole is written by the gateway itself, without a request to the pipeline, and the
   * client cannot tell: the same messages in the same order, the same frames, the same audio.
   */
  @Test
  void aCachedRepeatIsWrittenByTheGatewayWithTheSameMessagesAndNoPipelineRequest() throws Exception {
    String text = fresh("A first sentence to remember. And a second one, so that the repeat has several.");
    try (SentMessages pipelineRequests = SentMessages.to(node.vertx(), Addresses.PIPELINE_SYNTHESIZE)) {
      ws.send(synthesize("first", text));
      Reply first = ws.collect("first");
      ws.send(synthesize("second", text));
      Reply second = ws.collect("second");

      assertEquals(1, pipelineRequests.count(), "only the first request went to the pipeline");
      assertFalse(first.last().getBoolean("cached"));
      assertTrue(second.last().getBoolean("cached"));
      assertEquals(shape(first), shape(second), "the same messages and frames, in the same order");
      assertEquals(3, second.frames().stream().filter(f -> f.isType("sentence")).count(), "two sentences and the code");
      for (String field : List.of("provider", "voice", "sampleRate", "sentences", "quality")) {
        assertEquals(first.first("audio_start").getValue(field), second.first("audio_start").getValue(field), field);
      }
      for (String field : List.of("chunks", "samples", "provider", "cancelled")) {
        assertEquals(first.last().getValue(field), second.last().getValue(field), field);
      }
      assertArrayEquals(first.pcm().getBytes(), second.pcm().getBytes());
      List<Frame> audio = second.audio();
      for (int i = 0; i < audio.size(); i++) {
        assertEquals(i, audio.get(i).seq(), "frame numbers run on across sentences");
      }
      assertTrue(second.last().getLong("ttfaMs") <= second.last().getLong("totalMs"));
    }
  }

  /** Each message's type (a sentence with its index and text), and each binary frame's length, in order. */
  private static List<String> shape(Reply reply) {
    return reply.frames().stream().map(f -> f.json() == null ? "audio " + f.binary().length()
        : f.isType("sentence") ? "sentence " + f.json().getInteger("index") + " " + f.json().getString("text")
        : f.json().getString("type")).toList();
  }

  @Test
  void cancelStopsTheAudioAndTheConnectionStaysUsable() throws Exception {
    String text = "This is a long story. ".repeat(40) + fresh("The end");
    ws.send(synthesize("long", text));
    long stream = ws.nextOfType("audio_start").getLong("stream");
    Frame firstAudio;
    do {
      firstAudio = ws.next();
    } while (firstAudio.binary() == null);
    ws.send(new JsonObject().put("type", "cancel").put("id", "long"));

    Frame frame;
    do {
      frame = ws.next();
    } while (!frame.isType("audio_end"));
    JsonObject end = frame.json();
    assertEquals("long", end.getString("id"));
    assertTrue(end.getBoolean("cancelled"));
    List<Frame> after = ws.drain(700);
    assertTrue(after.stream().noneMatch(f -> f.binary() != null && f.stream() == stream),
        "no audio of a cancelled request after its audio_end");
    long fullSamples = (long) (text.split(" ").length / 175.0 * 60 * RATE);
    assertTrue(end.getLong("samples") < fullSamples / 2, "cancel came long before the end of the text");

    ws.send(new JsonObject().put("type", "ping"));
    assertEquals("pong", ws.nextOfType("pong").getString("type"));
  }

  static Stream<Arguments> badInput() {
    return Stream.of(
        Arguments.of("{not json", null, "invalid_request"),
        Arguments.of("[1,2]", null, "invalid_request"),
        Arguments.of("{\"id\":\"x\"}", "x", "invalid_request"),
        Arguments.of("{\"type\":\"dance\",\"id\":\"d\"}", "d", "invalid_request"),
        Arguments.of("{\"type\":\"synthesize\",\"text\":\"no id\"}", null, "invalid_request"),
        Arguments.of("{\"type\":\"synthesize\",\"id\":\"m\"}", "m", "invalid_request"),
        Arguments.of("{\"type\":\"synthesize\",\"id\":\"b\",\"text\":\"   \"}", "b", "invalid_request"),
        Arguments.of(synthesize("big", "a".repeat(5001)).encode(), "big", "too_large"),
        Arguments.of(synthesize("nbsp", "\u00a0\u00a0").encode(), "nbsp", "invalid_request"),
        Arguments.of(synthesize("e", "Hi.").put("emotion", "bored").encode(), "e", "invalid_request"),
        Arguments.of(synthesize("q", "Hi.").put("quality", "ultra").encode(), "q", "invalid_request"),
        Arguments.of(synthesize("s", "Hi.").put("speed", 9).encode(), "s", "invalid_request"),
        Arguments.of(synthesize("i", "Hi.").put("intensity", "max").encode(), "i", "invalid_request"),
        Arguments.of(synthesize("v", "Hi.").put("voice", "klingon-x").encode(), "v", "invalid_request"),
        Arguments.of(synthesize("p", "Hi.").put("provider", "elevenlabs").encode(), "p", "provider_unavailable"),
        Arguments.of("{\"type\":\"settings\",\"volume\":11}", null, "invalid_request"),
        Arguments.of("{\"type\":\"cancel\"}", null, "invalid_request"));
  }

  @ParameterizedTest
  @MethodSource("badInput")
  void badInputGetsAnErrorAndTheConnectionStaysUsable(String message, String id, String code) throws Exception {
    ws.sendRaw(message);
    JsonObject error = ws.nextOfType("error");
    assertEquals(code, error.getString("code"), error.encode());
    assertEquals(id, error.getString("id"));
    assertFalse(error.getString("message").isBlank());
    assertConnectionStillSpeaks();
  }

  @Test
  void binaryFramesFromTheClientAreRefused() throws Exception {
    ws.sendBinary(Buffer.buffer(new byte[] {1, 2, 3}));
    JsonObject error = ws.nextOfType("error");
    assertEquals("invalid_request", error.getString("code"));
    assertConnectionStillSpeaks();
  }

  @Test
  void duplicateIdAndTooManyInFlightAreRefused() throws Exception {
    String longText = "Counting slowly to keep the stream busy. ".repeat(10);
    for (int i = 0; i < 4; i++) {
      ws.send(synthesize("busy" + i, longText + i));
    }
    ws.send(synthesize("busy0", "Same id again."));
    ws.send(synthesize("busy5", "One too many."));
    JsonObject duplicate = ws.nextJson(j -> "error".equals(j.getString("type")) && "busy0".equals(j.getString("id")));
    assertEquals("invalid_request", duplicate.getString("code"));
    JsonObject limited = ws.nextJson(j -> "error".equals(j.getString("type")) && "busy5".equals(j.getString("id")));
    assertEquals("rate_limited", limited.getString("code"));
    for (int i = 0; i < 4; i++) {
      ws.send(new JsonObject().put("type", "cancel").put("id", "busy" + i));
    }
    for (int i = 0; i < 4; i++) {
      final String id = "busy" + i;
      ws.nextJson(j -> "audio_end".equals(j.getString("type")) && id.equals(j.getString("id")));
    }
  }

  @Test
  void concurrentRequestsInterleaveButEachStaysInOrder() throws Exception {
    ws.send(synthesize("a", fresh("First request, first sentence. First request, second sentence.")));
    ws.send(synthesize("b", fresh("Second request, first sentence. Second request, second sentence.")));
    Reply a = ws.collect("a");
    Reply b = ws.collect("b");
    for (Reply reply : List.of(a, b)) {
      assertEquals("audio_end", reply.last().getString("type"));
      List<Frame> audio = reply.audio();
      for (int i = 0; i < audio.size(); i++) {
        assertEquals(i, audio.get(i).seq());
      }
      assertEquals(reply.pcm().length() / 2, reply.last().getLong("samples"));
    }
    assertFalse(a.first("audio_start").getLong("stream").equals(b.first("audio_start").getLong("stream")));
  }

  @Test
  void sessionSettingsApplyToLaterRequests() throws Exception {
    ws.send(new JsonObject().put("type", "settings").put("voice", "en-gb").put("emotion", "happy"));
    JsonObject echo = ws.nextOfType("settings");
    assertEquals("en-gb", echo.getJsonObject("settings").getString("voice"));
    ws.send(synthesize("gb", "Cheerio."));
    Reply reply = ws.collect("gb");
    assertEquals("en-gb", reply.first("audio_start").getString("voice"));
    assertEquals("audio_end", reply.last().getString("type"));
  }

  @Test
  void nullFieldsFallBackToSessionSettings() throws Exception {
    ws.send(new JsonObject().put("type", "settings").put("voice", "en-gb"));
    ws.nextOfType("settings");
    ws.send(synthesize("n", "Null means not given.").putNull("voice").putNull("speed"));
    assertEquals("en-gb", ws.collect("n").first("audio_start").getString("voice"));
  }

  @Test
  void closedSessionsAreForgotten() throws Exception {
    // Only this test's own session is open once the earlier ones' closes have reached the node (a close completes
    // for the client first): a count read before that could drop by itself below.
    int before = 1;
    Await.until(() -> "only this test's session is open: " + sessionsOpen(), Duration.ofSeconds(10),
        () -> sessionsOpen() == before);
    WsProbe extra = new WsProbe(node.vertx(), node.httpPort());
    extra.nextOfType("ready");
    assertEquals(before + 1, sessionsOpen());
    extra.close();
    Await.until(() -> "the session count is back to " + before + ": " + sessionsOpen(), Duration.ofSeconds(5),
        () -> sessionsOpen() == before);
  }

  private static int sessionsOpen() throws Exception {
    return TestNodes.health(node).getJsonObject("gateway").getInteger("webSocketSessions");
  }

  @Test
  void emotionsChangeTheAudio() throws Exception {
    String text = fresh("I cannot believe it");
    ws.send(synthesize("neutral", text));
    Reply neutral = ws.collect("neutral");
    ws.send(synthesize("sad", text).put("emotion", "sad").put("intensity", 1.0));
    Reply sad = ws.collect("sad");
    assertTrue(sad.last().getLong("samples") > neutral.last().getLong("samples") * 1.1,
        "sad speech is slower, so longer");
  }

  @Test
  void garbageOnOneConnectionDoesNotDisturbAnother() throws Exception {
    try (WsProbe other = new WsProbe(node.vertx(), node.httpPort())) {
      other.nextOfType("ready");
      other.send(synthesize("calm", fresh("Another user speaks calmly.")));
      for (int i = 0; i < 20; i++) {
        ws.sendRaw("{garbage " + i);
      }
      Reply reply = other.collect("calm");
      assertEquals("audio_end", reply.last().getString("type"));
      assertEquals(reply.pcm().length() / 2, reply.last().getLong("samples"));
    }
  }

  private void assertConnectionStillSpeaks() throws Exception {
    String id = "check-" + UUID.randomUUID();
    ws.send(synthesize(id, "Still here."));
    assertEquals("audio_end", ws.collect(id).last().getString("type"));
  }

  private static int indexOf(List<Frame> frames, java.util.function.Predicate<Frame> match) {
    for (int i = 0; i < frames.size(); i++) {
      if (match.test(frames.get(i))) {
        return i;
      }
    }
    return -1;
  }

  private static double rms(Buffer pcm) {
    double sum = 0;
    int n = pcm.length() / 2;
    for (int i = 0; i < n; i++) {
      double s = pcm.getShortLE(i * 2);
      sum += s * s;
    }
    return Math.sqrt(sum / Math.max(1, n));
  }
}
