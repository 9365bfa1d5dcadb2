package com.ervc.it;

import com.ervc.node.Node;
import com.ervc.profile.VoiceProfile;
import com.ervc.profile.VoiceProfileStore;
import com.ervc.profile.VoiceRegistrar;
import com.ervc.provider.cloud.CloningSamples;
import com.ervc.provider.elevenlabs.FakeElevenLabsServer;
import com.ervc.testing.Await;
import com.ervc.testing.PostgresServer;
import com.ervc.testing.TestNodes;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How a gateway node opens and closes its voice-profile store (tts.enableCloning, cloning.dir, cloning.databaseUrl). */
class VoiceProfileStoreIT {
  private static final String COMPONENT = "voice-profiles";

  private static Map<String, String> env(Map<String, String> extra) {
    Map<String, String> env = TestNodes.env(TestNodes.uniqueClusterName());
    env.putAll(extra);
    return env;
  }


  private static JsonObject component(JsonObject health) {
    return health.getJsonObject("node").getJsonObject("components").getJsonObject(COMPONENT);
  }

  @Test
  void withCloningOffNoStoreIsOpened(@TempDir Path dir) throws Exception {
    Path profiles = dir.resolve("profiles");
    Node node = TestNodes.start(env(Map.of("VOICE_CLONING_DIR", profiles.toString())));
    try {
      assertTrue(node.voiceProfiles().isEmpty());
      assertNull(component(TestNodes.health(node)));
      assertFalse(Files.exists(profiles));
    } finally {
      TestNodes.stop(node);
    }
  }

  @Test
  void withoutADatabaseTheDirectoryStoreIsOpened(@TempDir Path dir) throws Exception {
    Path profiles = dir.resolve("profiles");
    Files.createDirectories(profiles.resolve(".tmp-vp_aaaaaaaaaaaaaaaaaaaa-1"));
    Node node = TestNodes.start(env(Map.of("ENABLE_CLONING", "true", "VOICE_CLONING_DIR", profiles.toString())));
    try {
      VoiceProfileStore store = node.voiceProfiles().orElseThrow();
      assertTrue(node.voiceRegistrar().isEmpty(), "no cloning vendor is configured");
      assertEquals("up", component(TestNodes.health(node)).getString("status"));
      assertTrue(store.listAll().await(10, TimeUnit.SECONDS).isEmpty());
      // Opening the directory store is what removes a crashed write's leftovers.
      assertFalse(Files.exists(profiles.resolve(".tmp-vp_aaaaaaaaaaaaaaaaaaaa-1")));
    } finally {
      TestNodes.stop(node);
    }
  }

  @Test
  void withAVendorKeyTheNodeRegistersProfilesThereAndDeletesTheRemoteVoice(@TempDir Path dir) throws Exception {
    Vertx fakeVertx = Vertx.vertx();
    try (FakeElevenLabsServer elevenLabs = (FakeElevenLabsServer) new FakeElevenLabsServer(fakeVertx, "xi-key-it")
        .start()) {
      Node node = TestNodes.start(env(Map.of("ENABLE_CLONING", "true", "VOICE_CLONING_DIR",
          dir.resolve("profiles").toString(), "ELEVENLABS_API_KEY", "xi-key-it", "ELEVENLABS_BASE_URL",
          elevenLabs.url())));
      try {
        VoiceRegistrar registrar = node.voiceRegistrar().orElseThrow();
        assertEquals(java.util.Set.of("elevenlabs"), registrar.providers());
        VoiceProfile profile = CloningSamples.profile("elevenlabs", FakeElevenLabsServer.VOICE);
        VoiceProfileStore store = node.voiceProfiles().orElseThrow();
        store.create(profile, CloningSamples.audio()).await(10, TimeUnit.SECONDS);
        VoiceProfile registered = registrar.register(profile.id(), profile.provider()).await(10, TimeUnit.SECONDS).done()
            .await(60, TimeUnit.SECONDS);
        String remote = registered.registration("elevenlabs").orElseThrow().remoteId();
        assertTrue(elevenLabs.clonedVoices.containsKey(remote));
        assertEquals(registered, store.get(profile.id()).await(10, TimeUnit.SECONDS).orElseThrow());
        double ready = node.metrics().registry().find("voice.registrations")
            .tags("provider", "elevenlabs", "status", "ready").counter().count();
        assertEquals(1.0, ready);
        assertTrue(registrar.delete(profile.id()).await(30, TimeUnit.SECONDS));
        assertTrue(elevenLabs.clonedVoices.isEmpty());
      } finally {
        TestNodes.stop(node);
      }
    } finally {
      fakeVertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void withADatabaseThePostgresStoreIsMigratedAndClosedOnStop(@TempDir Path dir) throws Exception {
    try (PostgresServer database = new PostgresServer().start()) {
      Node node = TestNodes.start(env(Map.of("ENABLE_CLONING", "true", "DATABASE_URL", database.url(),
          "VOICE_CLONING_DIR", dir.resolve("unused").toString())));
      try {
        assertEquals("up", component(TestNodes.health(node)).getString("status"));
        assertTrue(node.voiceProfiles().orElseThrow().listAll().await(10, TimeUnit.SECONDS).isEmpty());
        assertEquals("1", database.sql("SELECT count(*) FROM schema_migrations WHERE version = 1"));
        assertFalse(Files.exists(dir.resolve("unused")), "the directory store must not be opened as well");
      } finally {
        TestNodes.stop(node);
      }
      Await.until("the node's database connections close when it stops", Duration.ofSeconds(10),
          () -> "0".equals(database.sql("SELECT count(*) FROM pg_stat_activity "
              + "WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()")));
    }
  }

  @Test
  void aStoreThatDoesNotOpenIsAComponentDownNotAFailedNode() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    Node node = TestNodes.start(env(Map.of("ENABLE_CLONING", "true",
        "DATABASE_URL", "postgresql://test:secret@127.0.0.1:" + closedPort + "/postgres")));
    try {
      assertTrue(node.voiceProfiles().isEmpty());
      JsonObject health = TestNodes.health(node);
      JsonObject profiles = component(health);
      assertEquals("down", profiles.getString("status"));
      String error = profiles.getString("error");
      assertTrue(error.contains("voice profile store in the PostgreSQL database (cloning.databaseUrl) did not open"),
          error);
      assertTrue(error.contains("unavailable"), error);
      assertFalse(error.contains("secret"), error);
      assertEquals("degraded", health.getString("status"));
      assertEquals("up", health.getJsonObject("node").getJsonObject("components").getJsonObject("gateway")
          .getString("status"));
    } finally {
      TestNodes.stop(node);
    }
  }
}
