package com.ervc.it;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.ervc.node.Node;
import com.ervc.protocol.Addresses;
import com.ervc.testing.Await;
import com.ervc.testing.Jwt;
import com.ervc.testing.Scrape;
import com.ervc.testing.TestNodes;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The admin console's SockJS event-bus bridge on one node, spoken to by a real WebSocket client in the bridge's
 * JSON frames (docs/admin-console.md): only a ticket from an admin opens a socket; internal addresses are refused,
 * logged and counted in every direction; an action over the bridge is the REST action (audited with the socket's
 * actor, whatever the frame claims); the live tail stays within its cap while thousands of messages pass; the
 * connected-consoles gauge follows the sockets.
 */
class AdminBridgeIT {
  private static final String ADMIN_TOKEN = "bridge-it-credential-0123456789";
  private static final String SECRET = "bridge-it-jwt-secret-0123456789-abcdef";
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static Node node;
  private static Vertx client;
  private static WebClient http;
  private static WebSocketClient sockets;
  private static ListAppender<ILoggingEvent> bridgeLog;

  @BeforeAll
  static void start() {
    Map<String, String> env = new HashMap<>(TestNodes.env(TestNodes.uniqueClusterName()));
    env.putAll(Map.of("NODE_NAME", "bridge", "ADMIN_TOKEN", ADMIN_TOKEN, "AUTH_MODE", "jwt", "JWT_SECRET", SECRET,
        "HEALTH_PROBE_INTERVAL_SECONDS", "3600"));
    node = TestNodes.start(env);
    client = Vertx.vertx();
    http = WebClient.create(client);
    sockets = client.createWebSocketClient();
    bridgeLog = new ListAppender<>();
    bridgeLog.start();
    ((Logger) LoggerFactory.getLogger("com.ervc.admin.AdminBridge")).addAppender(bridgeLog);
  }

  @AfterAll
  static void stop() throws Exception {
    ((Logger) LoggerFactory.getLogger("com.ervc.admin.AdminBridge")).detachAppender(bridgeLog);
    client.close().await(10, TimeUnit.SECONDS);
    TestNodes.stop(node);
  }

  private static String apiToken(String subject, String... roles) {
    return Jwt.sign("HS256", Jwt.claims(subject, "api", 300).put("roles", new JsonArray(List.of(roles))), SECRET);
  }

  private static HttpResponse<Buffer> ticketFor(String bearer) throws Exception {
    var request = http.post(node.httpPort(), "127.0.0.1", "/admin/v1/bridge/ticket");
    if (bearer != null) {
      request.bearerTokenAuthentication(bearer);
    }
    return request.send().await(15, TimeUnit.SECONDS);
  }

  private static String ticket(String bearer) throws Exception {
    HttpResponse<Buffer> answer = ticketFor(bearer);
    assertEquals(200, answer.statusCode(), answer.bodyAsString());
    assertEquals("/admin/eventbus/websocket", answer.bodyAsJsonObject().getString("path"));
    return answer.bodyAsJsonObject().getString("ticket");
  }

  private static double metric(String name, String... labels) {
    return new Scrape(node.metrics().registry().scrape()).sum(name, labels);
  }

  private static double refused(String reason) {
    return metric("admin_bridge_refused_total", "reason", reason);
  }

  /** A console's socket: the bridge's JSON frames in, each received frame queued. */
  private static final class Console implements AutoCloseable {
    final WebSocket socket;
    final LinkedBlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();

    Console(String ticket) throws Exception {
      socket = sockets.connect(node.httpPort(), "127.0.0.1", "/admin/eventbus/websocket?ticket=" + ticket)
          .await(15, TimeUnit.SECONDS);
      // The bridge writes its frames as binary WebSocket messages (JSON text inside).
      socket.handler(data -> frames.add(data.toJsonObject()));
    }

