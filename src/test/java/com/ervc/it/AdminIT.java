package com.ervc.it;

import com.ervc.node.Node;
import com.ervc.testing.AdminCluster;
import com.ervc.testing.Await;
import com.ervc.testing.Scrape;
import com.ervc.testing.WsProbe;
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
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The admin API on a cluster of three nodes (a gateway node and two provider nodes): who may use it, the cluster
 * view, drain and undrain of a provider node over the event bus (new requests go to the other node, then to both
 * again), the audit log and its counter, and a stopped node leaving the view.
 */
class AdminIT {
  private static final String ADMIN_TOKEN = AdminCluster.ADMIN_TOKEN;
  private static final Duration VIEW = Duration.ofSeconds(20);
  private static AdminCluster cluster;
  private static Vertx client;
  private static WebClient http;
  private static Node gateway;
  private static Node provider1;
  private static Node provider2;

  @BeforeAll
  static void start() throws Exception {
    cluster = AdminCluster.start("gw=gateway,pipeline,cache", "p1=providers", "p2=providers");
    gateway = cluster.node("gw");
    provider1 = cluster.node("p1");
    provider2 = cluster.node("p2");
    client = cluster.client();
    http = cluster.http();
  }

  @AfterAll
  static void stop() throws Exception {
    cluster.close();
  }

  private static String apiToken(String subject, String... roles) {
    return AdminCluster.apiToken(subject, roles);
  }

  private static HttpResponse<Buffer> call(HttpMethod method, String path, String token, JsonObject body)
      throws Exception {
    HttpRequest<Buffer> request = http.request(method, gateway.httpPort(), "127.0.0.1", path);
    if (token != null) {
      request.bearerTokenAuthentication(token);
    }
    return (body == null ? request.send() : request.sendJsonObject(body)).await(15, TimeUnit.SECONDS);
  }

