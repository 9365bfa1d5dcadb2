package com.ervc.it;

import com.ervc.node.Node;
import com.ervc.testing.Await;
import com.ervc.testing.PostgresServer;
import com.ervc.testing.ProfileUploads;
import com.ervc.testing.TestNodes;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two gateway nodes sharing one PostgreSQL profile store: a profile changed through one node is spoken in its new
 * version by the other at once, because the change is announced on the event bus (each node's profile view keeps
 * entries for minutes otherwise), and a deleted profile stops speaking everywhere.
 */
class VoiceProfileClusterIT {
  private static final String TEXT = "Every node speaks the newest version.";

  private static Map<String, String> env(String cluster, String databaseUrl) {
    Map<String, String> env = new HashMap<>(TestNodes.env(cluster));
    env.putAll(Map.of("ENABLE_CLONING", "true", "DATABASE_URL", databaseUrl, "AUTH_MODE", "jwt",
        "JWT_SECRET", VoiceProfileApiIT.SECRET));
    return env;
  }

  private static HttpResponse<Buffer> speak(WebClient http, Node node, String token, String voice) throws Exception {
    return http.post(node.httpPort(), "127.0.0.1", "/api/v1/tts").bearerTokenAuthentication(token)
        .putHeader("Accept", "audio/wav").sendJsonObject(new JsonObject().put("text", TEXT).put("voice", voice))
        .await(60, TimeUnit.SECONDS);
  }

  /**
   * Hazelcast's TCP-IP join tries three ports from 5701 for a member given without one; test clusters of other
   * JVMs on this machine may hold those, so the two nodes look further for each other.
   */
  private static final String JOIN_PORT_TRIES = "hazelcast.tcp.join.port.try.count";

  @Test
  void aChangeOnOneNodeIsSpokenByTheOtherAtOnce() throws Exception {
    String joinTries = System.setProperty(JOIN_PORT_TRIES, "50");
    try (PostgresServer database = new PostgresServer().start()) {
      String cluster = TestNodes.uniqueClusterName();
      Node first = TestNodes.start(env(cluster, database.url()));
      Node second = TestNodes.start(env(cluster, database.url()));
      WebClient http = WebClient.create(first.vertx());
      try {
        Await.until("the two nodes formed one cluster", Duration.ofSeconds(90), () -> http.get(first.httpPort(),
                "127.0.0.1", "/health").send().await(10, TimeUnit.SECONDS).bodyAsJsonObject()
            .getJsonObject("services").getJsonObject("cluster").getInteger("members") == 2);
        String token = VoiceProfileApiIT.apiToken("grace-cluster");
        HttpResponse<Buffer> created = ProfileUploads.create(http, first.httpPort(), token,
            ProfileUploads.metadata("Grace", "Grace Example"), ProfileUploads.speech(3));
        assertEquals(201, created.statusCode(), created.bodyAsString());
        String id = created.bodyAsJsonObject().getString("id");
        String voice = "profile:" + id;
        assertEquals("grace-cluster|Grace|espeak|1", database.sql("SELECT user_id || '|' || voice_name || '|' || "
            + "provider || '|' || version FROM voice_profiles WHERE id = '" + id + "'"));
        assertEquals("1", database.sql("SELECT count(*) FROM voice_profile_clips WHERE profile_id = '" + id + "'"));

        // The second node reads version 1 (speed 1.25) and keeps it in memory.
        HttpResponse<Buffer> v1 = speak(http, second, token, voice);
        assertEquals(200, v1.statusCode(), v1.bodyAsString());
        // Each node's pipeline has its own in-memory cache and requests are spread over both pipelines: a repeat is a
        // hit once both have spoken version 1.
        Await.until("a repeat of version 1 is a cache hit", Duration.ofSeconds(20),
            () -> "true".equals(speak(http, second, token, voice).getHeader("X-TTS-Cached")));

        HttpResponse<Buffer> updated = http.request(HttpMethod.PATCH, first.httpPort(), "127.0.0.1",
                "/api/v1/voice-profiles/" + id).bearerTokenAuthentication(token)
            .sendJsonObject(new JsonObject().put("settings", new JsonObject().put("speed", 0.8)))
            .await(30, TimeUnit.SECONDS);
        assertEquals(200, updated.statusCode(), updated.bodyAsString());
        assertEquals("2", database.sql("SELECT version FROM voice_profiles WHERE id = '" + id + "'"));

        // Announced on the bus: the second node drops version 1 and speaks version 2 (slower, so longer).
        Await.until("the second node speaks version 2", Duration.ofSeconds(20), () -> {
          HttpResponse<Buffer> v2 = speak(http, second, token, voice);
          return v2.statusCode() == 200 && v2.body().length() > v1.body().length() * 1.3;
        });

        assertEquals(204, http.request(HttpMethod.DELETE, first.httpPort(), "127.0.0.1",
            "/api/v1/voice-profiles/" + id).bearerTokenAuthentication(token).send().await(30, TimeUnit.SECONDS)
            .statusCode());
        assertEquals("0", database.sql("SELECT count(*) FROM voice_profile_clips WHERE profile_id = '" + id + "'"));
        Await.until("the second node no longer speaks the deleted profile", Duration.ofSeconds(20),
            () -> speak(http, second, token, voice).statusCode() == 400);
        assertTrue(speak(http, second, token, voice).bodyAsString().contains("no running provider offers voice"));
      } finally {
        http.close();
        TestNodes.stop(second);
        TestNodes.stop(first);
      }
    } finally {
      if (joinTries == null) {
        System.clearProperty(JOIN_PORT_TRIES);
      } else {
        System.setProperty(JOIN_PORT_TRIES, joinTries);
      }
    }
  }
}
