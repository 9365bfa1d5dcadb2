package com.ervc.it;

import com.ervc.node.Node;
import com.ervc.profile.ConsentStatement;
import com.ervc.protocol.RemoteVoice;
import com.ervc.provider.azure.FakeAzureSpeechServer;
import com.ervc.provider.cloud.FakeCloudServer;
import com.ervc.provider.elevenlabs.FakeElevenLabsServer;
import com.ervc.testing.Await;
import com.ervc.testing.Jwt;
import com.ervc.testing.ProfileUploads;
import com.ervc.testing.TestNodes;
import com.ervc.testing.WsProbe;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static com.ervc.testing.ProfileUploads.create;
import static com.ervc.testing.ProfileUploads.metadata;
import static com.ervc.testing.ProfileUploads.speech;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The voice-profile API wired to the registrar on a real node with an ElevenLabs key, against the strict ElevenLabs
 * fake: creating a profile registers it (pending, then ready), speaking with {@code profile:<id>} then uses the
 * cloned voice, and deleting removes it at the vendor first (docs/voice-profiles.md#the-http-api).
 */
class VoiceProfileCloningIT {
  private static final String KEY = "xi-key-cloning-it";
  private static final String AZURE_KEY = "azure-key-cloning-it";
  /** Each test's vendor fakes run on this; its node and client are closed after it, however it ends. */
  private final Vertx fakeVertx = Vertx.vertx();
  private Node node;
  private WebClient http;

  @AfterEach
  void stop() throws Exception {
    if (http != null) {
      http.close();
    }
    if (node != null) {
      TestNodes.stop(node);
    }
    fakeVertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void aProfileIsClonedAtItsVendorSpokenWithTheClonedVoiceAndDeletedThere(@TempDir Path dir) throws Exception {
    try (FakeElevenLabsServer elevenLabs = (FakeElevenLabsServer) new FakeElevenLabsServer(fakeVertx, KEY).start()) {
      node = cloningNode(dir, elevenLabs);
      http = WebClient.create(node.vertx());
      String alice = VoiceProfileApiIT.apiToken("alice-cloning");
      JsonObject metadata = metadata("Alice's cloned voice", "Alice Example").put("provider", "elevenlabs")
          .put("voice", FakeElevenLabsServer.VOICE);
      HttpResponse<Buffer> created = create(http, node.httpPort(), alice, metadata, speech(3));
      assertEquals(201, created.statusCode(), created.bodyAsString());
      JsonObject answered = created.bodyAsJsonObject();
      String id = answered.getString("id");
      // Answered at once: the pending registration is stored (version 2), the vendor is called meanwhile.
      assertEquals(2, answered.getInteger("version"));
      JsonObject pending = answered.getJsonArray("registrations").getJsonObject(0);
      assertEquals("elevenlabs", pending.getString("provider"));
      assertEquals("pending", pending.getString("status"));
      assertNull(pending.getString("remoteId"));

      String path = ProfileUploads.PATH + "/" + id;
      JsonObject ready = Await.result(() -> "the registration of " + id + " is ready", Duration.ofSeconds(60),
          () -> {
            JsonObject read = call(http, node, HttpMethod.GET, path, alice, null).bodyAsJsonObject();
            JsonObject registration = read.getJsonArray("registrations").getJsonObject(0);
            assertFalse("failed".equals(registration.getString("status")), registration.encode());
            return "ready".equals(registration.getString("status")) ? read : null;
          });
      assertEquals(3, ready.getInteger("version"));
      String remoteId = ready.getJsonArray("registrations").getJsonObject(0).getString("remoteId");
      assertTrue(elevenLabs.clonedVoices.containsKey(remoteId), "the vendor made voice " + remoteId);
      // The samples sent were the profile's stored clip.
      assertEquals(1, elevenLabs.received("/v1/voices/add").size());

      String basePath = "/v1/text-to-speech/" + FakeElevenLabsServer.VOICE + "/stream";
      int baseSpoken = elevenLabs.received(basePath).size();
      HttpResponse<Buffer> spoken = call(http, node, HttpMethod.POST, "/api/v1/tts", alice,
          new JsonObject().put("text", "Hello from my cloned voice.").put("voice", "profile:" + id));
      assertEquals(200, spoken.statusCode(), spoken.bodyAsString());
      assertTrue(spoken.body().length() > 44, "audio came back");
      String clonedPath = "/v1/text-to-speech/" + remoteId + "/stream";
      assertEquals(1, elevenLabs.received(clonedPath).size(), "the cloned voice spoke");
      assertEquals(baseSpoken, elevenLabs.received(basePath).size(), "the base voice did not speak once the registration was ready");

      // A client cannot name the cloned voice itself, only the profile.
      HttpResponse<Buffer> direct = call(http, node, HttpMethod.POST, "/api/v1/tts", alice,
          new JsonObject().put("text", "Hello.").put("voice", RemoteVoice.of("elevenlabs", remoteId)));
      assertEquals(400, direct.statusCode(), direct.bodyAsString());

      // The vendor failing (twice: the cloud client retries once) keeps everything: a retryable 503.
      elevenLabs.failNext(FakeCloudServer.Fault.SERVER_ERROR);
      elevenLabs.failNext(FakeCloudServer.Fault.SERVER_ERROR);
      HttpResponse<Buffer> refused = call(http, node, HttpMethod.DELETE, path, alice, null);
      assertEquals(503, refused.statusCode(), refused.bodyAsString());
      JsonObject error = refused.bodyAsJsonObject().getJsonObject("error");
      assertEquals("provider_unavailable", error.getString("code"));
      assertTrue(error.getString("message").contains("nothing was deleted"), error.encode());
      assertTrue(elevenLabs.clonedVoices.containsKey(remoteId));
      assertEquals(200, call(http, node, HttpMethod.GET, path, alice, null).statusCode());
      assertTrue(Files.exists(dir.resolve(id).resolve("profile.json")));

      HttpResponse<Buffer> deleted = call(http, node, HttpMethod.DELETE, path, alice, null);
      assertEquals(204, deleted.statusCode(), deleted.bodyAsString());
      assertFalse(elevenLabs.clonedVoices.containsKey(remoteId), "the vendor's voice is gone");
      assertFalse(Files.exists(dir.resolve(id)), "the profile and its audio are gone");
      assertEquals(404, call(http, node, HttpMethod.GET, path, alice, null).statusCode());
      HttpResponse<Buffer> after = call(http, node, HttpMethod.POST, "/api/v1/tts", alice,
          new JsonObject().put("text", "Hello again.").put("voice", "profile:" + id));
      assertEquals(400, after.statusCode(), after.bodyAsString());
      assertEquals(1, elevenLabs.received(clonedPath).size(), "nothing more was spoken with the deleted voice");
    }
  }

  @Test
  void aFailedRegistrationIsRetriedThroughTheApi(@TempDir Path dir) throws Exception {
    try (FakeElevenLabsServer elevenLabs = (FakeElevenLabsServer) new FakeElevenLabsServer(fakeVertx, KEY).start()) {
      node = cloningNode(dir, elevenLabs);
      http = WebClient.create(node.vertx());
      String bea = VoiceProfileApiIT.apiToken("bea-retry");
      elevenLabs.voiceLimit = 0; // the account has no voice slot left: refused for good, not retried
      JsonObject metadata = metadata("Bea", "Bea Example").put("provider", "elevenlabs")
          .put("voice", FakeElevenLabsServer.VOICE);
      String id = create(http, node.httpPort(), bea, metadata, speech(3)).bodyAsJsonObject().getString("id");
      String path = ProfileUploads.PATH + "/" + id;
      JsonObject failed = registrationOnceEnded(http, node, path, bea);
      assertEquals("failed", failed.getString("status"), failed.encode());
      assertTrue(failed.getString("detail").contains("maximum amount of custom voices"), failed.encode());

      String retry = path + "/registrations/elevenlabs";
      assertEquals(404, call(http, node, HttpMethod.POST, retry, VoiceProfileApiIT.apiToken("cy-retry"), null)
          .statusCode(), "another subject's profile does not exist");
      HttpResponse<Buffer> elsewhere = call(http, node, HttpMethod.POST, path + "/registrations/azure", bea, null);
      assertEquals(400, elsewhere.statusCode(), elsewhere.bodyAsString());
      assertTrue(elsewhere.bodyAsString().contains("cannot be registered at 'azure': cloning is not set up for it "
          + "on this node (cloning is set up for: elevenlabs)"), elsewhere.bodyAsString());

      elevenLabs.voiceLimit = 30;
      HttpResponse<Buffer> again = call(http, node, HttpMethod.POST, retry, bea, null);
      assertEquals(202, again.statusCode(), again.bodyAsString());
      assertEquals("pending", again.bodyAsJsonObject().getJsonArray("registrations").getJsonObject(0)
          .getString("status"));
      JsonObject ready = registrationOnceEnded(http, node, path, bea);
      assertEquals("ready", ready.getString("status"), ready.encode());
      assertTrue(elevenLabs.clonedVoices.containsKey(ready.getString("remoteId")));
      // Ready: asking again changes nothing and calls nobody.
      int adds = elevenLabs.received("/v1/voices/add").size();
      HttpResponse<Buffer> readyAgain = call(http, node, HttpMethod.POST, retry, bea, null);
      assertEquals(200, readyAgain.statusCode(), readyAgain.bodyAsString());
      assertEquals(adds, elevenLabs.received("/v1/voices/add").size());
      assertFalse(readyAgain.bodyAsJsonObject().getJsonArray("registrations").getJsonObject(0).getBoolean("stale"));

      // A clip added: the voice was made from the earlier clips. Registering again makes it anew from the current
      // ones, and deletes the old voice at the vendor once the new one is stored.
      String oldVoice = ready.getString("remoteId");
      HttpResponse<Buffer> added = ProfileUploads.addClips(http, node.httpPort(), bea, id, null, speech(2));
      assertEquals(200, added.statusCode(), added.bodyAsString());
      JsonObject stale = added.bodyAsJsonObject().getJsonArray("registrations").getJsonObject(0);
      assertTrue(stale.getBoolean("stale"), stale.encode());
      assertEquals(List.of("c0"), stale.getJsonArray("clips").getList());
      HttpResponse<Buffer> reclone = call(http, node, HttpMethod.POST, retry, bea, null);
      assertEquals(202, reclone.statusCode(), reclone.bodyAsString());
      JsonObject recloning = reclone.bodyAsJsonObject().getJsonArray("registrations").getJsonObject(0);
      assertEquals("ready", recloning.getString("status"), "the old voice speaks meanwhile");
      assertEquals(oldVoice, recloning.getString("remoteId"));
      JsonObject recloned = Await.result(() -> "the voice of " + id + " is made from the current clips",
          Duration.ofSeconds(60), () -> {
            JsonObject registration = call(http, node, HttpMethod.GET, path, bea, null).bodyAsJsonObject()
                .getJsonArray("registrations").getJsonObject(0);
            return registration.getBoolean("stale") ? null : registration;
          });
      assertEquals("ready", recloned.getString("status"), recloned.encode());
      assertEquals(List.of("c0", "c1"), recloned.getJsonArray("clips").getList());
      String newVoice = recloned.getString("remoteId");
      assertFalse(oldVoice.equals(newVoice), "a new voice");
      assertEquals(2, last(elevenLabs.received("/v1/voices/add")).form().files("files").size(),
          "made from both clips");
      Await.until("the old voice is deleted at the vendor", Duration.ofSeconds(30),
          () -> !elevenLabs.clonedVoices.containsKey(oldVoice));
      assertTrue(elevenLabs.clonedVoices.containsKey(newVoice));
    }
  }

  /**
   * A profile ready at ElevenLabs (its base provider) and at Azure: ElevenLabs closes the connection in the middle of
   * a sentence, and the reply continues on Azure with the profile's Azure personal voice, from where it broke.
   */
  @Test
  void aReplyMovesToTheProfilesClonedVoiceAtTheNextVendorWhenItsBaseVendorFails(@TempDir Path dir) throws Exception {
    try (FakeElevenLabsServer elevenLabs = (FakeElevenLabsServer) new FakeElevenLabsServer(fakeVertx, KEY).start();
         FakeAzureSpeechServer azure = (FakeAzureSpeechServer) new FakeAzureSpeechServer(fakeVertx, AZURE_KEY)
             .start()) {
      azure.readsUntilDone = 1;
      node = cloningNode(dir, elevenLabs, Map.of("AZURE_SPEECH_KEY", AZURE_KEY, "AZURE_TTS_ENDPOINT",
          azure.url(), "AZURE_CUSTOM_VOICE_ENDPOINT", azure.url(), "AZURE_PERSONAL_VOICE_PROJECT",
          FakeAzureSpeechServer.PROJECT, "AZURE_PERSONAL_VOICE_COMPANY", "Example Ltd"));
      http = WebClient.create(node.vertx());
      String dora = VoiceProfileApiIT.apiToken("dora-failover");
      JsonObject metadata = metadata("Dora", "Dora Example").put("provider", "elevenlabs")
          .put("voice", FakeElevenLabsServer.VOICE).put("language", "en-US")
          .put("consent", metadata("Dora", "Dora Example").getJsonObject("consent")
              .put("statement", ConsentStatement.text("en-US", "Dora Example")));
      HttpResponse<Buffer> created = ProfileUploads.createWithConsent(http, node.httpPort(), dora, metadata,
          speech(6), speech(6));
      assertEquals(201, created.statusCode(), created.bodyAsString());
      String id = created.bodyAsJsonObject().getString("id");
      String path = ProfileUploads.PATH + "/" + id;
      JsonObject atElevenLabs = registrationOnceEnded(http, node, path, dora, "elevenlabs");
      assertEquals("ready", atElevenLabs.getString("status"), atElevenLabs.encode());

      // Registered at a second vendor, not its base provider: the profile keeps its base provider.
      HttpResponse<Buffer> registering = call(http, node, HttpMethod.POST, path + "/registrations/azure", dora,
          null);
      assertEquals(202, registering.statusCode(), registering.bodyAsString());
      assertEquals("elevenlabs", registering.bodyAsJsonObject().getString("provider"));
      JsonObject atAzure = registrationOnceEnded(http, node, path, dora, "azure");
      assertEquals("ready", atAzure.getString("status"), atAzure.encode());
      String xiVoice = atElevenLabs.getString("remoteId");
      String azureVoice = atAzure.getString("remoteId");
      assertTrue(azure.personalVoices.values().stream()
          .anyMatch(v -> azureVoice.equals(v.getString("speakerProfileId"))), "Azure made the personal voice");

      // ElevenLabs sends part of the first answer and closes the connection.
      String xiPath = "/v1/text-to-speech/" + xiVoice + "/stream";
      elevenLabs.failNext(FakeCloudServer.Fault.TRUNCATED);
      String wsToken = Jwt.sign("HS256", Jwt.claims("dora-failover", "websocket", 600), VoiceProfileApiIT.SECRET);
      List<String> sentences = List.of("The first sentence of my reply.", "A second one follows it.",
          "And here is the third.", "The fourth ends it.");
      try (WsProbe ws = new WsProbe(node.vertx(), node.httpPort(), "/ws?token=" + wsToken)) {
        ws.send(new JsonObject().put("type", "synthesize").put("id", "f1").put("text", String.join(" ", sentences))
            .put("voice", "profile:" + id));
        WsProbe.Reply reply = ws.collect("f1");
        JsonObject end = reply.last();
        assertEquals("audio_end", end.getString("type"), end.encode());
        assertEquals("remote:elevenlabs:" + xiVoice, reply.first("audio_start").getString("voice"),
            "the reply started with the base provider's cloned voice");
        assertEquals(sentences, reply.frames().stream().filter(f -> f.isType("sentence"))
            .map(f -> f.json().getString("text")).toList(), "every sentence, once, in order");
        assertEquals(1, end.getJsonArray("switches").size(), end.encode());
        JsonObject sw = end.getJsonArray("switches").getJsonObject(0);
        assertEquals("elevenlabs", sw.getString("from"));
        assertEquals("azure", sw.getString("to"));
        assertEquals("remote:azure:" + azureVoice, sw.getString("voice"), "Azure's cloned voice of this profile");
      }
      assertFalse(elevenLabs.received(xiPath).isEmpty(), "ElevenLabs was asked with the cloned voice");
      assertEquals(List.of(), elevenLabs.received().stream().filter(r -> r.path().startsWith("/v1/text-to-speech/")
          && !r.path().equals(xiPath) && sentences.contains(r.json().getString("text"))).toList(),
          "no other ElevenLabs voice spoke the reply");
      List<FakeAzureSpeechServer.Spoken> spoken = azure.spoken().stream()
          .filter(s -> sentences.contains(s.text())).toList();
      assertFalse(spoken.isEmpty(), "Azure spoke the rest of the reply");
      for (FakeAzureSpeechServer.Spoken s : spoken) {
        assertEquals(azureVoice, s.speakerProfileId(), "every sentence at Azure used this profile's personal voice");
        assertEquals("DragonLatestNeural", s.voice());
      }
    }
  }

  private static FakeCloudServer.Received last(List<FakeCloudServer.Received> received) {
    return received.get(received.size() - 1);
  }

  /**
   * A node with cloning on, its profiles in {@code dir}, JWT auth and ElevenLabs at the fake; no background health
   * probe once it runs (a synthesis in each provider's default voice, which the tests count and fault for replies).
   */
  private static Node cloningNode(Path dir, FakeElevenLabsServer elevenLabs) throws Exception {
    return cloningNode(dir, elevenLabs, Map.of());
  }

  /** {@link #cloningNode(Path, FakeElevenLabsServer)} with {@code more} settings. */
  private static Node cloningNode(Path dir, FakeElevenLabsServer elevenLabs, Map<String, String> more)
      throws Exception {
    Map<String, String> env = new HashMap<>(TestNodes.env(TestNodes.uniqueClusterName()));
    env.putAll(Map.of("ENABLE_CLONING", "true", "VOICE_CLONING_DIR", dir.toString(), "AUTH_MODE", "jwt",
        "JWT_SECRET", VoiceProfileApiIT.SECRET, "ELEVENLABS_API_KEY", KEY, "ELEVENLABS_BASE_URL",
        elevenLabs.url(), "HEALTH_PROBE_INTERVAL_SECONDS", "3600"));
    env.putAll(more);
    return TestNodes.start(env);
  }

  /** The profile's first registration once it is no longer pending. */
  private static JsonObject registrationOnceEnded(WebClient http, Node node, String path, String token)
      throws Exception {
    return registrationOnceEnded(http, node, path, token, null);
  }

  /** The profile's registration at {@code provider} (null: its first) once it is no longer pending. */
  private static JsonObject registrationOnceEnded(WebClient http, Node node, String path, String token,
                                                  String provider) throws Exception {
    return Await.result(() -> "the registration at " + path + " ended", Duration.ofSeconds(60), () -> {
      JsonArray registrations = call(http, node, HttpMethod.GET, path, token, null).bodyAsJsonObject()
          .getJsonArray("registrations");
      JsonObject registration = registrations.stream().map(JsonObject.class::cast)
          .filter(r -> provider == null || provider.equals(r.getString("provider"))).findFirst().orElse(null);
      return registration == null || "pending".equals(registration.getString("status")) ? null : registration;
    });
  }

  private static HttpResponse<Buffer> call(WebClient http, Node node, HttpMethod method, String path, String token,
                                           JsonObject body) throws Exception {
    var request = http.request(method, node.httpPort(), "127.0.0.1", path).bearerTokenAuthentication(token)
        .putHeader("Accept", "audio/wav");
    return (body == null ? request.send() : request.sendJsonObject(body)).await(60, TimeUnit.SECONDS);
  }
}
