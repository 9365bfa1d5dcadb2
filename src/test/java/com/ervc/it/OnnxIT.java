package com.ervc.it;

import com.ervc.node.Node;
import com.ervc.protocol.TtsRequest;
import com.ervc.provider.espeak.EspeakSynthesizer;
import com.ervc.provider.onnx.EspeakPhonemizer;
import com.ervc.provider.onnx.FixtureModels;
import com.ervc.provider.onnx.OnnxGraph;
import com.ervc.provider.onnx.OnnxVoices;
import com.ervc.testing.TestNodes;
import com.ervc.testing.WsProbe;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The onnx provider end to end: a node (roles incl. gpu, no CUDA here) whose TTS_CACHE_DIR holds the generated
 * fixtures serves a WebSocket synthesize with provider "onnx"; its gpu role degrades the node cleanly.
 */
class OnnxIT {
  private static final int RATE = 24_000;
  private static Path models;
  private static Node node;
  private static WebClient http;
  private static String apiToken;

  @BeforeAll
  static void start() throws Exception {
    // The shared node first, as in the other ITs: nodes started before it in the same JVM disturb its metrics.
    TestNodes.single();
    models = Files.createTempDirectory("ervc-onnx-it");
    FixtureModels.writePiper(models.resolve("piper"), "en_US-test-medium", 22050, null);
    FixtureModels.writeKokoro(models.resolve("kokoro"), "tokens", OnnxGraph.FLOAT, "af_test");
    Files.write(models.resolve("piper/broken.onnx"), new byte[] {0, 1, 2});
    Map<String, String> env = TestNodes.env(TestNodes.uniqueClusterName());
    env.put("TTS_CACHE_DIR", models.toString());
    env.put("NODE_ROLES", "gateway,pipeline,cache,providers,gpu");
    node = TestNodes.start(env);
    http = WebClient.create(node.vertx(), new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(node.httpPort()));
    apiToken = TestNodes.devTokens(node.vertx(), node.httpPort()).getString("apiToken");
  }

  @AfterAll
  static void stop() {
    http.close();
    TestNodes.stop(node);
    assertTrue(node.onnx().voices().closed(), "stopping the node releases the ONNX sessions");
  }

  private static HttpResponse<Buffer> get(String path) throws Exception {
    return http.get(path).bearerTokenAuthentication(apiToken).send().await(10, TimeUnit.SECONDS);
  }

  @Test
  void websocketSynthesizeWithOnnxReturnsTheModelsAudio() throws Exception {
    byte[] piper = synthesizeOverWebSocket("p1", "en_US-test-medium");
    assertEquals(31L * 256 * RATE / 22050, piper.length / 2, "31 phoneme ids × 256 samples, at the session rate");
    byte[] kokoro = synthesizeOverWebSocket("k1", "kokoro-v1.0:af_test");
    assertEquals(0, kokoro.length / 2 % 300, "whole 300-sample token segments at 24 kHz");
  }

  /** Sends a synthesize for "Hello world." and checks the PCM equals the fixture's own output for that request. */
  private static byte[] synthesizeOverWebSocket(String id, String voiceId) throws Exception {
    String text = "Hello world.";
    try (WsProbe ws = new WsProbe(node.vertx(), node.httpPort())) {
      ws.nextOfType("ready");
      ws.send(new JsonObject().put("type", "synthesize").put("id", id).put("text", text)
          .put("provider", "onnx").put("voice", voiceId));
      WsProbe.Reply reply = ws.collect(id);
      JsonObject start = reply.first("audio_start");
      assertEquals("onnx", start.getString("provider"));
      assertEquals(voiceId, start.getString("voice"));
      assertEquals("audio_end", reply.last().getString("type"), reply.last().encode());
      byte[] received = reply.pcm().getBytes();

      EspeakPhonemizer phonemizer = new EspeakPhonemizer(new EspeakSynthesizer("espeak-ng", 10_000, false)::ipa);
      try (OnnxVoices local = OnnxVoices.load(models, 1, false, 1, 1)) {
        OnnxVoices.Voice voice = local.find(voiceId).orElseThrow();
        TtsRequest request = TtsRequest.parse(new JsonObject().put("text", text), 5000, RATE).withProvider("onnx", voice.id());
        assertArrayEquals(local.synthesize(voice, request, true, phonemizer), received);
      }
      return received;
    }
  }

