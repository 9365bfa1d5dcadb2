package com.ervc.it;

import com.ervc.node.Node;
import com.ervc.provider.cloud.FakeCloudServer;
import com.ervc.provider.openai.FakeRealtimeServer;
import com.ervc.testing.Await;
import com.ervc.testing.TestNodes;
import com.ervc.testing.ToneProvider;
import com.ervc.testing.WsProbe.Frame;
import com.ervc.testing.WsProbe;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@code openai} provider on the Realtime API end to end: a node with only the key and the Realtime URL of the
 * strict fake (so {@code OPENAI_TTS_API=auto} picks Realtime) speaks over the WebSocket and the HTTP API, proves
 * itself to the health service without a billed response, and a session that dies mid-sentence fails over to another
 * provider with every sentence exactly once. The failover runs on a node and fake of its own: the circuit breaker's
 * half-open probe after it is a real (billed) synthesis, which the shared node's probe test must not see.
 */
class OpenAiRealtimeIT {
  private static final String KEY = "sk-realtime-fake-key-0123456789";
  private static Vertx fakes;
  private static FakeRealtimeServer fake;
  private static Node node;
  private static WebClient http;

  @BeforeAll
  static void start() throws Exception {
    fakes = Vertx.vertx();
    fake = (FakeRealtimeServer) new FakeRealtimeServer(fakes, KEY).start();
    node = startNode(fake);
    http = WebClient.create(node.vertx());
  }

  /** A node whose only providers are {@code openai} on {@code realtime} and the tone a failed reply moves to. */
  private static Node startNode(FakeRealtimeServer realtime) {
    Map<String, String> env = TestNodes.env(TestNodes.uniqueClusterName());
    env.put("OPENAI_API_KEY", KEY);
    env.put("OPENAI_REALTIME_URL", realtime.url());
    env.put("TTS_PROVIDER", "openai");
    env.put("ESPEAK_ENABLED", "false");
    env.put("HEALTH_PROBE_INTERVAL_SECONDS", "1");
    Node started = TestNodes.start(env);
    ToneProvider.deployOn(started);
    return started;
  }

