package com.ervc.it;

import com.ervc.node.Node;
import com.ervc.testing.Jwt;
import com.ervc.testing.RawWebSocket;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** JWT authentication of the WebSocket and the HTTP API, Origin and Host checks, on a node in AUTH_MODE=jwt. */
class AuthIT {
  private static final String SECRET = "an-integration-test-secret-of-48-bytes-length!!";
  private static final short AUTH_FAILED = 4001;
  private static Vertx client;
  private static WebClient http;
  private static Node node;

  @BeforeAll
  static void start() {
    Map<String, String> env = TestNodes.env(TestNodes.uniqueClusterName());
    env.putAll(Map.of("AUTH_MODE", "jwt", "JWT_SECRET", SECRET, "JWT_ISSUER", "ervc-test", "JWT_AUDIENCE", "tts",
        "JWT_LEEWAY_SECONDS", "0", "ALLOWED_HOSTS", "127.0.0.1,*.example.test", "TRUSTED_PROXIES", "127.0.0.1",
        "CORS_ORIGINS", "https://console.example.test", "CHARACTERS_PER_USER_PER_MINUTE", "60"));
    node = TestNodes.start(env);
    client = Vertx.vertx();
    http = WebClient.create(client);
  }

  @AfterAll
  static void stop() throws Exception {
    client.close().await(10, TimeUnit.SECONDS);
    TestNodes.stop(node);
  }

  private static JsonObject valid(String type, long ttl) {
    return Jwt.claims("alice", type, ttl).put("iss", "ervc-test").put("aud", "tts");
  }