    void frame(JsonObject frame) throws Exception {
      socket.writeTextMessage(frame.encode()).await(10, TimeUnit.SECONDS);
    }

    /** Sends {@code body} to {@code address} expecting a reply; returns the reply or error frame. */
    JsonObject request(String address, JsonObject body, JsonObject headers) throws Exception {
      String replyAddress = UUID.randomUUID().toString();
      frame(new JsonObject().put("type", "send").put("address", address).put("replyAddress", replyAddress)
          .put("body", body).put("headers", headers));
      return next(f -> replyAddress.equals(f.getString("address")) || "err".equals(f.getString("type")));
    }

    /** The next frame that fits, skipping others; fails after {@link #WAIT}. */
    JsonObject next(Predicate<JsonObject> wanted) throws Exception {
      long until = System.nanoTime() + WAIT.toNanos();
      while (System.nanoTime() < until) {
        JsonObject frame = frames.poll(until - System.nanoTime(), TimeUnit.NANOSECONDS);
        if (frame != null && wanted.test(frame)) {
          return frame;
        }
      }
      throw new AssertionError("no such frame within " + WAIT);
    }

    @Override
    public void close() throws Exception {
      socket.close().await(10, TimeUnit.SECONDS);
    }
  }

  private static JsonObject pushed(Console console, String view) throws Exception {
    return console.next(f -> "rec".equals(f.getString("type")) && Addresses.adminView(view).equals(f.getString("address")));
  }

  private static void register(Console console, String view) throws Exception {
    console.frame(new JsonObject().put("type", "register").put("address", Addresses.adminView(view)));
  }

  /** The refusal of a WebSocket upgrade to {@code path}; fails the test if the socket opens. */
  private static UpgradeRejectedException upgradeRefusal(String path) {
    try {
      sockets.connect(node.httpPort(), "127.0.0.1", path).await(15, TimeUnit.SECONDS).close();
    } catch (Exception e) {
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      return assertInstanceOf(UpgradeRejectedException.class, cause, path);
    }
    throw new AssertionError(path + " opened a socket");
  }

  @Test
  void onlyAnAdminsTicketOpensASocket() throws Exception {
    assertEquals(401, ticketFor(null).statusCode());
    assertEquals(401, ticketFor(ADMIN_TOKEN + "x").statusCode());
    HttpResponse<Buffer> user = ticketFor(apiToken("bob", "user"));
    assertEquals(403, user.statusCode());
    assertFalse(user.bodyAsString().contains("ticket\""), user.bodyAsString());

    double before = refused("unauthenticated");
    for (String path : List.of("/admin/eventbus/websocket", "/admin/eventbus/websocket?ticket=forged",
        "/admin/eventbus/websocket?ticket=")) {
      assertEquals(401, upgradeRefusal(path).getStatus(), path);
    }
    assertEquals(before + 3, refused("unauthenticated"));

    String once = ticket(apiToken("carol", "admin"));
    try (Console console = new Console(once)) {
      register(console, "nodes");
      JsonObject nodes = pushed(console, "nodes").getJsonObject("body");
      assertEquals("nodes", nodes.getString("view"));
      assertEquals(node.state().nodeId(), nodes.getJsonArray("data").getJsonObject(0).getString("node"));
    }
    assertEquals(401, upgradeRefusal("/admin/eventbus/websocket?ticket=" + once).getStatus(),
        "a ticket opens one socket only");
    assertEquals(before + 4, refused("unauthenticated"));
  }

