package com.ervc.it;

import com.ervc.node.Node;
import com.ervc.testing.AdminCluster;
import com.ervc.testing.Await;
import com.ervc.testing.Jwt;
import com.ervc.testing.TestNodes;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Evaluations from the admin API on a JWT-mode node (it signs its own client's tokens): only admins start or read
 * them, a run through the node's own gateway completes with a report holding WER and the signal measures, a second
 * run while one runs is refused with 409, a run is cancelled, and scripts/admin.sh drives the same API.
 */
class AdminEvaluationIT {
  private static final String ADMIN_TOKEN = "admin-eval-it-credential-0123456789";
  private static final String SECRET = "admin-eval-it-jwt-secret-0123456789-abcdef";
  private static final String BASE = "/admin/v1/evaluations";
  private static Vertx client;
  private static WebClient http;
  private static Node node;

  @BeforeAll
  static void start() {
    Map<String, String> env = TestNodes.env(TestNodes.uniqueClusterName());
    env.putAll(Map.of("ADMIN_TOKEN", ADMIN_TOKEN, "AUTH_MODE", "jwt", "JWT_SECRET", SECRET));
    node = TestNodes.start(env);
    client = Vertx.vertx();
    http = WebClient.create(client);
  }

  @AfterAll
  static void stop() throws Exception {
    client.close().await(10, TimeUnit.SECONDS);
    TestNodes.stop(node);
  }

  private static HttpResponse<Buffer> call(HttpMethod method, String path, String token, JsonObject body)
      throws Exception {
    HttpRequest<Buffer> request = http.request(method, node.httpPort(), "127.0.0.1", path);
    if (token != null) {
      request.bearerTokenAuthentication(token);
    }
    return (body == null ? request.send() : request.sendJsonObject(body)).await(15, TimeUnit.SECONDS);
  }

  private static JsonObject options(int lines) {
    return new JsonObject().put("confirm", node.state().nodeId()).put("providers", new JsonArray().add("espeak"))
        .put("emotions", new JsonArray().add("neutral")).put("categories", new JsonArray().add("harvard"))
        .put("limit", lines).put("concurrency", 1);
  }

  private static JsonObject status(String id) throws Exception {
    HttpResponse<Buffer> response = call(HttpMethod.GET, BASE + "/" + id, ADMIN_TOKEN, null);
    assertEquals(200, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonObject();
  }

  private static JsonObject finished(String id) throws Exception {
    return Await.result(() -> "evaluation " + id + " to end", Duration.ofMinutes(3), () -> {
      JsonObject now = status(id);
      return now.getInteger("exitStatus") == null ? null : now;
    });
  }

  @Test
  void onlyConfirmedAdminRequestsStartAnything() throws Exception {
    String user = Jwt.sign("HS256", Jwt.claims("mallory", "api", 300).put("roles", new JsonArray()), SECRET);
    assertEquals(401, call(HttpMethod.POST, BASE, null, options(1)).statusCode());
    assertEquals(403, call(HttpMethod.POST, BASE, user, options(1)).statusCode());
    assertEquals(403, call(HttpMethod.GET, BASE, user, null).statusCode());
    HttpResponse<Buffer> unconfirmed = call(HttpMethod.POST, BASE, ADMIN_TOKEN, options(1).put("confirm", "other"));
    assertEquals(400, unconfirmed.statusCode());
    assertTrue(unconfirmed.bodyAsString().contains(node.state().nodeId()), unconfirmed.bodyAsString());
    HttpResponse<Buffer> tooMany = call(HttpMethod.POST, BASE, ADMIN_TOKEN, options(41));
    assertEquals(400, tooMany.statusCode());
    assertTrue(tooMany.bodyAsString().contains("limit is a whole number from 1 to 40"), tooMany.bodyAsString());
    assertEquals(400, call(HttpMethod.POST, BASE, ADMIN_TOKEN, options(1).put("out", "/etc")).statusCode());
    assertEquals(400, call(HttpMethod.POST, BASE, ADMIN_TOKEN, options(1).put("voices", new JsonArray().add("a,b")))
        .statusCode());
    assertEquals(404, call(HttpMethod.GET, BASE + "/no-such-run", ADMIN_TOKEN, null).statusCode());
    JsonArray audit = call(HttpMethod.GET, "/admin/v1/audit", ADMIN_TOKEN, null).bodyAsJsonArray();
    assertTrue(audit.stream().map(JsonObject.class::cast).anyMatch(e -> e.getString("action").equals("evaluation-start")
        && e.getString("outcome").equals("refused")), "the refusal is audited: " + audit.encodePrettily());
  }

  @Test
  void aRunCompletesWithItsReportWhileASecondIsRefusedAndARunCanBeCancelled() throws Exception {
    HttpResponse<Buffer> started = call(HttpMethod.POST, BASE, ADMIN_TOKEN, options(2));
    assertEquals(202, started.statusCode(), started.bodyAsString());
    String id = started.bodyAsJsonObject().getString("id");
    assertEquals(BASE + "/" + id, started.getHeader("Location"));
    assertEquals("running", started.bodyAsJsonObject().getString("state"));

    HttpResponse<Buffer> second = call(HttpMethod.POST, BASE, ADMIN_TOKEN, options(1));
    assertEquals(409, second.statusCode(), second.bodyAsString());
    assertTrue(second.bodyAsString().contains(id), "names the running evaluation: " + second.bodyAsString());
    assertEquals(409, call(HttpMethod.GET, BASE + "/" + id + "/report.html", ADMIN_TOKEN, null).statusCode(),
        "no report while it runs");

    JsonObject done = finished(id);
    assertEquals("done", done.getString("state"), done.encodePrettily());
    assertEquals(0, done.getInteger("exitStatus"));
    assertEquals(2, done.getInteger("done"));
    assertEquals(2, done.getInteger("total"));
    JsonObject report = done.getJsonObject("report");
    assertTrue(report.getString("transcriber").startsWith("pocketsphinx"), report.getString("transcriber"));
    JsonArray cells = report.getJsonArray("cells");
    assertEquals(1, cells.size(), report.encodePrettily());
    JsonObject cell = cells.getJsonObject(0);
    assertTrue(cell.getString("key").startsWith("espeak_en-us_neutral"), cell.getString("key"));
    JsonObject summary = cell.getJsonObject("summary");
    assertEquals(2, summary.getInteger("clips"));
    assertEquals(0, summary.getInteger("failed"));
    double wer = summary.getDouble("wer");
    assertTrue(wer >= 0 && wer < 1, "pocketsphinx heard some of espeak's words: WER " + wer);
    double loudness = summary.getDouble("loudnessLufs");
    assertTrue(loudness > -40 && loudness < -5, "a normal level: " + loudness);
    assertTrue(summary.getDouble("ttfaP50Ms") > 0);

    HttpResponse<Buffer> html = call(HttpMethod.GET, BASE + "/" + id + "/report.html", ADMIN_TOKEN, null);
    assertEquals(200, html.statusCode());
    assertTrue(html.getHeader("Content-Type").startsWith("text/html"));
    assertTrue(html.bodyAsString().contains(cell.getString("key")), "the HTML report shows the cell");

    // A longer run, cancelled while it runs; the node then takes the next.
    HttpResponse<Buffer> longer = call(HttpMethod.POST, BASE, ADMIN_TOKEN, options(20));
    assertEquals(202, longer.statusCode(), longer.bodyAsString());
    String longId = longer.bodyAsJsonObject().getString("id");
    assertEquals(400, call(HttpMethod.POST, BASE + "/" + longId + "/cancel", ADMIN_TOKEN, new JsonObject())
        .statusCode(), "a cancel names the evaluation again");
    HttpResponse<Buffer> cancel = call(HttpMethod.POST, BASE + "/" + longId + "/cancel", ADMIN_TOKEN,
        new JsonObject().put("confirm", longId));
    assertEquals(200, cancel.statusCode(), cancel.bodyAsString());
    assertEquals("cancelled", cancel.bodyAsJsonObject().getString("state"));
    JsonObject stopped = finished(longId);
    assertEquals("cancelled", stopped.getString("state"));
    assertTrue(stopped.getInteger("done") < 20, "stopped before the end: " + stopped.getInteger("done"));
    assertEquals(409, call(HttpMethod.POST, BASE + "/" + longId + "/cancel", ADMIN_TOKEN,
        new JsonObject().put("confirm", longId)).statusCode(), "it has already ended");

    // scripts/admin.sh: the list and one run's status.
    JsonObject listed = new JsonObject(adminScript("evaluations"));
    List<String> ids = listed.getJsonArray("evaluations").stream().map(e -> ((JsonObject) e).getString("id")).toList();
    assertEquals(List.of(longId, id), ids, "newest first");
    assertEquals("done", new JsonObject(adminScript("evaluation", id)).getString("state"));
    JsonArray audit = call(HttpMethod.GET, "/admin/v1/audit", ADMIN_TOKEN, null).bodyAsJsonArray();
    assertTrue(audit.stream().map(JsonObject.class::cast).anyMatch(e -> e.getString("action")
        .equals("evaluation-cancel") && e.getString("target").equals(longId) && e.getString("outcome").equals("ok")));
  }

  /** Runs scripts/admin.sh against the node; fails the test unless it exits 0. Returns its output. */
  private static String adminScript(String... arguments) throws Exception {
    return AdminCluster.adminScript(node.httpPort(), ADMIN_TOKEN, arguments);
  }
}