  @Test
  void voicesAndProvidersDescribeTheNeuralVoicesAndTheNode() throws Exception {
    JsonArray voices = get("/api/v1/voices").bodyAsJsonObject().getJsonArray("voices");
    JsonObject piper = voices.stream().map(JsonObject.class::cast)
        .filter(v -> "en_US-test-medium".equals(v.getString("id"))).findFirst().orElseThrow();
    assertEquals("onnx", piper.getString("provider"));
    assertEquals("en_US", piper.getString("language"));
    assertEquals("piper", piper.getString("format"));
    assertEquals(22050, piper.getInteger("sampleRate"));
    assertEquals(1, piper.getInteger("speakers"));
    assertFalse(piper.getBoolean("gpu"));
    assertTrue(piper.getLong("sizeBytes") > 1000);
    assertTrue(voices.stream().map(JsonObject.class::cast).anyMatch(v -> "kokoro-v1.0:af_test".equals(v.getString("id"))
        && v.getInteger("sampleRate") == 24000 && "kokoro".equals(v.getString("format"))));

    JsonArray providers = get("/api/v1/providers").bodyAsJsonObject().getJsonArray("providers");
    JsonObject onnx = providers.stream().map(JsonObject.class::cast).filter(p -> "onnx".equals(p.getString("name")))
        .findFirst().orElseThrow();
    assertTrue(onnx.getBoolean("available"));
    assertTrue(onnx.getString("detail").contains("broken.onnx"), onnx.getString("detail"));
    JsonObject caps = onnx.getJsonArray("capabilities").getJsonObject(0);
    assertFalse(caps.getBoolean("cuda"));
    assertTrue(caps.getString("cudaDetail").contains("no CUDA execution provider"), caps.getString("cudaDetail"));
    assertTrue(caps.getJsonArray("roles").contains("gpu"));
    assertTrue(providers.stream().map(JsonObject.class::cast).noneMatch(p -> "onnx-gpu".equals(p.getString("name"))),
        "no GPU verticle without a working CUDA probe");
  }

  @Test
  void capabilitiesAreClusterNodeMetadata() {
    JsonObject metadata = ((VertxInternal) node.vertx()).clusterManager().getNodeInfo().metadata();
    assertFalse(metadata.getBoolean("cuda"));
    assertTrue(metadata.getJsonArray("roles").contains("gpu"));
    assertTrue(metadata.getJsonArray("voices").contains("en_US-test-medium"), metadata.encode());
  }

  @Test
  void aNodeWithoutModelsStillServesAndNamesTheMissingVoices() throws Exception {
    Node plain = TestNodes.single();
    WebClient client = WebClient.create(plain.vertx());
    try {
      String token = TestNodes.devTokens(plain.vertx(), plain.httpPort()).getString("apiToken");
      JsonArray providers = client.get(plain.httpPort(), "127.0.0.1", "/api/v1/providers").bearerTokenAuthentication(token)
          .send().await(10, TimeUnit.SECONDS).bodyAsJsonObject().getJsonArray("providers");
      JsonObject onnx = providers.stream().map(JsonObject.class::cast).filter(p -> "onnx".equals(p.getString("name")))
          .findFirst().orElseThrow();
      assertFalse(onnx.getBoolean("available"));
      assertTrue(onnx.getString("detail").contains("missing: en_US-lessac-low"), onnx.getString("detail"));
      assertTrue(providers.stream().map(JsonObject.class::cast).anyMatch(p -> "espeak".equals(p.getString("name"))
          && p.getBoolean("available")));
      JsonObject health = client.get(plain.httpPort(), "127.0.0.1", "/health").send().await(10, TimeUnit.SECONDS).bodyAsJsonObject();
      assertEquals("unavailable", health.getJsonObject("services").getJsonObject("tts_providers").getJsonObject("onnx").getString("status"));
    } finally {
      client.close();
    }
  }

  @Test
  void gpuNodeWithoutCudaIsDegradedWithOneClearReason() throws Exception {
    JsonObject health = http.get("/health").send().await(10, TimeUnit.SECONDS).bodyAsJsonObject();
    assertEquals("degraded", health.getString("status"), health.encodePrettily());
    JsonObject gpu = health.getJsonObject("node").getJsonObject("components").getJsonObject("gpu");
    assertEquals("down", gpu.getString("status"));
    assertTrue(gpu.getString("error").contains("CUDA probe failed"), gpu.getString("error"));
    assertFalse(health.getJsonObject("services").getJsonObject("cluster").getBoolean("cuda"));
  }

  @Test
  void aGpuOnlyNodeWithoutCudaRunsTheCpuProviderOnlyWhenAllowed() throws Exception {
    Map<String, String> env = TestNodes.env(TestNodes.uniqueClusterName());
    env.put("TTS_CACHE_DIR", models.toString());
    env.put("NODE_ROLES", "gateway,pipeline,cache,gpu");
    env.put("ONNX_GPU_CPU_FALLBACK", "true");
    Node fallback = TestNodes.start(env);
    WebClient client = WebClient.create(fallback.vertx());
    try {
      String token = TestNodes.devTokens(fallback.vertx(), fallback.httpPort()).getString("apiToken");
      JsonArray providers = client.get(fallback.httpPort(), "127.0.0.1", "/api/v1/providers").bearerTokenAuthentication(token)
          .send().await(10, TimeUnit.SECONDS).bodyAsJsonObject().getJsonArray("providers");
      assertEquals(java.util.List.of("onnx"), providers.stream().map(p -> ((JsonObject) p).getString("name")).toList(),
          "the CPU provider only: no espeak (no providers role) and no onnx-gpu (no CUDA)");
      assertTrue(providers.getJsonObject(0).getBoolean("available"));
      JsonObject gpu = fallback.state().toJson().getJsonObject("components").getJsonObject("gpu");
      assertTrue(gpu.getString("error").contains("CPU fallback on"), gpu.encode());
    } finally {
      client.close();
      TestNodes.stop(fallback);
    }
  }
}
