package com.ervc.it;

import com.ervc.node.Node;
import com.ervc.testing.Await;
import com.ervc.testing.NodeJvm;
import com.ervc.testing.TestNodes;
import com.ervc.testing.WsProbe.Reply;
import com.ervc.testing.WsProbe;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two nodes in two JVMs: this JVM runs a gateway-only node; a second JVM, started from the packaged jar exactly as
 * an operator would, runs pipeline + cache + espeak. Speech requested on the gateway is made on the other node.
 * Each test gets its own two nodes in a cluster of its own (one of them stops the worker).
 */
class ClusterIT {
  private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(90);
  private static final Pattern MONITORING_PORT = Pattern.compile("monitoring endpoints on http://127\\.0\\.0\\.1:(\\d+)");
  private Node gateway;
  private NodeJvm worker;
  private WebClient http;

  @BeforeEach
  void startCluster() throws Exception {
    String cluster = TestNodes.uniqueClusterName();
    Map<String, String> env = TestNodes.env(cluster);
    env.put("NODE_ROLES", "gateway");
    gateway = TestNodes.start(env);
    worker = NodeJvm.startJoining(gateway, cluster, "pipeline,cache,providers", Map.of());
    http = WebClient.create(gateway.vertx());
    awaitRemoteProvider();
  }

  @AfterEach
  void stopCluster() throws Exception {
    if (worker != null) {
      worker.close();
    }
    if (http != null) {
      http.close();
    }
    if (gateway != null) {
      TestNodes.stop(gateway);
    }
  }

  /** The available providers (the worker also announces the cloud providers it has no keys for). */
  private JsonArray providers() throws Exception {
    JsonArray all = http.get(gateway.httpPort(), "127.0.0.1", "/api/v1/providers")
        .bearerTokenAuthentication(TestNodes.devTokens(gateway.vertx(), gateway.httpPort()).getString("apiToken"))
        .send().await(10, TimeUnit.SECONDS)
        .bodyAsJsonObject().getJsonArray("providers");
    return new JsonArray(all.stream().filter(p -> ((JsonObject) p).getBoolean("available")).toList());
  }

  /**
   * The worker announced its provider and reports ready on its monitoring port. Ready matters to the SIGTERM test:
   * the worker's shutdown hook exists only once its start is complete.
   */
  private void awaitRemoteProvider() throws Exception {
    Await.until(() -> "the worker JVM announces its provider and is ready; its log:\n" + worker.log(),
        JOIN_TIMEOUT, () -> {
          if (!worker.process().isAlive()) {
            throw new AssertionError("the worker JVM exited; its log:\n" + worker.log());
          }
          Matcher monitoring = MONITORING_PORT.matcher(worker.log());
          return !providers().isEmpty() && monitoring.find() && http.get(Integer.parseInt(monitoring.group(1)),
              "127.0.0.1", "/ready").send().await(10, TimeUnit.SECONDS).statusCode() == 200;
        });
  }

  @Test
  void speechRequestedOnTheGatewayIsMadeOnTheOtherNode() throws Exception {
    JsonObject espeak = providers().getJsonObject(0);
    String providerNode = espeak.getJsonArray("nodes").getString(0);
    assertNotEquals(gateway.state().nodeId(), providerNode, "the provider runs in the other JVM");
    assertEquals(List.of("gateway"), gateway.state().toJson().getJsonObject("components").fieldNames().stream().toList());

    try (WsProbe ws = new WsProbe(gateway.vertx(), gateway.httpPort())) {
      ws.nextOfType("ready");
      ws.send(new JsonObject().put("type", "synthesize").put("id", "remote").put("text", "Hello world. How are you today?"));
      Reply reply = ws.collect("remote");
      assertEquals("audio_end", reply.last().getString("type"), reply.last().encode());
      assertEquals("espeak", reply.last().getString("provider"));
      Buffer pcm = reply.pcm();
      assertEquals(pcm.length() / 2, reply.last().getLong("samples"));
      assertTrue(reply.last().getLong("samples") > 24_000, "over a second of speech crossed the cluster");
      for (int i = 0; i < reply.audio().size(); i++) {
        assertEquals(i, reply.audio().get(i).seq());
      }
    }
  }

  @Test
  void aNodeLeavingOnSigtermIsNoticedAndRequestsFailCleanly() throws Exception {
    worker.process().destroy();
    assertTrue(worker.process().waitFor(60, TimeUnit.SECONDS), "SIGTERM stops the worker");
    String log = worker.log();
    assertTrue(log.contains("shutting down"), "the shutdown hook ran:\n" + log);
    // The gateway memoises the directory for a second; the entry itself must go long before its 15 s TTL.
    Await.until("the leaving node withdrew its provider", Duration.ofSeconds(5), () -> providers().isEmpty());

    try (WsProbe ws = new WsProbe(gateway.vertx(), gateway.httpPort())) {
      ws.nextOfType("ready");
      ws.send(new JsonObject().put("type", "synthesize").put("id", "orphan").put("text", "Is anybody there?"));
      JsonObject error = ws.collect("orphan").last();
      assertEquals("error", error.getString("type"));
      assertEquals("provider_unavailable", error.getString("code"));
    }
  }
}