  @AfterAll
  static void stop() throws Exception {
    http.close();
    TestNodes.stop(node);
    fake.close();
    fakes.close().await(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void theServiceBrokeNoRuleOfTheApi() {
    assertEquals(List.of(), fake.violations());
  }

  private static String fresh(String text) {
    StringBuilder word = new StringBuilder();
    UUID.randomUUID().toString().replace("-", "").chars().limit(8).forEach(c -> word.append((char) ('a' + Character.digit(c, 16))));
    return text.replace(".", " " + word + ".");
  }

  @Test
  void aWebSocketRequestStreamsTheRealtimeAudio() throws Exception {
    String text = fresh("Hello over the Realtime API.");
    try (WsProbe ws = new WsProbe(node.vertx(), node.httpPort())) {
      ws.nextOfType("ready");
      ws.send(new JsonObject().put("type", "synthesize").put("id", "r1").put("text", text).put("provider", "openai")
          .put("voice", "marin").put("emotion", "happy").put("intensity", 0.7));
      WsProbe.Reply reply = ws.collect("r1");

      assertEquals("audio_end", reply.last().getString("type"), reply.last().encode());
      assertEquals("openai", reply.first("audio_start").getString("provider"));
      assertEquals("marin", reply.first("audio_start").getString("voice"));
      assertEquals(FakeCloudServer.pcmFor(text), reply.pcm(), "the fake's audio, complete and in order");
      assertTrue(reply.audio().size() > 1);
    }
  }

  @Test
  void anHttpRequestStreamsTheRealtimeAudio() throws Exception {
    String text = fresh("Hello over HTTP.");
    HttpResponse<Buffer> pcm = http.request(HttpMethod.POST, node.httpPort(), "127.0.0.1", "/api/v1/tts")
        .putHeader("Content-Type", "application/json").putHeader("Accept", "audio/pcm")
        .bearerTokenAuthentication(TestNodes.devTokens(node.vertx(), node.httpPort()).getString("apiToken"))
        .sendBuffer(new JsonObject().put("text", text).put("provider", "openai").toBuffer())
        .await(30, TimeUnit.SECONDS);

    assertEquals(200, pcm.statusCode(), pcm.bodyAsString());
    assertEquals("openai", pcm.getHeader("X-TTS-Provider"));
    assertEquals(FakeCloudServer.pcmFor(text), pcm.body());
  }

  @Test
  void healthProbesProveTheProviderWithoutABilledResponse() throws Exception {
    int responses = fake.received(FakeRealtimeServer.RESPONSE_CREATE).size();
    int sessions = fake.received(FakeRealtimeServer.PATH).size();

    Await.until("two probes opened a session each and /health reports openai healthy", Duration.ofSeconds(20),
        () -> fake.received(FakeRealtimeServer.PATH).size() >= sessions + 2
            && "healthy".equals(openaiHealth().getString("status")));
    assertEquals(responses, fake.received(FakeRealtimeServer.RESPONSE_CREATE).size(), "the probes create no response");
  }

  private static JsonObject openaiHealth() throws Exception {
    JsonObject health = http.get(node.httpPort(), "127.0.0.1", "/health").send().await(10, TimeUnit.SECONDS)
        .bodyAsJsonObject();
    return health.getJsonObject("services").getJsonObject("tts_providers").getJsonObject("openai");
  }

  @Test
  void aSessionThatDiesMidSentenceFailsOverWithEverySentenceExactlyOnce() throws Exception {
    List<String> expectedTexts = List.of(fresh("The first sentence is spoken here."),
        fresh("Then a second one follows it."), fresh("And a third one ends the reply."));
    FakeRealtimeServer dying = (FakeRealtimeServer) new FakeRealtimeServer(fakes, KEY).start();
    Node failing = startNode(dying);
    try (WsProbe ws = new WsProbe(failing.vertx(), failing.httpPort())) {
      ws.nextOfType("ready");
      // A warm session of the default voice takes the first sentence, so the fault meets that one.
      ws.send(new JsonObject().put("type", "synthesize").put("id", "warm").put("text", fresh("Warm up.")));
      assertEquals("audio_end", ws.collect("warm").last().getString("type"));
      dying.failNext(FakeRealtimeServer.RealtimeFault.SESSION_LIMIT_CLOSE);
      // Deltas of 6 ms per character: more than one 100 ms frame reaches the client before the session dies, and
      // less than the other provider's 10 ms per character, so it has the rest of the sentence to say.
      dying.chunks = 10;
      ws.send(new JsonObject().put("type", "synthesize").put("id", "f1").put("text", String.join(" ", expectedTexts)));
      WsProbe.Reply reply = ws.collect("f1");

      JsonObject end = reply.last();
      assertEquals("audio_end", end.getString("type"), end.encode());
      assertEquals(1, end.getJsonArray("switches").size(), end.encode());
      JsonObject sw = end.getJsonArray("switches").getJsonObject(0);
      assertEquals("openai", sw.getString("from"), sw.encode());
      assertEquals(ToneProvider.NAME, sw.getString("to"), sw.encode());
      List<Long> seqs = reply.audio().stream().map(Frame::seq).toList();
      assertEquals(LongStream.range(0, seqs.size()).boxed().toList(), seqs, "contiguous frame numbers");
      List<JsonObject> sentenceFrames = reply.frames().stream().filter(f -> f.isType("sentence")).map(Frame::json).toList();
      assertEquals(IntStream.range(0, sentenceFrames.size()).boxed().toList(),
          sentenceFrames.stream().map(f -> f.getInteger("index")).toList(), "sentences in order, none twice");
      List<String> sentences = sentenceFrames.stream().map(f -> f.getString("text")).toList();
      Buffer pcm = reply.pcm();
      assertEquals(expectedTexts, sentences);
      // Before the switch the fake's audio; the failed sentence resumes on the tone where the client was; then tone.
      int failed = sw.getInteger("sentence");
      int resumedBytes = sw.getInteger("resumedAtSample") * 2;
      assertEquals(0, failed, sw.encode());
      assertTrue(resumedBytes > 0, "the client had part of the sentence when the session died: " + sw.encode());
      Buffer expected = Buffer.buffer();
      for (int i = 0; i < sentences.size(); i++) {
        String s = sentences.get(i);
        if (i < failed) {
          expected.appendBuffer(FakeCloudServer.pcmFor(s));
        } else if (i == failed) {
          Buffer tone = ToneProvider.expected(s);
          expected.appendBuffer(FakeCloudServer.pcmFor(s).getBuffer(0, resumedBytes))
              .appendBuffer(tone.getBuffer(Math.min(resumedBytes, tone.length()), tone.length()));
        } else {
          expected.appendBuffer(ToneProvider.expected(s));
        }
      }
      assertEquals(expected.length(), pcm.length(), "no audio lost or repeated: " + sw.encode());
      assertEquals(expected, pcm, "each sentence's audio exactly once");
      assertEquals(List.of(), dying.violations());
    } finally {
      TestNodes.stop(failing);
      dying.close();
    }
  }
}
