package com.ervc.it;

import com.ervc.node.Node;
import com.ervc.testing.Await;
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

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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
  private Process worker;
  private Path workerLog;
  private WebClient http;

  @BeforeEach
  void startCluster() throws Exception {
    String cluster = TestNodes.uniqueClusterName();
    workerLog = Files.createTempFile("ervc-worker", ".log");
    worker = startWorkerJvm(cluster, workerLog);
    Map<String, String> env = TestNodes.env(cluster);
    env.put("NODE_ROLES", "gateway");
    gateway = TestNodes.start(env);
    http = WebClient.create(gateway.vertx());
    awaitRemoteProvider();
  }

  @AfterEach
  void stopCluster() throws Exception {
    if (worker.isAlive()) {
      worker.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    http.close();
    TestNodes.stop(gateway);
  }

  private static Process startWorkerJvm(String cluster, Path log) throws Exception {
    String jar = System.getProperty("ervc.jar", "target/ervc.jar");
    assertTrue(new File(jar).isFile(), "the packaged jar exists: " + jar);
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx512m", "-Dhazelcast.logging.type=slf4j", "-jar", jar, "--roles", "pipeline,cache,providers"));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().putAll(Map.of("CLUSTER_NAME", cluster, "HTTP_PORT", "0", "SHUTDOWN_DRAIN_SECONDS", "1"));
    return builder.start();
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
    Await.until(() -> "the worker JVM announces its provider and is ready; its log:\n" + Files.readString(workerLog),
        JOIN_TIMEOUT, () -> {
          if (!worker.isAlive()) {
            throw new AssertionError("the worker JVM exited; its log:\n" + Files.readString(workerLog));
          }
          Matcher monitoring = MONITORING_PORT.matcher(Files.readString(workerLog));
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
    worker.destroy();
    assertTrue(worker.waitFor(60, TimeUnit.SECONDS), "SIGTERM stops the worker");
    String log = Files.readString(workerLog);
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