  private static JsonArray view(String path) throws Exception {
    HttpResponse<Buffer> response = call(HttpMethod.GET, path, ADMIN_TOKEN, null);
    assertEquals(200, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonArray();
  }

  private static Set<String> providerNodes() throws Exception {
    return view("/admin/v1/providers").stream().map(JsonObject.class::cast)
        .filter(p -> p.getJsonObject("info").getString("name").equals("espeak"))
        .map(p -> p.getString("node")).collect(Collectors.toSet());
  }

  private static HttpResponse<Buffer> act(String nodeId, String action) throws Exception {
    return call(HttpMethod.POST, "/admin/v1/nodes/" + nodeId + "/" + action, ADMIN_TOKEN,
        new JsonObject().put("confirm", nodeId));
  }

  /** Runs scripts/admin.sh against the gateway node; fails the test unless it exits 0. Returns its output. */
  private static String adminScript(String... arguments) throws Exception {
    return AdminCluster.adminScript(gateway.httpPort(), ADMIN_TOKEN, arguments);
  }

  private static long synthesized(Node node) throws Exception {
    return cluster.synthesized(node);
  }

  private static void speakOnce() throws Exception {
    HttpResponse<Buffer> spoken = call(HttpMethod.POST, "/api/v1/tts", apiToken("alice"),
        new JsonObject().put("text", "Admin test " + UUID.randomUUID() + ".").put("provider", "espeak"));
    assertEquals(200, spoken.statusCode(), spoken.bodyAsString());
  }

  @Test
  void onlyAdminsGetAnything() throws Exception {
    for (String path : List.of("/admin/v1/nodes", "/admin/v1/providers", "/admin/v1/sessions", "/admin/v1/cache",
        "/admin/v1/audit", "/admin/v1/drain")) {
      HttpResponse<Buffer> none = call(HttpMethod.GET, path, null, null);
      assertEquals(401, none.statusCode(), path);
      assertEquals("unauthorized", none.bodyAsJsonObject().getJsonObject("error").getString("code"));
      assertEquals(401, call(HttpMethod.GET, path, ADMIN_TOKEN + "x", null).statusCode(), path);
      HttpResponse<Buffer> user = call(HttpMethod.GET, path, apiToken("bob", "user"), null);
      assertEquals(403, user.statusCode(), path);
      assertNull(user.bodyAsJsonObject().getValue("node"), "a refusal carries no data");
      assertEquals(200, call(HttpMethod.GET, path, apiToken("carol", "admin"), null).statusCode(), path);
    }
    String p1 = provider1.state().nodeId();
    assertEquals(403, call(HttpMethod.POST, "/admin/v1/nodes/" + p1 + "/drain", apiToken("bob", "user"),
        new JsonObject().put("confirm", p1)).statusCode());
    assertFalse(provider1.state().draining(), "a refused drain changed nothing");
  }

  @Test
  void drainMovesNewWorkToTheOtherNodeAndUndrainBringsItBack() throws Exception {
    String p1 = provider1.state().nodeId();
    String p2 = provider2.state().nodeId();
    // Another test's node may still be leaving.
    Await.until("the view shows exactly gw, p1 and p2", VIEW, () -> names().equals(List.of("gw", "p1", "p2")));
    JsonArray nodes = view("/admin/v1/nodes");
    JsonObject first = nodes.getJsonObject(1);
    assertEquals(true, first.getBoolean("reachable"));
    assertEquals(new JsonArray().add("providers"), first.getJsonArray("roles"));
    assertEquals(false, first.getBoolean("draining"));
    assertTrue(first.getJsonObject("system").getLong("heap_max_bytes") > 0, first.encode());
    Await.until("both provider nodes in the providers view", VIEW, () -> providerNodes().equals(Set.of(p1, p2)));
    assertTrue(view("/admin/v1/providers").getJsonObject(0).getDouble("score") > 0);

    HttpResponse<Buffer> unconfirmed = call(HttpMethod.POST, "/admin/v1/nodes/" + p1 + "/drain", ADMIN_TOKEN,
        new JsonObject().put("confirm", p2));
    assertEquals(400, unconfirmed.statusCode());
    assertFalse(provider1.state().draining());
    assertEquals(404, act("no-such-node", "drain").statusCode());

    HttpResponse<Buffer> drained = act(p1, "drain");
    assertEquals(200, drained.statusCode(), drained.bodyAsString());
    assertEquals(true, drained.bodyAsJsonObject().getBoolean("draining"));
    assertEquals(200, act(p1, "drain").statusCode(), "a second drain is harmless");
    Await.until("the drained node left the providers view", VIEW, () -> providerNodes().equals(Set.of(p2)));
    long before1 = synthesized(provider1);
    long before2 = synthesized(provider2);
    for (int i = 0; i < 4; i++) {
      speakOnce();
    }
    assertEquals(before1, synthesized(provider1), "no new work on the drained node");
    assertEquals(before2 + 4, synthesized(provider2));
    JsonObject cache = call(HttpMethod.GET, "/admin/v1/cache", ADMIN_TOKEN, null).bodyAsJsonObject();
    assertEquals("memory", cache.getString("backend"), cache.encode());
    assertTrue(cache.getLong("misses") >= 4 && cache.getLong("entries") >= 4, cache.encode());

    String undrained = adminScript("--yes", "undrain", p1);
    assertEquals(false, new JsonObject(undrained).getBoolean("draining"), undrained);
    assertEquals(200, act(p1, "undrain").statusCode(), "a second undrain is harmless");
    Await.until("the undrained node is back in the providers view", VIEW,
        () -> providerNodes().equals(Set.of(p1, p2)));
    // The router keeps choosing the faster of two idle instances; with p2 drained, p1 must take the work.
    assertEquals(200, act(p2, "drain").statusCode());
    Await.until("p2 left the providers view", VIEW, () -> providerNodes().equals(Set.of(p1)));
    speakOnce();
    assertEquals(before1 + 1, synthesized(provider1), "the undrained node takes new work");
    assertEquals(200, act(p2, "undrain").statusCode());
    Await.until("p2 is back in the providers view", VIEW, () -> providerNodes().equals(Set.of(p1, p2)));

    JsonArray audit = view("/admin/v1/audit");
    List<String> actions = audit.stream().map(JsonObject.class::cast)
        .filter(e -> e.getString("target").equals(p1) && e.getString("actor").equals("admin-token"))
        .map(e -> e.getString("action") + ":" + e.getString("outcome")).toList();
    assertEquals(List.of("undrain:ok", "undrain:ok", "drain:ok", "drain:ok", "drain:refused"), actions);
    String metrics = http.get(gateway.httpPort(), "127.0.0.1", "/metrics").send().await(10, TimeUnit.SECONDS)
        .bodyAsString();
    assertTrue(new Scrape(metrics).sum("admin_actions_total", "action", "drain", "outcome", "ok") >= 2, metrics);
  }

  @Test
  void instanceCircuitCapacityAndProbeAreSteeredFromTheApi() throws Exception {
    String p1 = provider1.state().nodeId();
    String p2 = provider2.state().nodeId();
    Await.until("both provider nodes in the providers view", VIEW, () -> providerNodes().equals(Set.of(p1, p2)));
    String instance = espeakOn(p1).getString("instance");
    int capacity = espeakOn(p1).getInteger("capacity");
    String circuit = "/admin/v1/instances/" + instance + "/circuit";

    assertEquals(400, call(HttpMethod.POST, circuit, ADMIN_TOKEN,
        new JsonObject().put("confirm", instance).put("action", "explode")).statusCode());
    assertEquals(400, call(HttpMethod.POST, circuit, ADMIN_TOKEN, new JsonObject().put("action", "open")).statusCode());
    assertEquals(404, call(HttpMethod.POST, "/admin/v1/instances/nobody/reprobe", ADMIN_TOKEN,
        new JsonObject().put("confirm", "nobody")).statusCode());

    HttpResponse<Buffer> opened = instanceAction(instance, "circuit", new JsonObject().put("action", "open"));
    assertEquals(200, opened.statusCode(), opened.bodyAsString());
    assertEquals("open", opened.bodyAsJsonObject().getString("circuit"));
    Await.until("the open circuit in the providers view", VIEW,
        () -> "open".equals(espeakOn(p1).getString("circuit")));
    long before1 = synthesized(provider1);
    for (int i = 0; i < 3; i++) {
      speakOnce();
    }
    assertEquals(before1, synthesized(provider1), "no request goes to an instance whose circuit is open");
    HttpResponse<Buffer> probed = instanceAction(instance, "reprobe", new JsonObject());
    assertEquals(200, probed.statusCode(), probed.bodyAsString());
    assertEquals("open", probed.bodyAsJsonObject().getString("circuit"), "a probe does not undo an operator's open");
    HttpResponse<Buffer> closed = instanceAction(instance, "circuit", new JsonObject().put("action", "close"));
    assertEquals("closed", closed.bodyAsJsonObject().getString("circuit"));
    Await.until("the closed circuit in the providers view", VIEW,
        () -> "closed".equals(espeakOn(p1).getString("circuit")));

    int changedTo = capacity + 1;
    HttpResponse<Buffer> changed = instanceAction(instance, "capacity", new JsonObject().put("capacity", changedTo));
    assertEquals(changedTo, changed.bodyAsJsonObject().getInteger("capacity"), changed.bodyAsString());
    Await.until("the new capacity in the providers view", VIEW,
        () -> espeakOn(p1).getInteger("capacity") == changedTo);
    HttpResponse<Buffer> refused = instanceAction(instance, "capacity", new JsonObject().put("capacity", 0));
    assertEquals(400, refused.statusCode(), refused.bodyAsString());
    assertEquals(200, instanceAction(instance, "capacity", new JsonObject().put("capacity", capacity)).statusCode());

    List<String> audited = view("/admin/v1/audit").stream().map(JsonObject.class::cast)
        .filter(e -> e.getString("target").equals(instance)).map(e -> e.getString("action") + ":" + e.getString("outcome"))
        .toList();
    assertEquals(List.of("capacity:ok", "capacity:failed", "capacity:ok", "circuit-close:ok", "reprobe:ok",
        "circuit-open:ok", "circuit-open:refused"), audited);
  }

  private static JsonObject espeakOn(String nodeId) throws Exception {
    return view("/admin/v1/providers").stream().map(JsonObject.class::cast)
        .filter(p -> p.getString("node").equals(nodeId) && p.getJsonObject("info").getString("name").equals("espeak"))
        .findFirst().orElseThrow(() -> new AssertionError("no espeak instance on " + nodeId));
  }

  private static HttpResponse<Buffer> instanceAction(String instance, String action, JsonObject body) throws Exception {
    return call(HttpMethod.POST, "/admin/v1/instances/" + instance + "/" + action, ADMIN_TOKEN,
        body.put("confirm", instance));
  }

  @Test
  void sessionsAreListedWithoutTextAndADisconnectClosesTheClient() throws Exception {
    String wsToken = AdminCluster.wsToken("dave");
    try (WsProbe ws = new WsProbe(client, gateway.httpPort(), "/ws?token=" + wsToken)) {
      ws.nextOfType("ready");
      String secret = "The secret words of dave.";
      ws.send(new JsonObject().put("type", "synthesize").put("id", "r1").put("text", secret));
      ws.collect("r1");
      JsonObject session = Await.result(() -> "dave's session in the sessions view", VIEW,
          () -> view("/admin/v1/sessions").stream().map(JsonObject.class::cast)
              .filter(s -> "dave".equals(s.getString("subject")) && s.getLong("requests") == 1).findFirst()
              .orElse(null));
      assertEquals(gateway.state().nodeId(), session.getString("node"));
      assertEquals("127.0.0.x", session.getString("client"));
      assertTrue(session.getLong("bytesSent") > 0, session.encode());
      assertFalse(view("/admin/v1/sessions").encode().contains("secret words"), "no text in the view");
      assertEquals(403, call(HttpMethod.GET, "/admin/v1/sessions", apiToken("bob", "user"), null).statusCode());

      String id = session.getString("session");
      assertEquals(404, call(HttpMethod.POST, "/admin/v1/sessions/nobody/disconnect", ADMIN_TOKEN,
          new JsonObject().put("confirm", "nobody")).statusCode());
      HttpResponse<Buffer> disconnected = call(HttpMethod.POST, "/admin/v1/sessions/" + id + "/disconnect",
          ADMIN_TOKEN, new JsonObject().put("confirm", id));
      assertEquals(200, disconnected.statusCode(), disconnected.bodyAsString());
      assertEquals(Short.valueOf((short) 1008), ws.awaitClose(10_000), "the client sees the close");
      Await.until("the session left the view", VIEW, () -> view("/admin/v1/sessions").stream()
          .noneMatch(s -> id.equals(((JsonObject) s).getString("session"))));
      assertTrue(view("/admin/v1/audit").stream().map(JsonObject.class::cast).anyMatch(e -> e.getString("target")
          .equals(id) && e.getString("action").equals("disconnect") && e.getString("outcome").equals("ok")));
    }
  }

  /** Sends the text in the voice (WAV) and tells whether it came from the cache. */
  private static boolean spokenFromCache(String text, String voice) throws Exception {
    HttpResponse<Buffer> spoken = call(HttpMethod.POST, "/api/v1/tts", apiToken("carol"),
        new JsonObject().put("text", text).put("provider", "espeak").put("voice", voice));
    assertEquals(200, spoken.statusCode(), spoken.bodyAsString());
    return Boolean.parseBoolean(spoken.getHeader("X-TTS-Cached"));
  }

  @Test
  void cacheEntriesAreEvictedByVoiceAndByProviderAndTheOthersStay() throws Exception {
    String text = "Evict me " + UUID.randomUUID() + ".";
    assertFalse(spokenFromCache(text, "en-us"));
    assertFalse(spokenFromCache(text, "en-gb"));
    assertTrue(spokenFromCache(text, "en-us"));
    assertTrue(spokenFromCache(text, "en-gb"));

    String voicePath = "/admin/v1/cache/providers/espeak/voices/en-us/evict";
    assertEquals(400, call(HttpMethod.POST, voicePath, ADMIN_TOKEN, new JsonObject().put("confirm", "en-us"))
        .statusCode(), "the target is the provider and the voice");
    assertEquals(400, call(HttpMethod.POST, "/admin/v1/cache/providers/Bad*Name/evict", ADMIN_TOKEN,
        new JsonObject().put("confirm", "Bad*Name")).statusCode());
    assertEquals(403, call(HttpMethod.POST, voicePath, apiToken("bob", "user"),
        new JsonObject().put("confirm", "espeak/en-us")).statusCode());
    HttpResponse<Buffer> byVoice = call(HttpMethod.POST, voicePath, ADMIN_TOKEN,
        new JsonObject().put("confirm", "espeak/en-us"));
    assertEquals(200, byVoice.statusCode(), byVoice.bodyAsString());
    assertTrue(byVoice.bodyAsJsonObject().getLong("evicted") >= 1, byVoice.bodyAsString());
    assertEquals(gateway.state().nodeId(),
        byVoice.bodyAsJsonObject().getJsonArray("nodes").getJsonObject(0).getString("node"), "the cache node");
    assertFalse(spokenFromCache(text, "en-us"), "the voice's entry is gone");
    assertTrue(spokenFromCache(text, "en-gb"), "another voice's entry stays");

    JsonObject byProvider = new JsonObject(adminScript("--yes", "evict-provider", "espeak"));
    assertTrue(byProvider.getLong("evicted") >= 2, byProvider.encode());
    assertFalse(spokenFromCache(text, "en-gb"), "every voice of the provider is gone");
    JsonObject again = new JsonObject(adminScript("--yes", "evict-voice", "espeak", "en-fr"));
    assertEquals(0L, again.getLong("evicted"), "nothing cached in that voice");

    List<String> audited = view("/admin/v1/audit").stream().map(JsonObject.class::cast)
        .filter(e -> e.getString("action").equals("cache-evict") && e.getString("target").startsWith("espeak"))
        .map(e -> e.getString("target") + ":" + e.getString("outcome")).toList();
    assertEquals(List.of("espeak/en-fr:ok", "espeak:ok", "espeak/en-us:ok", "espeak/en-us:refused"), audited);
    String metrics = http.get(gateway.httpPort(), "127.0.0.1", "/metrics").send().await(10, TimeUnit.SECONDS)
        .bodyAsString();
    assertTrue(new Scrape(metrics).sum("admin_actions_total", "action", "cache-evict", "outcome", "ok") >= 3, metrics);
  }

  @Test
  void aStoppedNodeLeavesTheView() throws Exception {
    String id = cluster.join("p3", "providers").state().nodeId();
    Await.until("p3 in the nodes view", VIEW, () -> names().contains("p3"));
    cluster.stop("p3");
    Await.until("p3 gone from the nodes view", VIEW, () -> view("/admin/v1/nodes").stream()
        .noneMatch(n -> ((JsonObject) n).getString("node").equals(id)));
  }

  /** The names of the nodes in the view (null for a node that did not answer). */
  private static List<String> names() throws Exception {
    return new JsonArray(adminScript("nodes")).stream().map(n -> ((JsonObject) n).getString("name")).toList();
  }
}
