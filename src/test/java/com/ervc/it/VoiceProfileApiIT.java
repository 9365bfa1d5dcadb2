package com.ervc.it;

import com.ervc.node.Node;
import com.ervc.profile.ConsentStatement;
import com.ervc.testing.Jwt;
import com.ervc.testing.ProfileUploads;
import com.ervc.testing.Scrape;
import com.ervc.testing.Signals;
import com.ervc.testing.TestNodes;
import com.ervc.testing.WsProbe;
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

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static com.ervc.testing.ProfileUploads.create;
import static com.ervc.testing.ProfileUploads.metadata;
import static com.ervc.testing.ProfileUploads.speech;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code /api/v1/voice-profiles} on a real node with the directory store, and speaking with a profile over HTTP,
 * WebSocket and the OpenAI-compatible endpoint (docs/http-api.md#voice-profiles, docs/voice-profiles.md).
 */
class VoiceProfileApiIT {
  static final String SECRET = "voice-profile-it-jwt-secret-0123456789";
  private static final String PATH = ProfileUploads.PATH;
  private static final int RATE = ProfileUploads.RATE;
  private static Path dir;
  private static Node node;
  private static WebClient http;

  @BeforeAll
  static void start() throws Exception {
    dir = Files.createTempDirectory("voice-profile-it");
    Map<String, String> env = new HashMap<>(TestNodes.env(TestNodes.uniqueClusterName()));
    env.putAll(Map.of("ENABLE_CLONING", "true", "VOICE_CLONING_DIR", dir.toString(), "AUTH_MODE", "jwt",
        "JWT_SECRET", SECRET));
    node = TestNodes.start(env);
    http = WebClient.create(node.vertx());
  }

  @AfterAll
  static void stop() {
    http.close();
    TestNodes.stop(node);
  }

  static String apiToken(String subject, String... roles) {
    return Jwt.sign("HS256", Jwt.claims(subject, "api", 600).put("roles", new JsonArray(List.of(roles))), SECRET);
  }

  private static HttpResponse<Buffer> call(HttpMethod method, String path, String token, JsonObject body)
      throws Exception {
    HttpRequest<Buffer> request = http.request(method, node.httpPort(), "127.0.0.1", path)
        .bearerTokenAuthentication(token).putHeader("Accept", "audio/wav");
    return (body == null ? request.send() : request.sendJsonObject(body)).await(60, TimeUnit.SECONDS);
  }

  private static HttpResponse<Buffer> speak(String token, JsonObject body) throws Exception {
    return call(HttpMethod.POST, "/api/v1/tts", token, body);
  }

  private static Scrape scrape() throws Exception {
    return new Scrape(http.get(node.httpPort(), "127.0.0.1", "/metrics").send().await(10, TimeUnit.SECONDS)
        .bodyAsString());
  }

  private static long dataFiles() throws Exception {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).count();
    }
  }

  @Test
  void aProfileIsCreatedReadListedAndKeptFromOtherSubjects() throws Exception {
    String alice = apiToken("alice-crud");
    byte[] clip = speech(3);
    HttpResponse<Buffer> created = create(http, node.httpPort(), alice, metadata("Alice's voice", "Alice Example"), clip);
    assertEquals(201, created.statusCode(), created.bodyAsString());
    JsonObject profile = created.bodyAsJsonObject();
    String id = profile.getString("id");
    assertEquals(PATH + "/" + id, created.getHeader("Location"));
    assertEquals("alice-crud", profile.getString("owner"));
    assertEquals(1, profile.getInteger("version"));
    assertEquals("profile:" + id, profile.getString("voiceId"));
    assertEquals(ConsentStatement.text("en", "Alice Example"),
        profile.getJsonObject("consent").getString("statement"));
    assertEquals("alice-crud", profile.getJsonObject("consent").getString("createdBy"));
    JsonObject report = profile.getJsonArray("clips").getJsonObject(0).getJsonObject("report");
    assertTrue(report.getBoolean("passed"));
    assertEquals(RATE, report.getInteger("originalSampleRate"));

    // What is stored: the profile file (owner, version) and the normalised 24 kHz WAV the API serves back.
    JsonObject stored = new JsonObject(Files.readString(dir.resolve(id).resolve("profile.json")));
    assertEquals("alice-crud", stored.getString("owner"));
    assertEquals(1, stored.getInteger("version"));
    byte[] storedClip = Files.readAllBytes(dir.resolve(id).resolve("clips").resolve("c0.wav"));
    HttpResponse<Buffer> download = call(HttpMethod.GET, PATH + "/" + id + "/clips/c0", alice, null);
    assertEquals(200, download.statusCode());
    assertEquals("audio/wav", download.getHeader("Content-Type"));
    assertArrayEquals(storedClip, download.body().getBytes());
    assertEquals(24_000, java.nio.ByteBuffer.wrap(storedClip, 24, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt());

    assertEquals(id, call(HttpMethod.GET, PATH + "/" + id, alice, null).bodyAsJsonObject().getString("id"));
    JsonArray own = call(HttpMethod.GET, PATH, alice, null).bodyAsJsonObject().getJsonArray("profiles");
    assertEquals(List.of(id), own.stream().map(p -> ((JsonObject) p).getString("id")).toList());

    // Someone else's profile is exactly as absent as one that never existed, for every operation.
    String bob = apiToken("bob-crud");
    String unknown = "vp_" + "q".repeat(20);
    for (HttpMethod method : List.of(HttpMethod.GET, HttpMethod.DELETE, HttpMethod.PATCH)) {
      JsonObject body = method == HttpMethod.PATCH ? new JsonObject().put("name", "mine now") : null;
      HttpResponse<Buffer> foreign = call(method, PATH + "/" + id, bob, body);
      HttpResponse<Buffer> missing = call(method, PATH + "/" + unknown, bob, body);
      assertEquals(404, foreign.statusCode(), method + " " + foreign.bodyAsString());
      assertEquals(missing.bodyAsString().replace(unknown, id), foreign.bodyAsString());
    }
    assertEquals(404, call(HttpMethod.GET, PATH + "/" + id + "/clips/c0", bob, null).statusCode());
    assertTrue(call(HttpMethod.GET, PATH, bob, null).bodyAsJsonObject().getJsonArray("profiles").isEmpty());
    assertTrue(Files.exists(dir.resolve(id).resolve("profile.json")), "bob's delete must not touch alice's profile");
    assertEquals(1, new JsonObject(Files.readString(dir.resolve(id).resolve("profile.json"))).getInteger("version"));

    // Every subject's profiles only for the admin role.
    assertEquals(403, call(HttpMethod.GET, PATH + "?all=true", bob, null).statusCode());
    JsonArray all = call(HttpMethod.GET, PATH + "?all=true", apiToken("root", "admin"), null).bodyAsJsonObject()
        .getJsonArray("profiles");
    assertTrue(all.stream().anyMatch(p -> id.equals(((JsonObject) p).getString("id"))), all.encode());

    // An update is the next version; one based on an older version is refused.
    HttpResponse<Buffer> renamed = call(HttpMethod.PATCH, PATH + "/" + id, alice,
        new JsonObject().put("version", 1).put("name", "Alice, slower").put("settings",
            new JsonObject().put("speed", 0.9)));
    assertEquals(200, renamed.statusCode(), renamed.bodyAsString());
    assertEquals(2, renamed.bodyAsJsonObject().getInteger("version"));
    assertEquals(0.9, renamed.bodyAsJsonObject().getJsonObject("settings").getDouble("speed"));
    assertEquals("calm", renamed.bodyAsJsonObject().getJsonObject("settings").getString("emotion"));
    HttpResponse<Buffer> stale = call(HttpMethod.PATCH, PATH + "/" + id, alice,
        new JsonObject().put("version", 1).put("name", "lost update"));
    assertEquals(409, stale.statusCode(), stale.bodyAsString());
    assertEquals("Alice, slower",
        new JsonObject(Files.readString(dir.resolve(id).resolve("profile.json"))).getString("name"));

    // Deleting withdraws consent: profile and audio are gone.
    assertEquals(204, call(HttpMethod.DELETE, PATH + "/" + id, alice, null).statusCode());
    assertFalse(Files.exists(dir.resolve(id)));
    assertEquals(404, call(HttpMethod.GET, PATH + "/" + id, alice, null).statusCode());
  }

  @Test
  void badRequestsStoreNothing() throws Exception {
    String carol = apiToken("carol-bad");
    long before = dataFiles();
    double attemptsBefore = scrape().sum("voice_cloning_attempts_total", "success", "false");

    JsonObject noConsent = metadata("x", "Carol");
    noConsent.remove("consent");
    HttpResponse<Buffer> refused = create(http, node.httpPort(), carol, noConsent, speech(2));
    assertEquals(400, refused.statusCode());
    assertTrue(refused.bodyAsString().contains("consent"), refused.bodyAsString());

    JsonObject wrongStatement = metadata("x", "Carol");
    wrongStatement.getJsonObject("consent").put("statement", "I agree to everything.");
    assertEquals(400, create(http, node.httpPort(), carol, wrongStatement, speech(2)).statusCode());

    JsonObject unconfirmed = metadata("x", "Carol");
    unconfirmed.getJsonObject("consent").put("confirmed", false);
    assertEquals(400, create(http, node.httpPort(), carol, unconfirmed, speech(2)).statusCode());

    JsonObject azure = metadata("x", "Carol").put("provider", "azure");
    HttpResponse<Buffer> noRecording = create(http, node.httpPort(), carol, azure, speech(6));
    assertEquals(400, noRecording.statusCode());
    assertTrue(noRecording.bodyAsString().contains("consentRecording"), noRecording.bodyAsString());

    // The quality gate answers 422 with every clip's report; a silent second clip fails, the first passes.
    HttpResponse<Buffer> gated = create(http, node.httpPort(), carol, metadata("x", "Carol"), speech(2),
        Signals.wav16(new float[RATE * 2], RATE));
    assertEquals(422, gated.statusCode(), gated.bodyAsString());
    JsonObject error = gated.bodyAsJsonObject().getJsonObject("error");
    assertEquals("invalid_request", error.getString("code"));
    assertTrue(error.getString("message").contains("file 2 (clips) failed"), error.getString("message"));
    JsonArray clips = error.getJsonArray("clips");
    assertTrue(clips.getJsonObject(0).getBoolean("passed"));
    assertFalse(clips.getJsonObject(1).getBoolean("passed"));
    assertTrue(clips.getJsonObject(1).getJsonObject("report").getJsonArray("failures").stream()
        .anyMatch(f -> "too_short".equals(((JsonObject) f).getString("code"))));

    HttpResponse<Buffer> notAudio = create(http, node.httpPort(), carol, metadata("x", "Carol"),
        "hello, not a wav".getBytes());
    assertEquals(400, notAudio.statusCode());
    assertTrue(notAudio.bodyAsString().contains("not an audio file"), notAudio.bodyAsString());

    byte[] small = speech(1.5);
    HttpResponse<Buffer> tooMany = create(http, node.httpPort(), carol, metadata("x", "Carol"), small, small, small, small,
        small, small);
    assertEquals(413, tooMany.statusCode(), tooMany.bodyAsString());

    HttpResponse<Buffer> json = http.post(node.httpPort(), "127.0.0.1", PATH).bearerTokenAuthentication(carol)
        .sendJsonObject(metadata("x", "Carol")).await(10, TimeUnit.SECONDS);
    assertEquals(400, json.statusCode());

    assertEquals(before, dataFiles(), "a refused profile leaves nothing behind");
    assertTrue(call(HttpMethod.GET, PATH, carol, null).bodyAsJsonObject().getJsonArray("profiles").isEmpty());
    Scrape scrape = scrape();
    // Every refusal but the JSON body (not an upload at all) counts as a failed cloning attempt.
    assertEquals(attemptsBefore + 7, scrape.sum("voice_cloning_attempts_total", "success", "false"));
    assertTrue(scrape.sum("voice_cloning_quality_failures_total", "check", "too_short") >= 1);
  }

  @Test
  void speakingWithAProfileUsesItsVoiceAndSettingsForItsOwnerOnly() throws Exception {
    String dana = apiToken("dana-speak");
    JsonObject created = create(http, node.httpPort(), dana, metadata("Dana", "Dana Example"), speech(3))
        .bodyAsJsonObject();
    String voice = created.getString("voiceId");
    String text = "Voice profiles speak with their own settings.";

    HttpResponse<Buffer> viaProfile = speak(dana, new JsonObject().put("text", text).put("voice", voice));
    assertEquals(200, viaProfile.statusCode(), viaProfile.bodyAsString());
    assertEquals("espeak", viaProfile.getHeader("X-TTS-Provider"));
    assertEquals("en-gb", viaProfile.getHeader("X-TTS-Voice"));
    assertEquals("false", viaProfile.getHeader("X-TTS-Cached"));
    // The same audio as the base voice with the profile's settings asked for by hand; not the default voice's.
    HttpResponse<Buffer> byHand = speak(dana, new JsonObject().put("text", text).put("provider", "espeak")
        .put("voice", "en-gb").put("speed", 1.25).put("emotion", "calm"));
    assertArrayEquals(byHand.body().getBytes(), viaProfile.body().getBytes());
    HttpResponse<Buffer> plain = speak(dana, new JsonObject().put("text", text).put("provider", "espeak")
        .put("voice", "en-gb"));
    assertNotEquals(plain.body().length(), viaProfile.body().length(), "speed 1.25 must shorten the audio");
    assertEquals("true", speak(dana, new JsonObject().put("text", text).put("voice", voice))
        .getHeader("X-TTS-Cached"));

    // A request's own setting wins over the profile's.
    HttpResponse<Buffer> overridden = speak(dana, new JsonObject().put("text", text).put("voice", voice)
        .put("speed", 1.0).put("emotion", "neutral"));
    assertArrayEquals(plain.body().getBytes(), overridden.body().getBytes());

    // A new version is new audio at once: never the old version's cache entry.
    call(HttpMethod.PATCH, PATH + "/" + created.getString("id"), dana,
        new JsonObject().put("settings", new JsonObject().put("speed", 0.8)));
    HttpResponse<Buffer> slower = speak(dana, new JsonObject().put("text", text).put("voice", voice));
    assertEquals("false", slower.getHeader("X-TTS-Cached"));
    assertTrue(slower.body().length() > plain.body().length(), "speed 0.8 must lengthen the audio");

    // Another subject gets word for word the answer of a voice nobody offers.
    String erin = apiToken("erin-speak");
    HttpResponse<Buffer> foreign = speak(erin, new JsonObject().put("text", text).put("voice", voice));
    assertEquals(400, foreign.statusCode());
    String unknownVoice = "profile:vp_" + "z".repeat(20);
    HttpResponse<Buffer> unknown = speak(erin, new JsonObject().put("text", text).put("voice", unknownVoice));
    assertEquals(unknown.bodyAsString().replace(unknownVoice, voice), foreign.bodyAsString());
    assertTrue(foreign.bodyAsString().contains("no running provider offers voice"), foreign.bodyAsString());

    // The OpenAI-compatible endpoint, voice {"id": "profile:<id>"}.
    HttpResponse<Buffer> openAi = http.post(node.httpPort(), "127.0.0.1", "/v1/audio/speech")
        .bearerTokenAuthentication(dana).sendJsonObject(new JsonObject().put("model", "tts-1").put("input", text)
            .put("voice", new JsonObject().put("id", voice)).put("response_format", "pcm"))
        .await(60, TimeUnit.SECONDS);
    assertEquals(200, openAi.statusCode(), openAi.bodyAsString());
    assertEquals("en-gb", openAi.getHeader("X-TTS-Voice"));
    HttpResponse<Buffer> openAiForeign = http.post(node.httpPort(), "127.0.0.1", "/v1/audio/speech")
        .bearerTokenAuthentication(erin).sendJsonObject(new JsonObject().put("model", "tts-1").put("input", text)
            .put("voice", new JsonObject().put("id", voice))).await(60, TimeUnit.SECONDS);
    assertEquals(400, openAiForeign.statusCode());
    assertEquals("voice", openAiForeign.bodyAsJsonObject().getJsonObject("error").getString("param"));

    // The WebSocket protocol: voice "profile:<id>" in synthesize.
    String wsToken = Jwt.sign("HS256", Jwt.claims("dana-speak", "websocket", 600), SECRET);
    try (WsProbe ws = new WsProbe(node.vertx(), node.httpPort(), "/ws?token=" + wsToken)) {
      ws.send(new JsonObject().put("type", "synthesize").put("id", "r1").put("text", text).put("voice", voice));
      WsProbe.Reply reply = ws.collect("r1");
      assertEquals("audio_end", reply.last().getString("type"), reply.last().encode());
      assertEquals("en-gb", reply.first("audio_start").getString("voice"));
      assertTrue(reply.last().getBoolean("cached"), "the HTTP request above stored this profile version's audio");
      ws.send(new JsonObject().put("type", "synthesize").put("id", "r2").put("text", text).put("voice",
          unknownVoice));
      assertEquals("invalid_request", ws.collect("r2").last().getString("code"));
    }

    Scrape scrape = scrape();
    assertTrue(scrape.sum("voice_profile_resolutions_total", "result", "hit") >= 1);
    assertTrue(scrape.sum("voice_profile_resolutions_total", "result", "unknown") >= 2);

    // Deleted: the profile is no voice any more.
    call(HttpMethod.DELETE, PATH + "/" + created.getString("id"), dana, null);
    assertEquals(400, speak(dana, new JsonObject().put("text", text).put("voice", voice)).statusCode());
  }

  @Test
  void aDesignedLocalVoiceIsAProfileSpokenOnlyForItsOwner() throws Exception {
    String gina = apiToken("gina-design");
    String text = "A designed voice of my own.";
    long before = dataFiles();
    HttpResponse<Buffer> unknownVariant = create(http, node.httpPort(), gina,
        metadata("Gina", "Gina Example").put("voice", "en-us+f99"), speech(3));
    assertEquals(400, unknownVariant.statusCode(), unknownVariant.bodyAsString());
    assertTrue(unknownVariant.bodyAsString().contains("'f99' in 'en-us+f99' is not an installed variant"),
        unknownVariant.bodyAsString());
    HttpResponse<Buffer> blendOnEspeak = create(http, node.httpPort(), gina,
        metadata("Gina", "Gina Example").put("voice", "af_bella:2+af_sky:1"), speech(3));
    assertEquals(400, blendOnEspeak.statusCode(), blendOnEspeak.bodyAsString());
    assertEquals(before, dataFiles(), "a refused voice stores nothing");

    JsonObject metadata = metadata("Gina, designed", "Gina Example").put("voice", "en-us+f3");
    metadata.getJsonObject("settings").put("speed", 1.0).put("emotion", "neutral").put("pitch", 1.25);
    HttpResponse<Buffer> created = create(http, node.httpPort(), gina, metadata, speech(3));
    assertEquals(201, created.statusCode(), created.bodyAsString());
    String id = created.bodyAsJsonObject().getString("id");
    String voice = created.bodyAsJsonObject().getString("voiceId");

    HttpResponse<Buffer> viaProfile = speak(gina, new JsonObject().put("text", text).put("voice", voice));
    assertEquals(200, viaProfile.statusCode(), viaProfile.bodyAsString());
    assertEquals("en-us+f3", viaProfile.getHeader("X-TTS-Voice"));
    // The designed voice with the profile's pitch (factor 1.25 = log2 octaves as the request's offset), by hand.
    HttpResponse<Buffer> byHand = speak(gina, new JsonObject().put("text", text).put("provider", "espeak")
        .put("voice", "en-us+f3").put("pitch", Math.log(1.25) / Math.log(2)));
    assertArrayEquals(byHand.body().getBytes(), viaProfile.body().getBytes());
    HttpResponse<Buffer> base = speak(gina, new JsonObject().put("text", text).put("provider", "espeak")
        .put("voice", "en-us"));
    assertFalse(java.util.Arrays.equals(base.body().getBytes(), viaProfile.body().getBytes()));

    // Redesigned: checked the same way, and a new version is new audio.
    HttpResponse<Buffer> badChange = call(HttpMethod.PATCH, PATH + "/" + id, gina,
        new JsonObject().put("voice", "en-us+f3+klatt"));
    assertEquals(400, badChange.statusCode(), badChange.bodyAsString());
    HttpResponse<Buffer> changed = call(HttpMethod.PATCH, PATH + "/" + id, gina,
        new JsonObject().put("voice", "en-gb+klatt"));
    assertEquals(200, changed.statusCode(), changed.bodyAsString());
    assertEquals(2, changed.bodyAsJsonObject().getInteger("version"));
    HttpResponse<Buffer> redesigned = speak(gina, new JsonObject().put("text", text).put("voice", voice));
    assertEquals("en-gb+klatt", redesigned.getHeader("X-TTS-Voice"));
    assertEquals("false", redesigned.getHeader("X-TTS-Cached"));

    // Not the owner: as absent as any unknown profile.
    String hal = apiToken("hal-design");
    assertEquals(404, call(HttpMethod.GET, PATH + "/" + id, hal, null).statusCode());
    HttpResponse<Buffer> foreign = speak(hal, new JsonObject().put("text", text).put("voice", voice));
    assertEquals(400, foreign.statusCode());
    assertTrue(foreign.bodyAsString().contains("no running provider offers voice"), foreign.bodyAsString());
  }

  @Test
  void theConsentStatementIsServedPerLanguage() throws Exception {
    String frank = apiToken("frank-consent");
    JsonObject en = call(HttpMethod.GET, PATH + "/consent-statement?language=en-US&speakerName=Frank", frank, null)
        .bodyAsJsonObject();
    assertEquals(ConsentStatement.text("en", "Frank"), en.getString("statement"));
    assertTrue(en.getString("statement").startsWith("I, Frank,"));
    HttpResponse<Buffer> unknown = call(HttpMethod.GET, PATH + "/consent-statement?language=xx&speakerName=F",
        frank, null);
    assertEquals(400, unknown.statusCode());
    assertEquals(405, call(HttpMethod.PUT, PATH, frank, new JsonObject()).statusCode());
  }

  @Test
  void withCloningOffEveryPathIsNotFound() throws Exception {
    Node plain = TestNodes.single();
    String token = TestNodes.devTokens(plain.vertx(), plain.httpPort()).getString("apiToken");
    for (String path : List.of(PATH, PATH + "/consent-statement?language=en&speakerName=A",
        PATH + "/vp_" + "a".repeat(20))) {
      HttpResponse<Buffer> response = http.get(plain.httpPort(), "127.0.0.1", path).bearerTokenAuthentication(token)
          .send().await(10, TimeUnit.SECONDS);
      assertEquals(404, response.statusCode(), path);
    }
  }
}
