package com.ervc.it;

import com.ervc.node.Node;
import com.ervc.testing.Jwt;
import com.ervc.testing.RawWebSocket;
import com.ervc.testing.RedisServer;
import com.ervc.testing.TestNodes;
import com.ervc.testing.WsProbe;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Limits hit at the configured numbers on two gateway nodes sharing one real Redis (cluster-wide), and on a node
 * whose Redis is stopped (it enforces them on its own). Each test starts with an empty Redis, so with fresh buckets
 * and no leases; that a bucket refills with time is checked in RedisRateLimiterTest with a short window.
 */
class RateLimitIT {
  private static final short TOO_MANY = 4008;
  private static final String SHARED_SECRET = "a-shared-secret-for-both-gateways-0123456789";
  private static RedisServer redis;
  private static Node a;
  private static Node b;
  private static Vertx client;
  private static WebClient http;

  @BeforeAll
  static void start() throws Exception {
    redis = new RedisServer().start();
    a = TestNodes.start(env(redis));
    b = TestNodes.start(env(redis));
    client = Vertx.vertx();
    http = WebClient.create(client);
  }

  @BeforeEach
  void emptyRedis() {
    assertEquals("+OK", redis.command("FLUSHALL"));
  }

  private static Map<String, String> env(RedisServer redis) {
    Map<String, String> env = TestNodes.env(TestNodes.uniqueClusterName());
    env.putAll(Map.of("REDIS_URL", redis.url(), "API_RATE_LIMIT", "6", "WS_CONNECTIONS_PER_IP_PER_MINUTE", "3",
        "WEBSOCKET_RATE_LIMIT", "5", "CHARACTERS_PER_USER_PER_MINUTE", "100", "WS_CONNECTIONS_PER_USER", "2",
        // One secret for both gateways, as in any cluster: a token from one is valid on the other.
        "JWT_SECRET", SHARED_SECRET));
    return env;
  }

  @AfterAll
  static void stop() throws Exception {
    client.close().await(10, TimeUnit.SECONDS);
    TestNodes.stop(a);
    TestNodes.stop(b);
    redis.close();
  }

  private static HttpResponse<Buffer> voices(Node node, String apiToken) throws Exception {
    return http.get(node.httpPort(), "127.0.0.1", "/api/v1/voices").bearerTokenAuthentication(apiToken)
        .send().await(10, TimeUnit.SECONDS);
  }

  private static JsonObject tokens(Node node) throws Exception {
    HttpResponse<Buffer> response = http.post(node.httpPort(), "127.0.0.1", "/api/v1/auth/dev-token").send()
        .await(10, TimeUnit.SECONDS);
    assertEquals(200, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonObject();
  }

  @Test
  void webSocketConnectionsPerIpAreCountedAcrossNodes() throws Exception {
    // Three connections per minute from this IP, whichever node they reach: the fourth is closed with 4008.
    JsonObject t1 = tokens(a);
    JsonObject t2 = tokens(b);
    try (WsProbe first = new WsProbe(client, a.httpPort(), "/ws?token=" + t1.getString("token"));
         WsProbe second = new WsProbe(client, b.httpPort(), "/ws?token=" + t2.getString("token"));
         WsProbe third = new WsProbe(client, a.httpPort(), "/ws?token=" + tokens(a).getString("token"))) {
      first.nextOfType("ready");
      second.nextOfType("ready");
      third.nextOfType("ready");
      // A raw socket: the server closes at once, which can beat a client library's own handshake bookkeeping.
      assertEquals(TOO_MANY, RawWebSocket.closeCode(b.httpPort(), tokens(b).getString("token")));

      // Characters per user per minute (100): a 60-character request passes, the next one does not.
      String sixty = "This sentence is exactly sixty characters long, give or tak.";
      assertEquals(60, sixty.length());
      second.send(new JsonObject().put("type", "synthesize").put("id", "c1").put("text", sixty));
      assertEquals("audio_end", second.collect("c1").last().getString("type"));
      second.send(new JsonObject().put("type", "synthesize").put("id", "c2").put("text", sixty));
      JsonObject quota = second.collect("c2").last();
      assertEquals("rate_limited", quota.getString("code"), quota.encode());

      // Inside a session: five messages per minute per connection, then rate_limited (and the session lives).
      for (int i = 0; i < 5; i++) {
        first.send(new JsonObject().put("type", "ping"));
        first.nextOfType("pong");
      }
      first.send(new JsonObject().put("type", "ping"));
      assertEquals("rate_limited", first.nextOfType("error").getString("code"));
    }
  }

  @Test
  void apiRequestsPerIpAreCountedAcrossNodes() throws Exception {
    JsonObject user = tokens(a);                          // 1 of 6 (per IP)
    assertEquals(200, voices(a, user.getString("apiToken")).statusCode());   // 2
    assertEquals(200, voices(b, user.getString("apiToken")).statusCode());   // 3
    assertEquals(200, voices(a, user.getString("apiToken")).statusCode());   // 4
    assertEquals(200, voices(b, user.getString("apiToken")).statusCode());   // 5
    assertEquals(200, voices(a, user.getString("apiToken")).statusCode());   // 6
    HttpResponse<Buffer> limited = voices(b, user.getString("apiToken"));
    assertEquals(429, limited.statusCode());
    assertNotNull(limited.getHeader("Retry-After"));
    assertEquals("rate_limited", limited.bodyAsJsonObject().getJsonObject("error").getString("code"));
  }

  @Test
  void openConnectionsPerUserAreCountedAcrossNodes() throws Exception {
    // One user (one token; both gateways share the secret): two open connections anywhere, the third is refused.
    String token = Jwt.sign("HS256", Jwt.claims("carol", "websocket", 300), SHARED_SECRET);
    try (WsProbe onA = new WsProbe(client, a.httpPort(), "/ws?token=" + token);
         WsProbe onB = new WsProbe(client, b.httpPort(), "/ws?token=" + token)) {
      onA.nextOfType("ready");
      onB.nextOfType("ready");
      assertEquals(TOO_MANY, RawWebSocket.closeCode(a.httpPort(), token));
    }
  }

  @Test
  void withRedisStoppedEachNodeEnforcesTheLimitsItself() throws Exception {
    // Its own Redis and node, so stopping Redis leaves the other tests' nodes alone.
    try (RedisServer own = new RedisServer().start()) {
      Node node = TestNodes.start(env(own));
      try {
        JsonObject user = tokens(node);                     // 1 of 6, counted in Redis
        own.stop();
        // The per-IP API budget is now local: the node has its own fresh bucket of 6 for this IP.
        for (int i = 1; i <= 6; i++) {
          assertEquals(200, voices(node, user.getString("apiToken")).statusCode(), "request " + i);
        }
        assertEquals(429, voices(node, user.getString("apiToken")).statusCode());
      } finally {
        TestNodes.stop(node);
      }
    }
  }
}
