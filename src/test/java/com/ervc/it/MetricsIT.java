package com.ervc.it;

import com.ervc.node.Node;
import com.ervc.testing.Await;
import com.ervc.testing.Promtool;
import com.ervc.testing.Scrape;
import com.ervc.testing.TestNodes;
import com.ervc.testing.WsProbe;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** /metrics after real traffic: every family present, counters move as the traffic says, promtool finds no fault. */
class MetricsIT {
  private static Node node;
  private static WebClient http;

  @BeforeAll
  static void start() {
    node = TestNodes.single();
    http = WebClient.create(node.vertx());
  }

  @AfterAll
  static void stop() {
    http.close();
  }

  private static HttpResponse<Buffer> get(int port, String path, String bearer) throws Exception {
    var request = http.get(port, "127.0.0.1", path);
    if (bearer != null) {
      request.putHeader("Authorization", "Bearer " + bearer);
    }
    return request.send().await(10, TimeUnit.SECONDS);
  }

  private static Scrape scrape() throws Exception {
    HttpResponse<Buffer> response = get(node.httpPort(), "/metrics", null);
    assertEquals(200, response.statusCode());
    assertTrue(response.getHeader("Content-Type").startsWith("text/plain; version=0.0.4"));
    return new Scrape(response.bodyAsString());
  }

  /**
   * A scrape once no WebSocket session is open on this shared node. The server handles a close after the client's
   * close() returned (the evaluation CLI's sessions do not even wait for theirs), so a socket an earlier test closed
   * may be counted only after a scrape taken at once: its close, and any reply it cancelled, would then count among
   * this test's changes. A session's close and its cancelled replies are counted before it leaves
   * websocket_connections_active.
   */
  private static Scrape scrapeWithNoSessionOpen() throws Exception {
    return Await.result(() -> "no WebSocket session of an earlier test is still open: "
        + scrape().sum("websocket_connections_active"), Duration.ofSeconds(10), () -> {
          Scrape now = scrape();
          return now.sum("websocket_connections_active") == 0 ? now : null;
        });
  }

  @Test
  void trafficMovesTheCountersAndPromtoolAcceptsTheExposition() throws Exception {
    Scrape before = scrapeWithNoSessionOpen();
    String secret = "Secret words " + UUID.randomUUID().toString().substring(0, 8) + ".";
    long samples;
    try (WsProbe ws = new WsProbe(node.vertx(), node.httpPort())) {
      ws.nextOfType("ready");
      ws.send(new JsonObject().put("type", "synthesize").put("id", "m1").put("text", secret));
      samples = ws.collect("m1").last().getLong("samples");
      ws.send(new JsonObject().put("type", "synthesize").put("id", "m2").put("text", secret));
      assertTrue(ws.collect("m2").last().getBoolean("cached"));
      ws.send(new JsonObject().put("type", "synthesize").put("id", "m3").put("text", "Hi.").put("voice", "zz-nonexistent"));
      assertEquals("invalid_request", ws.nextOfType("error").getString("code"));
      ws.send(new JsonObject().put("type", "synthesize").put("id", "m4").put("text", "Hi.").put("emotion", "smug"));
      assertEquals("invalid_request", ws.nextOfType("error").getString("code"));
      Scrape during = scrape();
      assertTrue(during.sum("websocket_connections_active") >= 1);
    }
    Scrape after = scrape();

    assertEquals(2, delta(before, after, "voice_chat_requests_total", "method", "WS", "status", "200"));
    assertEquals(2, delta(before, after, "voice_chat_requests_total", "method", "WS", "status", "400"));
    assertEquals(2, delta(before, after, "tts_requests_total", "provider", "espeak", "outcome", "ok"));
    assertEquals(2, delta(before, after, "tts_requests_total", "provider", "none", "outcome", "invalid_request"),
        "a bad voice and a bad emotion are refused before a provider is chosen");
    assertEquals(2, delta(before, after, "tts_time_to_first_audio_seconds_count", "provider", "espeak", "tier", "balanced"));
    assertEquals(2.0 * samples / 24_000, delta(before, after, "tts_audio_seconds_total", "provider", "espeak"), 1e-6);
    assertEquals(2 * secret.length(), delta(before, after, "tts_characters_total", "provider", "espeak"), 1e-9);
    assertTrue(delta(before, after, "tts_cache_requests_total", "result", "hit") >= 1);
    assertTrue(delta(before, after, "tts_cache_requests_total", "result", "miss") >= 1);
    assertTrue(after.sum("cache_hit_rate") > 0 && after.sum("cache_hit_rate") <= 1);
    assertTrue(delta(before, after, "tts_synthesis_duration_seconds_count", "provider", "espeak", "voice", "en-us") >= 1);
    assertTrue(after.sum("tts_synthesis_duration_seconds_bucket", "le", "30.0") >= 1);
    assertEquals(13, after.count("tts_time_to_first_audio_seconds_bucket", "provider", "espeak", "tier", "balanced"),
        "the 12 documented buckets plus +Inf, not Micrometer's ~80 defaults");
    assertEquals(1, after.sum("tts_provider_up", "provider", "espeak", "node", node.metrics().node()));
    assertTrue(after.has("tts_provider_load", "provider", "espeak"));
    assertEquals(1000, after.sum("websocket_connections_max"));
    assertEquals(1, after.sum("tts_node_info", "node", node.metrics().node(), "cuda", "false"));
    assertEquals(0, after.sum("voice_cloning_attempts_total"));
    for (String family : new String[] {"vertx_http_server_requests_total", "vertx_eventbus_handlers", "vertx_pool_",
        "jvm_memory_used_bytes"}) {
      assertTrue(after.hasFamily(family), family);
    }

    // Bounded labels: nothing from the requests themselves becomes a label.
    assertFalse(after.text().contains("zz-nonexistent"));
    assertFalse(after.text().contains(secret.substring(13)));
    assertFalse(after.text().contains("m1"));

    Promtool.Result lint = Promtool.runWithInput(after.text(), "check", "metrics");
    assertTrue(lint.ok(), "promtool check metrics:\n" + lint.output());
  }