  static Stream<Arguments> refusedTokens() {
    return Stream.of(
        Arguments.of("expired", Jwt.sign("HS256", valid("websocket", -30), SECRET)),
        Arguments.of("no exp", Jwt.sign("HS256", valid("websocket", 60).copy().put("exp", (Object) null), SECRET)),
        Arguments.of("alg none", Jwt.sign("none", valid("websocket", 60), SECRET)),
        Arguments.of("wrong alg HS512", Jwt.sign("HS512", valid("websocket", 60), SECRET)),
        Arguments.of("wrong signature", Jwt.sign("HS256", valid("websocket", 60), SECRET + "x")),
        Arguments.of("wrong service", Jwt.sign("HS256", valid("websocket", 60).put("service", "other"), SECRET)),
        Arguments.of("api token on the socket", Jwt.sign("HS256", valid("api", 60), SECRET)),
        Arguments.of("wrong audience", Jwt.sign("HS256", valid("websocket", 60).put("aud", "billing"), SECRET)),
        Arguments.of("wrong issuer", Jwt.sign("HS256", valid("websocket", 60).put("iss", "mallory"), SECRET)),
        Arguments.of("garbage", "not.a.jwt"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusedTokens")
  void refusedTokensCloseTheSocketWith4001BeforeAnyMessage(String name, String token) throws Exception {
    assertEquals(AUTH_FAILED, firstFrameCloseCode(token), name);
  }

  /**
   * The close code, asserting the close is the very first frame (no message, not even ready). A raw socket, as
   * the server closes at once, which can beat a client library's own handshake bookkeeping.
   */
  private static int firstFrameCloseCode(String token) throws Exception {
    try (java.net.Socket socket = RawWebSocket.open(node.httpPort(), token)) {
      byte[][] first = RawWebSocket.readFrame(socket.getInputStream());
      assertEquals(0x8, first[0][0], "the first frame closes the connection");
      return ((first[1][0] & 0xFF) << 8) | (first[1][1] & 0xFF);
    }
  }

  @Test
  void noTokenIsRefusedToo() throws Exception {
    assertEquals(AUTH_FAILED, firstFrameCloseCode(""));
  }

  @Test
  void aValidTokenSpeaksAndTheSubprotocolFormWorks() throws Exception {
    String token = Jwt.sign("HS256", valid("websocket", 60), SECRET);
    try (WsProbe ws = new WsProbe(client, node.httpPort(), "/ws?token=" + token)) {
      ws.nextOfType("ready");
      ws.send(new JsonObject().put("type", "synthesize").put("id", "a").put("text", "Authorised speech."));
      assertEquals("audio_end", ws.collect("a").last().getString("type"));
    }
  }

  @Test
  void theTokenCanTravelAsASubprotocol() throws Exception {
    String token = Jwt.sign("HS256", valid("websocket", 60), SECRET);
    String offered = "base64url.bearer." + java.util.Base64.getUrlEncoder().withoutPadding()
        .encodeToString(token.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    var ws = client.createWebSocketClient();
    try {
      java.util.concurrent.CompletableFuture<String> first = new java.util.concurrent.CompletableFuture<>();
      var socket = ws.webSocket().textMessageHandler(first::complete);
      socket.connect(new io.vertx.core.http.WebSocketConnectOptions().setPort(node.httpPort())
          .setHost("127.0.0.1").setURI("/ws").setSubProtocols(java.util.List.of("ervc.v1", offered)))
          .await(10, TimeUnit.SECONDS);
      assertEquals("ervc.v1", socket.subProtocol(), "the server echoes the real subprotocol, never the token");
      assertEquals("ready", new JsonObject(first.get(10, TimeUnit.SECONDS)).getString("type"));
      socket.close().await(5, TimeUnit.SECONDS);
    } finally {
      ws.close().await(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void tokensWithoutSubjectAreRefused() throws Exception {
    JsonObject anonymous = valid("websocket", 60);
    anonymous.remove("sub");
    assertEquals(AUTH_FAILED, firstFrameCloseCode(Jwt.sign("HS256", anonymous, SECRET)));
  }

  @Test
  void theHttpApiIsChargedAgainstTheCharacterQuota() throws Exception {
    String api = Jwt.sign("HS256", Jwt.claims("quota-user", "api", 60).put("iss", "ervc-test").put("aud", "tts"), SECRET);
    Buffer body = new JsonObject().put("text", "Forty characters of text for the quota.").toBuffer();
    var first = http.post(node.httpPort(), "127.0.0.1", "/api/v1/tts").bearerTokenAuthentication(api)
        .sendBuffer(body).await(30, TimeUnit.SECONDS);
    assertEquals(200, first.statusCode());
    var second = http.post(node.httpPort(), "127.0.0.1", "/api/v1/tts").bearerTokenAuthentication(api)
        .sendBuffer(body).await(30, TimeUnit.SECONDS);
    assertEquals(429, second.statusCode(), "80 of 60 characters per minute");
    assertEquals("rate_limited", second.bodyAsJsonObject().getJsonObject("error").getString("code"));
  }

  @Test
  void aSessionClosesWhenItsTokenExpiresUnlessRenewed() throws Exception {
    // exp is in whole seconds, so a token of N seconds lives between N - 1 and N: two handshakes and the renewal
    // must fit in that before the node closes the socket to be renewed. 2 left as little as one second for them.
    String shortLived = Jwt.sign("HS256", valid("websocket", 5), SECRET);
    try (WsProbe expiring = new WsProbe(client, node.httpPort(), "/ws?token=" + shortLived);
         WsProbe renewed = new WsProbe(client, node.httpPort(), "/ws?token=" + shortLived)) {
      expiring.nextOfType("ready");
      renewed.nextOfType("ready");
      renewed.send(new JsonObject().put("type", "auth").put("token", Jwt.sign("HS256", valid("websocket", 60), SECRET)));
      assertTrue(renewed.nextOfType("auth").getLong("expiresAt") > System.currentTimeMillis() + 30_000);
      assertEquals(AUTH_FAILED, expiring.awaitClose(10_000));
      renewed.send(new JsonObject().put("type", "ping"));
      assertEquals("pong", renewed.nextOfType("pong").getString("type"), "the renewed session outlives the old expiry");
    }
  }

  private static HttpResponse<Buffer> get(String path, String bearer, Map<String, String> headers) throws Exception {
    var request = http.get(node.httpPort(), "127.0.0.1", path);
    if (bearer != null) {
      request.bearerTokenAuthentication(bearer);
    }
    headers.forEach(request::putHeader);
    return request.send().await(10, TimeUnit.SECONDS);
  }

  @Test
  void theApiNeedsAnApiTokenAndDevTokensDoNotExistInJwtMode() throws Exception {
    assertEquals(200, get("/api/v1/voices", Jwt.sign("HS256", valid("api", 60), SECRET), Map.of()).statusCode());
    HttpResponse<Buffer> none = get("/api/v1/voices", null, Map.of());
    assertEquals(401, none.statusCode());
    assertEquals("Bearer", none.getHeader("WWW-Authenticate"));
    assertEquals("unauthorized", none.bodyAsJsonObject().getJsonObject("error").getString("code"));
    assertEquals(401, get("/api/v1/voices", Jwt.sign("HS256", valid("websocket", 60), SECRET), Map.of()).statusCode());
    assertEquals(401, get("/api/v1/voices", Jwt.sign("HS256", valid("api", -5), SECRET), Map.of()).statusCode());
    assertEquals(404, http.post(node.httpPort(), "127.0.0.1", "/api/v1/auth/dev-token").send()
        .await(10, TimeUnit.SECONDS).statusCode());
    assertEquals(200, get("/live", null, Map.of()).statusCode(), "probes need no token");
  }

  @Test
  void crossSiteOriginsCannotOpenWebSockets() throws Exception {
    String token = Jwt.sign("HS256", valid("websocket", 60), SECRET);
    var evil = client.createWebSocketClient();
    try {
      Throwable refused = evil.connect(new io.vertx.core.http.WebSocketConnectOptions().setPort(node.httpPort())
              .setHost("127.0.0.1").setURI("/ws?token=" + token).addHeader("Origin", "https://evil.example"))
          .transform(ar -> io.vertx.core.Future.succeededFuture(ar.cause())).await(10, TimeUnit.SECONDS);
      assertTrue(refused instanceof io.vertx.core.http.UpgradeRejectedException r && r.getStatus() == 403,
          String.valueOf(refused));
      var listed = evil.connect(new io.vertx.core.http.WebSocketConnectOptions().setPort(node.httpPort())
          .setHost("127.0.0.1").setURI("/ws?token=" + token).addHeader("Origin", "https://console.example.test"))
          .await(10, TimeUnit.SECONDS);
      listed.close().await(5, TimeUnit.SECONDS);
    } finally {
      evil.close().await(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void plainHttpIsRedirectedToHttpsWhenConfigured() throws Exception {
    Map<String, String> env = TestNodes.env(TestNodes.uniqueClusterName());
    env.putAll(Map.of("HTTPS_REDIRECT", "true", "TRUSTED_PROXIES", "127.0.0.1"));
    Node redirecting = TestNodes.start(env);
    try {
      var plain = http.get(redirecting.httpPort(), "127.0.0.1", "/index.html?x=1").followRedirects(false)
          .putHeader("Host", "tts.example.test").send().await(10, TimeUnit.SECONDS);
      assertEquals(308, plain.statusCode());
      assertEquals("https://tts.example.test/index.html?x=1", plain.getHeader("Location"));
      var viaTls = http.get(redirecting.httpPort(), "127.0.0.1", "/index.html").followRedirects(false)
          .putHeader("X-Forwarded-Proto", "https").send().await(10, TimeUnit.SECONDS);
      assertEquals(200, viaTls.statusCode());
      var probe = http.get(redirecting.httpPort(), "127.0.0.1", "/live").followRedirects(false)
          .send().await(10, TimeUnit.SECONDS);
      assertEquals(200, probe.statusCode(), "probes are never redirected");
    } finally {
      TestNodes.stop(redirecting);
    }
  }

  @Test
  void unknownHostsAreRefusedAndHstsFollowsTheTrustedProxy() throws Exception {
    assertEquals(400, get("/", null, Map.of("Host", "attacker.example")).statusCode());
    assertEquals(200, get("/", null, Map.of("Host", "tts.example.test")).statusCode());
    assertEquals(200, get("/live", null, Map.of("Host", "10.1.2.3:8000")).statusCode(), "probes use the pod address");
    assertEquals(null, get("/live", null, Map.of()).getHeader("Strict-Transport-Security"));
    assertTrue(get("/live", null, Map.of("X-Forwarded-Proto", "https")).getHeader("Strict-Transport-Security")
        .startsWith("max-age="));
    HttpResponse<Buffer> page = get("/", null, Map.of());
    for (String header : new String[] {"Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options",
        "Referrer-Policy"}) {
      assertTrue(page.getHeader(header) != null, header);
    }
  }
}