  @Test
  void internalAddressesAreRefusedLoggedAndCounted() throws Exception {
    double before = refused("address");
    bridgeLog.list.clear();
    try (Console console = new Console(ticket(ADMIN_TOKEN))) {
      // A drain sent straight to the node's agent would work if it got through.
      JsonObject drainHeaders = new JsonObject().put("type", "admin-drain").put("protocol", "1.0");
      List<JsonObject> attempts = List.of(
          new JsonObject().put("type", "send").put("address", Addresses.adminNode(node.state().nodeId()))
              .put("headers", drainHeaders).put("body", new JsonObject()),
          new JsonObject().put("type", "send").put("address", Addresses.PIPELINE_SYNTHESIZE).put("body", "x"),
          new JsonObject().put("type", "publish").put("address", Addresses.provider("espeak")).put("body", "x"),
          new JsonObject().put("type", "publish").put("address", Addresses.adminAction("drain"))
              .put("body", new JsonObject()),
          new JsonObject().put("type", "register").put("address", Addresses.PROVIDER_LOAD),
          new JsonObject().put("type", "register").put("address", Addresses.adminAction("drain")));
      for (JsonObject attempt : attempts) {
        console.frame(attempt);
        JsonObject error = console.next(f -> "err".equals(f.getString("type")));
        assertEquals("rejected", error.getString("body"), attempt.encode());
      }
      assertEquals(before + attempts.size(), refused("address"));
      for (JsonObject attempt : attempts) {
        assertTrue(bridgeLog.list.stream().anyMatch(e -> e.getFormattedMessage().contains("reason=address")
                && e.getFormattedMessage().contains("frame=" + attempt.getString("type"))
                && e.getFormattedMessage().contains("address=" + attempt.getString("address"))),
            "not logged: " + attempt.encode());
      }
      assertFalse(node.state().drainStatus().getBoolean("draining"), "the internal drain got through");
      // A permitted view arrives, and none of the refused registrations' messages came before or with it.
      register(console, "nodes");
      pushed(console, "nodes");
      assertTrue(console.frames.stream().noneMatch(f -> Addresses.PROVIDER_LOAD.equals(f.getString("address"))));
    }
  }

  @Test
  void anActionOverTheBridgeIsTheRestActionAuditedWithTheSocketsActor() throws Exception {
    double evictions = metric("admin_actions_total", "action", "cache-evict", "outcome", "ok");
    try (Console console = new Console(ticket(apiToken("carol", "admin")))) {
      register(console, "audit");
      JsonObject forged = new JsonObject().put("actor", "mallory").put("type", "admin-drain");
      JsonObject unconfirmed = console.request(Addresses.adminAction("evict"), new JsonObject().put("target", "all"),
          forged);
      assertEquals("err", unconfirmed.getString("type"));
      assertEquals(400, unconfirmed.getInteger("failureCode"), unconfirmed.encode());

      JsonObject evicted = console.request(Addresses.adminAction("evict"),
          new JsonObject().put("target", "all").put("confirm", "all"), forged);
      assertEquals("rec", evicted.getString("type"), evicted.encode());
      assertEquals(node.state().nodeId(), evicted.getJsonObject("body").getJsonArray("nodes").getJsonObject(0)
          .getString("node"));

      JsonObject unknown = console.request(Addresses.adminAction("circuit"),
          new JsonObject().put("target", "no-such-instance").put("confirm", "no-such-instance").put("action", "open"),
          forged);
      assertEquals(404, unknown.getInteger("failureCode"), unknown.encode());

      JsonArray audit = http.get(node.httpPort(), "127.0.0.1", "/admin/v1/audit").bearerTokenAuthentication(ADMIN_TOKEN)
          .send().await(15, TimeUnit.SECONDS).bodyAsJsonArray();
      List<String> entries = audit.stream().map(JsonObject.class::cast).map(e -> e.getString("actor") + " "
          + e.getString("action") + " " + e.getString("target") + " " + e.getString("outcome")).toList();
      assertEquals(List.of("jwt:carol circuit-open no-such-instance failed", "jwt:carol cache-evict all ok",
          "jwt:carol cache-evict all refused"), entries.subList(0, 3));
      // The pushed audit view shows the same entries.
      JsonObject view = console.next(f -> Addresses.adminView("audit").equals(f.getString("address"))
          && f.getJsonObject("body").getJsonArray("data").size() >= 3
          && f.getJsonObject("body").getJsonArray("data").getJsonObject(0).getString("action").equals("circuit-open"));
      assertEquals("jwt:carol", view.getJsonObject("body").getJsonArray("data").getJsonObject(1).getString("actor"));
      assertEquals(evictions + 1, metric("admin_actions_total", "action", "cache-evict", "outcome", "ok"));
    }
  }

