package com.ervc.it;

import com.ervc.node.Node;
import com.ervc.testing.Await;
import com.ervc.testing.TestNodes;
import com.ervc.testing.WsProbe;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The health and readiness contract: shape, 503 when nothing can speak, readiness off while draining. */
class HealthIT {
  private static Vertx client;
  private static WebClient http;

  @BeforeAll
  static void start() {
    client = Vertx.vertx();
    http = WebClient.create(client);
  }

  @AfterAll
  static void stop() throws Exception {
    client.close().await(10, TimeUnit.SECONDS);
  }

  private static HttpResponse<Buffer> get(int port, String path) throws Exception {
    return http.get(port, "127.0.0.1", path).send().await(10, TimeUnit.SECONDS);
  }

  /** espeak-ng that answers --version and --voices but fails every synthesis: registered, yet unable to speak. */
  private static String brokenEspeak() {
    return TestNodes.script("case \"$1\" in --version|--voices|--voices=*) exec espeak-ng \"$@\";; esac\nexit 3");
  }

  @Test
  void aWorkingNodeReportsEveryServiceAndIsReady() throws Exception {
    Node node = TestNodes.single();
    HttpResponse<Buffer> response = get(node.httpPort(), "/health");
    JsonObject health = response.bodyAsJsonObject();
    assertEquals(200, response.statusCode(), health.encodePrettily());
    assertEquals("healthy", health.getString("status"));
    assertNotNull(Instant.parse(health.getString("timestamp")));
    assertNotNull(health.getString("version"));
    JsonObject services = health.getJsonObject("services");
    JsonObject espeak = services.getJsonObject("tts_providers").getJsonObject("espeak");
    assertEquals("healthy", espeak.getString("status"));
    assertTrue(espeak.getLong("latencyMs") >= 0);
    assertEquals(node.state().nodeId(), espeak.getJsonArray("nodes").getString(0));
    assertEquals("healthy", services.getJsonObject("cache").getString("status"));
    assertEquals("memory", services.getJsonObject("cache").getString("backend"));
    assertEquals(1, services.getJsonObject("cluster").getInteger("members"));
    assertFalse(services.getJsonObject("cluster").getBoolean("cuda"));
    assertEquals(24_000, services.getJsonObject("audio_system").getInteger("sampleRate"));
    JsonObject system = services.getJsonObject("system");
    for (String key : new String[] {"cpu_usage", "memory_usage", "disk_usage"}) {
      double value = system.getDouble(key);
      assertTrue(value <= 1.0, key + "=" + value);
    }
    assertTrue(system.getDouble("memory_usage") > 0);
    assertEquals("up", health.getJsonObject("node").getJsonObject("components").getJsonObject("gateway").getString("status"));

    HttpResponse<Buffer> ready = get(node.httpPort(), "/ready");
    assertEquals(200, ready.statusCode());
    assertTrue(ready.bodyAsJsonObject().getBoolean("ready"));
    assertEquals(200, get(node.httpPort(), "/live").statusCode());
  }

  @Test
  void aProviderThatCannotSpeakMakesTheNodeUnhealthyAndUnready() throws Exception {
    Map<String, String> env = TestNodes.env(TestNodes.uniqueClusterName());
    env.put("ESPEAK_BINARY", brokenEspeak());
    Node node = TestNodes.start(env);
    try {
      HttpResponse<Buffer> response = get(node.httpPort(), "/health");
      JsonObject health = response.bodyAsJsonObject();
      assertEquals(503, response.statusCode(), health.encodePrettily());
      assertEquals("unhealthy", health.getString("status"));
      JsonObject espeak = health.getJsonObject("services").getJsonObject("tts_providers").getJsonObject("espeak");
      assertEquals("unhealthy", espeak.getString("status"));
      assertTrue(espeak.getString("error").contains("espeak-ng exited with status 3"), espeak.encode());
      assertEquals(503, get(node.httpPort(), "/ready").statusCode());
      assertEquals(200, get(node.httpPort(), "/live").statusCode(), "the process itself is alive");
    } finally {
      TestNodes.stop(node);
    }
  }

  @Test
  void aMissingProviderBinaryIsReportedAndTheRestOfTheNodeRuns() throws Exception {
    Map<String, String> env = TestNodes.env(TestNodes.uniqueClusterName());
    env.put("ESPEAK_BINARY", "/nonexistent/espeak-ng");
    Node node = TestNodes.start(env);
    try {
      HttpResponse<Buffer> response = get(node.httpPort(), "/health");
      JsonObject health = response.bodyAsJsonObject();
      assertEquals(503, response.statusCode());
      assertEquals("unhealthy", health.getString("status"), "nothing in the cluster can speak");
      JsonObject component = health.getJsonObject("node").getJsonObject("components").getJsonObject("provider.espeak");
      assertEquals("down", component.getString("status"));
      assertTrue(component.getString("error").contains("apt-get install espeak-ng"), component.encode());
      assertEquals(200, http.get(node.httpPort(), "127.0.0.1", "/api/v1/providers")
          .bearerTokenAuthentication(TestNodes.devTokens(client, node.httpPort()).getString("apiToken"))
          .send().await(10, TimeUnit.SECONDS).statusCode(), "the gateway still serves");
    } finally {
      TestNodes.stop(node);
    }
  }

  @Test
  void readinessTurnsOffWhileTheNodeDrains() throws Exception {
    Map<String, String> env = TestNodes.env(TestNodes.uniqueClusterName());
    env.put("SHUTDOWN_DRAIN_SECONDS", "3");
    Node node = TestNodes.start(env);
    int port = node.httpPort();
    try (WsProbe ws = new WsProbe(client, port)) {
      ws.nextOfType("ready");
      StringBuilder story = new StringBuilder();
      for (int i = 1; i <= 150; i++) {
        story.append("Drain sentence number ").append(i).append(". ");
      }
      ws.send(new JsonObject().put("type", "synthesize").put("id", "drain").put("text", story.toString()));
      ws.nextOfType("audio_start");
      assertEquals(200, get(port, "/ready").statusCode());
      CompletableFuture<Void> stopping = new CompletableFuture<>();
      new Thread(() -> {
        TestNodes.stop(node);
        stopping.complete(null);
      }, "test-stop").start();
      // The flag is read from that same 503 answer: the server closes once the drain ends (the reply done, or 3 s), so
      // a second request after a late first 503 could find no server.
      JsonObject notReady = Await.result(() -> "readiness is off (503) during the drain", Duration.ofSeconds(3), () -> {
        HttpResponse<Buffer> ready = get(port, "/ready");
        return ready.statusCode() == 503 ? ready.bodyAsJsonObject() : null;
      });
      assertTrue(notReady.getBoolean("draining"), notReady.encode());
      stopping.get(60, TimeUnit.SECONDS);
    }
  }
}