  @Test
  void closedWebSocketsAreCountedByCode() throws Exception {
    double before = scrapeWithNoSessionOpen().sum("websocket_close_total");
    WsProbe ws = new WsProbe(node.vertx(), node.httpPort());
    ws.nextOfType("ready");
    ws.close();
    Await.until("websocket_close_total counts the close", Duration.ofSeconds(5),
        () -> scrape().sum("websocket_close_total") != before);
    assertEquals(before + 1, scrape().sum("websocket_close_total"));
  }

  @Test
  void metricsCanMoveToAProtectedPortOrBeSwitchedOff() throws Exception {
    Map<String, String> env = TestNodes.env(TestNodes.uniqueClusterName());
    env.put("METRICS_PORT", "0");
    env.put("METRICS_TOKEN", "a-long-enough-test-token");
    Node separate = TestNodes.start(env);
    try {
      assertEquals(404, get(separate.httpPort(), "/metrics", null).statusCode(), "not on the public port");
      assertEquals(401, get(separate.monitoringPort(), "/metrics", null).statusCode());
      assertEquals(401, get(separate.monitoringPort(), "/metrics", "wrong-token-of-some-length").statusCode());
      HttpResponse<Buffer> ok = get(separate.monitoringPort(), "/metrics", "a-long-enough-test-token");
      assertEquals(200, ok.statusCode());
      assertTrue(new Scrape(ok.bodyAsString()).has("tts_node_info"));
      assertEquals(200, get(separate.monitoringPort(), "/live", null).statusCode());
    } finally {
      TestNodes.stop(separate);
    }

    Map<String, String> off = TestNodes.env(TestNodes.uniqueClusterName());
    off.put("PROMETHEUS_ENABLED", "false");
    Node disabled = TestNodes.start(off);
    try {
      assertEquals(404, get(disabled.httpPort(), "/metrics", null).statusCode());
      assertEquals(200, get(disabled.httpPort(), "/live", null).statusCode());
    } finally {
      TestNodes.stop(disabled);
    }
  }

  private static double delta(Scrape before, Scrape after, String name, String... labels) {
    return after.sum(name, labels) - before.sum(name, labels);
  }
}
