package com.ervc.it;

import com.ervc.node.Node;
import com.ervc.testing.TestNodes;
import com.ervc.testing.WsProbe;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The operator's drain (POST /admin/v1/drain and scripts/drain-node.sh): the node takes no new work, the reply
 * it is streaming finishes completely, and the script waits for that.
 */
class DrainIT {
  private static final String ADMIN_TOKEN = "drain-test-admin-token-0123456789";
  private static final short GOING_AWAY = 1001;
  private static Vertx client;
  private static WebClient http;

  @BeforeAll
  static void startClient() {
    client = Vertx.vertx();
    http = WebClient.create(client);
  }

  @AfterAll
  static void stopClient() throws Exception {
    client.close().await(10, TimeUnit.SECONDS);
  }

  private static HttpResponse<Buffer> admin(int port, HttpMethod method, String token) throws Exception {
    var request = http.request(method, port, "127.0.0.1", "/admin/v1/drain");
    if (token != null) {
      request.bearerTokenAuthentication(token);
    }
    return request.send().await(10, TimeUnit.SECONDS);
  }

  private static String story(int sentences) {
    StringBuilder story = new StringBuilder();
    for (int i = 1; i <= sentences; i++) {
      story.append("Drained node sentence number ").append(i).append(" is still spoken. ");
    }
    return story.toString();
  }

  record Run(int exitCode, String output) {
  }

  private static Run drainScript(int port, String... options) throws IOException, InterruptedException {
    List<String> command = new java.util.ArrayList<>(List.of("scripts/drain-node.sh"));
    command.addAll(List.of(options));
    command.add("http://127.0.0.1:" + port);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("ADMIN_TOKEN", ADMIN_TOKEN);
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "drain-node.sh did not finish");
    return new Run(process.exitValue(), output);
  }

  @Test
  void withoutAnAdminTokenTheAdminApiIsOff() throws Exception {
    int port = TestNodes.single().httpPort();
    HttpResponse<Buffer> refused = admin(port, HttpMethod.POST, ADMIN_TOKEN);
    assertEquals(401, refused.statusCode(), "without ADMIN_TOKEN the bearer is checked as a JWT, and refused");
    assertEquals("unauthorized", refused.bodyAsJsonObject().getJsonObject("error").getString("code"));
    assertEquals(200, http.get(port, "127.0.0.1", "/ready").send().await(10, TimeUnit.SECONDS).statusCode(),
        "the refused drain changed nothing");
  }

  @Test
  void aDrainedNodeFinishesItsReplyAndTakesNoNewWork() throws Exception {
    Map<String, String> env = TestNodes.env(TestNodes.uniqueClusterName());
    env.put("ADMIN_TOKEN", ADMIN_TOKEN);
    // 200 ms more per espeak-ng run: the reply is still streaming while the drain is checked. Two runs go at once and
    // the next ones start ahead (providers.espeak.workers, warmProcesses), so the reply takes about 0.1 s per sentence
    // (a much slower run would come near the local first-byte ceiling, tts.localDeadlineCeilingMs).
    env.put("ESPEAK_BINARY", TestNodes.script("sleep 0.2\nexec espeak-ng \"$@\""));
    Node node = TestNodes.start(env);
    int port = node.httpPort();
    try (WsProbe ws = new WsProbe(client, port)) {
      assertEquals(401, admin(port, HttpMethod.POST, null).statusCode());
      assertEquals(401, admin(port, HttpMethod.POST, ADMIN_TOKEN + "x").statusCode());
      assertEquals(405, admin(port, HttpMethod.DELETE, ADMIN_TOKEN).statusCode());
      JsonObject idle = admin(port, HttpMethod.GET, ADMIN_TOKEN).bodyAsJsonObject();
      assertEquals(false, idle.getBoolean("draining"));
      assertEquals(0, idle.getInteger("inFlight"));

      ws.nextOfType("ready");
      // 24 sentences, seconds of reply: 8 (under a second) could end before the impatient script below, a bash
      // process running curl twice, got to its GET on a loaded machine, and it then found nothing in flight.
      int sentences = 24;
      ws.send(new JsonObject().put("type", "synthesize").put("id", "running").put("text", story(sentences)));
      ws.nextOfType("audio_start");

      HttpResponse<Buffer> drained = admin(port, HttpMethod.POST, ADMIN_TOKEN);
      assertEquals(202, drained.statusCode());
      JsonObject status = drained.bodyAsJsonObject();
      assertEquals(true, status.getBoolean("draining"));
      assertTrue(status.getInteger("inFlight") >= 1, status.encode());
      assertEquals(1, status.getJsonObject("components").getInteger("gateway"), status.encode());

      Run impatient = drainScript(port, "--timeout", "0");
      assertEquals(1, impatient.exitCode(), impatient.output());
      assertTrue(impatient.output().contains("still has"), impatient.output());

      ws.send(new JsonObject().put("type", "synthesize").put("id", "refused").put("text", "Not any more."));
      assertEquals(503, http.get(port, "127.0.0.1", "/ready").send().await(10, TimeUnit.SECONDS).statusCode());
      JsonObject health = http.get(port, "127.0.0.1", "/health").send().await(10, TimeUnit.SECONDS).bodyAsJsonObject();
      assertEquals(true, health.getJsonObject("node").getBoolean("draining"), health.encode());
      assertEquals(503, http.get(port, "127.0.0.1", "/ws").putHeader("Upgrade", "websocket")
          .putHeader("Connection", "Upgrade").putHeader("Sec-WebSocket-Version", "13")
          .putHeader("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==").send().await(10, TimeUnit.SECONDS).statusCode());

      WsProbe.Reply running = ws.collect("running");
      assertEquals("audio_end", running.last().getString("type"), running.last().encode());
      assertEquals(sentences, running.frames().stream().filter(f -> f.isType("sentence")).count());
      assertTrue(running.last().getLong("samples") > sentences * 12_000L, "every sentence was spoken: " + running.last());
      JsonObject refused = ws.collect("refused").last();
      assertEquals("provider_unavailable", refused.getString("code"), refused.encode());
      Run patient = drainScript(port, "--timeout", "30");
      assertEquals(0, patient.exitCode(), patient.output());
      assertTrue(patient.output().contains("no request in flight"), patient.output());
      assertEquals(GOING_AWAY, ws.awaitClose(10_000), "the idle session closes so its client reconnects elsewhere");
    } finally {
      TestNodes.stop(node);
    }
  }
}
