package com.ervc.it;

import com.ervc.node.Node;
import com.ervc.provider.azure.FakeAzureSpeechServer;
import com.ervc.provider.cloud.FakeCloudServer;
import com.ervc.provider.elevenlabs.FakeElevenLabsServer;
import com.ervc.provider.openai.FakeOpenAiServer;
import com.ervc.testing.TestNodes;
import com.ervc.testing.WsProbe;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The three cloud providers end to end: a node configured with the fakes' URLs and dummy keys streams each fake's
 * audio to a WebSocket client, and a provider failure ends the request with an error instead of hanging it.
 */
class CloudProvidersIT {
  private static final String KEY = "dummy-key-for-fakes-0123456789";
  private static Vertx fakes;
  private static Map<String, FakeCloudServer> servers;
  private static Node node;

  @BeforeAll
  static void start() throws Exception {
    fakes = Vertx.vertx();
    servers = Map.of(
        "elevenlabs", new FakeElevenLabsServer(fakes, KEY).start(),
        "azure", new FakeAzureSpeechServer(fakes, KEY).start(),
        "openai", new FakeOpenAiServer(fakes, KEY).start());
    Map<String, String> env = TestNodes.env(TestNodes.uniqueClusterName());
    env.put("ELEVENLABS_BASE_URL", servers.get("elevenlabs").url());
    env.put("ELEVENLABS_API_KEY", KEY);
    env.put("AZURE_TTS_ENDPOINT", servers.get("azure").url());
    env.put("AZURE_SPEECH_KEY", KEY);
    env.put("AZURE_AUTH", "token");
    env.put("OPENAI_BASE_URL", servers.get("openai").url() + "/v1");
    env.put("OPENAI_API_KEY", KEY);
    env.put("CLOUD_FIRST_BYTE_TIMEOUT_MS", "2000");
    env.put("CLOUD_STALL_TIMEOUT_MS", "1500");
    // Background health probes also call the fakes; keep them from taking a fault a test queued.
    env.put("HEALTH_PROBE_INTERVAL_SECONDS", "3600");
    node = TestNodes.start(env);
  }

  @AfterAll
  static void stop() throws Exception {
    TestNodes.stop(node);
    for (FakeCloudServer server : servers.values()) {
      server.close();
    }
    fakes.close().await(10, TimeUnit.SECONDS);
  }

  private static String sentence() {
    return "Hello from the cloud, take " + UUID.randomUUID().toString().substring(0, 8).replaceAll("[^a-z]", "x") + ".";
  }

  private static JsonObject synthesize(String id, String provider, String text) {
    return new JsonObject().put("type", "synthesize").put("id", id).put("text", text).put("provider", provider)
        .put("emotion", "happy").put("intensity", 0.7);
  }

  @ParameterizedTest
  @ValueSource(strings = {"elevenlabs", "azure", "openai"})
  void aWebSocketRequestStreamsTheProvidersAudio(String provider) throws Exception {
    String text = sentence();
    try (WsProbe ws = new WsProbe(node.vertx(), node.httpPort())) {
      ws.nextOfType("ready");
      ws.send(synthesize("r1", provider, text));
      WsProbe.Reply reply = ws.collect("r1");

      assertEquals("audio_end", reply.last().getString("type"), reply.last().encode());
      assertEquals(provider, reply.first("audio_start").getString("provider"));
      assertEquals(FakeCloudServer.pcmFor(text), reply.pcm(), "the fake's audio, complete and in order");
      assertTrue(reply.audio().size() > 1);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"elevenlabs", "azure", "openai"})
  void aProviderThatStallsEndsTheRequestWithAnErrorAndTheSessionGoesOn(String provider) throws Exception {
    servers.get(provider).failNext(FakeCloudServer.Fault.STALL_MID_STREAM);
    try (WsProbe ws = new WsProbe(node.vertx(), node.httpPort())) {
      ws.nextOfType("ready");
      ws.send(synthesize("stalled", provider, sentence()));
      WsProbe.Reply failed = ws.collect("stalled");

      assertEquals("error", failed.last().getString("type"));
      assertEquals("provider_unavailable", failed.last().getString("code"), failed.last().encode());

      String text = sentence();
      ws.send(synthesize("after", provider, text));
      WsProbe.Reply after = ws.collect("after");
      assertEquals("audio_end", after.last().getString("type"), after.last().encode());
      assertEquals(FakeCloudServer.pcmFor(text), after.pcm());
    }
  }

  @Test
  void providersListShowsTheCloudProvidersAndWhyOneIsMissingItsKey() throws Exception {
    JsonArray configured = providers(node);
    for (String name : servers.keySet()) {
      JsonObject entry = find(configured, name);
      assertTrue(entry.getBoolean("available"), entry.encode());
      assertFalse(entry.getJsonArray("voices").isEmpty());
    }
    JsonObject unconfigured = find(providers(TestNodes.single()), "openai");
    assertFalse(unconfigured.getBoolean("available"));
    assertTrue(unconfigured.getString("detail").contains("OPENAI_API_KEY"), unconfigured.encode());
  }

  private static JsonObject find(JsonArray providers, String name) {
    return providers.stream().map(JsonObject.class::cast).filter(p -> name.equals(p.getString("name")))
        .findFirst().orElseThrow(() -> new AssertionError(name + " is not listed: " + providers.encode()));
  }

  private static JsonArray providers(Node on) throws Exception {
    WebClient http = WebClient.create(on.vertx());
    try {
      return http.get(on.httpPort(), "127.0.0.1", "/api/v1/providers")
          .bearerTokenAuthentication(TestNodes.devTokens(on.vertx(), on.httpPort()).getString("apiToken"))
          .send().await(10, TimeUnit.SECONDS).bodyAsJsonObject().getJsonArray("providers");
    } finally {
      http.close();
    }
  }
}