  @Test
  void theTailStaysWithinItsCapThroughTheSocketUnderLoad() throws Exception {
    String receiver = Addresses.receiver("bridge-it-" + UUID.randomUUID());
    MessageConsumer<Object> sink = node.vertx().eventBus().consumer(receiver, msg -> { });
    sink.completion().await(10, TimeUnit.SECONDS);
    int offered = 5_000;
    try (Console console = new Console(ticket(ADMIN_TOKEN))) {
      register(console, "tail");
      JsonObject started = console.request(Addresses.adminAction("tail"), new JsonObject().put("target", "start")
          .put("confirm", "start").put("addresses", new JsonArray().add("tts.pipeline.receiver.<id>"))
          .put("seconds", 120), new JsonObject());
      assertEquals("rec", started.getString("type"), started.encode());
      for (int i = 0; i < offered; i++) {
        node.vertx().eventBus().send(receiver, new JsonObject().put("n", i).put("text", "private words"));
      }
      Map<String, Integer> perSecond = new HashMap<>();
      Map<Long, Boolean> seen = new HashMap<>();
      long kept = 0;
      long dropped = 0;
      Instant until = Instant.now().plus(WAIT);
      while (kept + dropped < offered && Instant.now().isBefore(until)) {
        JsonObject tail = pushed(console, "tail").getJsonObject("body").getJsonObject("data");
        for (Object s : tail.getJsonArray("samples")) {
          JsonObject sample = (JsonObject) s;
          assertEquals(receiver, sample.getString("address"));
          assertEquals("[text, 13 chars]", sample.getJsonObject("body").getString("text"), "text is hidden");
          assertFalse(seen.containsKey(sample.getLong("seq")), "a sample is pushed once");
          seen.put(sample.getLong("seq"), true);
          perSecond.merge(sample.getString("at").substring(0, 19), 1, Integer::sum);
        }
        JsonObject state = tail.getJsonArray("nodes").getJsonObject(0);
        kept = state.getLong("kept");
        dropped = state.getLong("dropped");
      }
      assertEquals(offered, kept + dropped, "every offered message was kept or dropped");
      assertTrue(dropped >= offered - 20L * WAIT.toSeconds(), "the cap dropped most: kept " + kept);
      assertTrue(seen.size() <= kept, seen.size() + " samples pushed, " + kept + " kept");
      assertFalse(seen.isEmpty());
      perSecond.forEach((second, samples) -> assertTrue(samples <= 20, samples + " samples in " + second));
      JsonObject stopped = console.request(Addresses.adminAction("tail"), new JsonObject().put("target", "stop")
          .put("confirm", "stop"), new JsonObject());
      assertFalse(stopped.getJsonObject("body").getJsonArray("nodes").getJsonObject(0).getBoolean("on"));
    } finally {
      sink.unregister().await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void theConnectedConsolesGaugeFollowsTheSockets() throws Exception {
    Await.until("no console connected", WAIT, () -> metric("admin_consoles_connected") == 0);
    Console first = new Console(ticket(ADMIN_TOKEN));
    Console second = new Console(ticket(apiToken("dave", "admin")));
    Await.until("two consoles", WAIT, () -> metric("admin_consoles_connected") == 2);
    first.close();
    Await.until("one console", WAIT, () -> metric("admin_consoles_connected") == 1);
    second.close();
    Await.until("no console", WAIT, () -> metric("admin_consoles_connected") == 0);
  }
}
