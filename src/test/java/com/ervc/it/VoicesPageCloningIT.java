package com.ervc.it;

import com.ervc.node.Node;
import com.ervc.profile.ConsentStatement;
import com.ervc.provider.cloud.FakeCloudServer;
import com.ervc.provider.cloud.MultipartForm;
import com.ervc.provider.openai.FakeOpenAiServer;
import com.ervc.testing.Await;
import com.ervc.testing.Browser;
import com.ervc.testing.MicrophoneBrowser;
import com.ervc.testing.Jwt;
import com.ervc.testing.ProfileUploads;
import com.ervc.testing.TestNodes;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.Select;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Voices page registering a voice at a vendor that needs a recording of the consent statement (OpenAI custom
 * voices, against the strict OpenAI fake), in headless Chromium with its fake microphone, on a node with cloning on
 * and JWT auth (the page gets its tokens in the URL fragment, so the test reads the same subject's profiles through
 * the API): the page records the statement and a sample, the registration fails (no voice slot) and the page says
 * why, Retry registration shows it pending and then ready without reloading the page, and the fake got the consent
 * recording the store keeps, byte for byte. Then a stored voice's recordings: one added from the microphone (its
 * report passes), a too-short upload refused with its failed check and nothing stored, one removed after the
 * confirmation; each checked through the API. Screenshot: target/voices-page/cloning.png.
 */
class VoicesPageCloningIT {
  private static final String KEY = "sk-voices-page-cloning-it";
  private static final String SECRET = "voices-page-cloning-it-jwt-secret-0123456789";
  private static final String SUBJECT = "ada-voices-page";
  private static final Duration STEP = Duration.ofSeconds(30);
  private static Path dir;
  private static MicrophoneBrowser microphone;
  private static Vertx fakeVertx;
  private static FakeOpenAiServer openai;
  private static Node node;
  private static Browser browser;
  private static WebClient http;
  private static String apiToken;

  @BeforeAll
  static void start() throws Exception {
    dir = Files.createTempDirectory("voices-page-cloning-it");
    fakeVertx = Vertx.vertx();
    openai = (FakeOpenAiServer) new FakeOpenAiServer(fakeVertx, KEY).start();
    Map<String, String> env = new HashMap<>(TestNodes.env(TestNodes.uniqueClusterName()));
    env.putAll(Map.of("ENABLE_CLONING", "true", "VOICE_CLONING_DIR", dir.toString(), "AUTH_MODE", "jwt",
        "JWT_SECRET", SECRET, "OPENAI_API_KEY", KEY, "OPENAI_BASE_URL", openai.url() + "/v1"));
    node = TestNodes.start(env);
    http = WebClient.create(node.vertx());
    apiToken = Jwt.sign("HS256", Jwt.claims(SUBJECT, "api", 1800).put("roles", new JsonArray()), SECRET);
    microphone = MicrophoneBrowser.start("voices-page-cloning");
    browser = microphone.browser();
  }

  @AfterAll
  static void stop() throws Exception {
    if (microphone != null) {
      microphone.close();
    }
    http.close();
    TestNodes.stop(node);
    openai.close();
    fakeVertx.close().await(10, TimeUnit.SECONDS);
  }

  private static Object js(String script, Object... args) {
    return browser.js(script, args);
  }

  private static String text(String selector) {
    Object found = js("const e = document.querySelector(arguments[0]); return e ? e.textContent : null;", selector);
    return found == null ? "" : (String) found;
  }

  private static long count(String selector) {
    return (Long) js("return document.querySelectorAll(arguments[0]).length;", selector);
  }

  private static void until(String what, Await.Condition condition) throws Exception {
    try {
      Await.until(what, STEP, condition);
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "; message: " + text("#voices-message") + "; clips: "
          + text(".clip-message") + "; registration: " + text(".profile-registration") + "; console: "
          + browser.consoleErrors(), e);
    }
  }

  private static double recordedSeconds(String timeSelector) {
    return Double.parseDouble(text(timeSelector).split(" ")[0]);
  }

  @Test
  void registersAtAVendorThatNeedsTheConsentRecordingRetriesAndChangesTheRecordings() throws Exception {
    String wsToken = Jwt.sign("HS256", Jwt.claims(SUBJECT, "websocket", 1800), SECRET);
    browser.driver().get("http://127.0.0.1:" + node.httpPort() + "/#token=" + wsToken + "&apiToken=" + apiToken);
    until("the page connects", () -> "open".equals(js("return window.rvc && window.rvc.state.connection;")));
    until("the Voices section shows", () -> Boolean.FALSE.equals(js("return document.getElementById('voices').hidden;")));
    until("openai's voices are base voices", () -> count("#profile-base option[value='[\"openai\",\"alloy\"]']") == 1);
    js("window.samePage = true;"); // gone if anything below reloaded the page

    openai.voiceLimit = 0; // the organisation has no custom voice left: the first registration fails for good
    browser.driver().findElement(By.id("profile-name")).sendKeys("Ada at OpenAI");
    browser.driver().findElement(By.id("profile-speaker")).sendKeys("Ada Example");
    new Select(browser.driver().findElement(By.id("profile-language"))).selectByValue("en-US");
    new Select(browser.driver().findElement(By.id("profile-base"))).selectByValue("[\"openai\",\"alloy\"]");
    until("the consent statement", () -> ConsentStatement.text("en-US", "Ada Example").equals(text("#consent-statement")));
    browser.driver().findElement(By.id("consent-confirmed")).click();
    assertFalse((Boolean) js("return document.getElementById('consent-recording-hint').hidden;"),
        "the page says openai needs the speaker reading the statement");

    // The statement first (marked as the consent recording by default), then a sample of the voice.
    record("#record", "#record-time", 6);
    until("the consent recording is listed", () -> count("#clip-list li") == 1);
    assertEquals(Boolean.TRUE, js("return document.querySelector('#clip-list li input[type=radio]').checked;"));
    record("#record", "#record-time", 4);
    until("the sample is listed", () -> count("#clip-list li") == 2);
    js("document.getElementById('create-profile').click();");
    until("the profile is listed", () -> count("#profile-list > li") == 1);
    String id = (String) js("return document.querySelector('#profile-list > li').dataset.id;");
    String item = "#profile-list > li[data-id='" + id + "']";
    until("the failed registration is shown with the vendor's reason",
        () -> text(item + " .profile-registration").contains("limit of 0 custom voices"));
    assertEquals("failed", js("return document.querySelector(arguments[0]).dataset.status;",
        item + " .profile-registration"));
    JsonObject failed = profile(id);
    assertEquals("failed", registration(failed).getString("status"));
    String consentClip = failed.getJsonObject("consent").getString("recordingClip");
    assertNotNull(consentClip, failed.encode());
    assertEquals(2, failed.getJsonArray("clips").size());
    assertTrue(openai.voices.isEmpty());
    assertTrue(openai.consents.isEmpty(), "the consent of the refused voice was deleted again");

    // A slot is free now; the first two attempts meet a server error (each call is retried once), so the
    // registration stays pending for seconds before the third attempt makes the voice.
    openai.voiceLimit = 20;
    for (int i = 0; i < 4; i++) {
      openai.failNext(FakeCloudServer.Fault.SERVER_ERROR);
    }
    int consentCalls = openai.received("/v1/audio/voice_consents").size();
    js("document.querySelector(arguments[0]).click();", item + " button[data-action=retry]");
    until("the page shows the registration pending", () -> text(item + " .profile-registration")
        .equals("Registering at openai…"));
    until("the page shows it ready", () -> text(item + " .profile-registration")
        .equals("Registered at openai: speaks with the cloned voice."));
    assertEquals(0, count(item + " button[data-action=retry]"), "nothing to retry once ready");
    assertTrue(text("#voices-message").contains("Registered at openai"), text("#voices-message"));
    assertEquals(Boolean.TRUE, js("return window.samePage === true;"), "the page was not reloaded");

    JsonObject ready = profile(id);
    JsonObject registration = registration(ready);
    assertEquals("ready", registration.getString("status"), ready.encode());
    String voiceId = registration.getString("remoteId");
    assertTrue(openai.voices.containsKey(voiceId), "the fake made " + voiceId);
    assertTrue(openai.consents.containsKey(registration.getString("consentId")), registration.encode());

    // What the fake got: the consent recording the store keeps, as 24 kHz mono 16-bit WAV of the statement read
    // here (the page's 6 s, trimmed), with the speaker's name and language; the other clip as the voice's sample.
    List<FakeCloudServer.Received> consentPosts = openai.received("/v1/audio/voice_consents");
    assertTrue(consentPosts.size() > consentCalls, "the retry sent a consent (the last one made the voice)");
    MultipartForm consent = form(consentPosts.get(consentPosts.size() - 1));
    assertEquals("Ada Example", consent.field("name"));
    assertEquals("en-US", consent.field("language"));
    byte[] sentConsent = consent.files("recording").get(0).data();
    byte[] storedConsent = clip(id, consentClip);
    assertArrayEquals(storedConsent, sentConsent, "the consent recording arrived byte for byte");
    assertWav24kMono16(sentConsent, 4.0, 6.5);
    String sampleClip = otherClip(ready, consentClip);
    assertArrayEquals(clip(id, sampleClip), openai.samples.get(voiceId), "the sample is the other recording");

    // Add a recording from the microphone in the voice's own panel: a new version with a third clip, report passed.
    js("document.querySelector(arguments[0]).click();", item + " details.profile-clips summary");
    int versionBefore = ready.getInteger("version");
    record(item + " button[data-action=record-clip]", item + " [data-role=record-time]", 4);
    until("the added clip is stored", () -> profile(id).getJsonArray("clips").size() == 3);
    until("its report passed", () -> count(item + " .profile-clips .report[data-passed=true]") == 1);
    JsonObject added = profile(id);
    assertEquals(versionBefore + 1, added.getInteger("version"));
    String addedClip = added.getJsonArray("clips").getJsonObject(2).getString("id");
    JsonObject addedReport = added.getJsonArray("clips").getJsonObject(2).getJsonObject("report");
    assertTrue(addedReport.getBoolean("passed") && addedReport.getLong("durationMs") >= 3_000, addedReport.encode());
    assertTrue(text(item + " .clip-message").contains(addedClip), text(item + " .clip-message"));
    until("the panel lists it", () -> count(item + " .stored-clip[data-id='" + addedClip + "']") == 1);
    assertEquals(0, count(item + " .stored-clip[data-id='" + consentClip + "'] button"),
        "the consent recording offers no Remove");
    // The voice at OpenAI was made from the other recordings: the API calls it stale and the page offers a re-clone.
    assertTrue(registration(added).getBoolean("stale"), added.encode());
    until("the page says the voice is from earlier recordings", () -> text(item + " .profile-registration")
        .contains("made from earlier recordings"));
    assertEquals("Re-clone", text(item + " button[data-action=retry]"));

    // A too-short upload: the failed check is shown and nothing is stored.
    assertEquals(List.of(), browser.consoleErrors(), "no console error so far");
    browser.driver().findElement(By.id("clips-" + id + "-files")).sendKeys(microphone.shortClip().toString());
    until("the refused report", () -> count(item + " .profile-clips .report[data-passed=false]") == 1);
    assertEquals("false", js("return document.querySelector(arguments[0]).dataset.passed;",
        item + " .profile-clips tr[data-code=too_short]"));
    assertTrue(text(item + " .clip-message").contains("Nothing was stored"), text(item + " .clip-message"));
    JsonObject afterRefusal = profile(id);
    assertEquals(added.getInteger("version"), afterRefusal.getInteger("version"), "nothing stored");
    assertEquals(3, afterRefusal.getJsonArray("clips").size());
    List<String> console = browser.consoleErrors();
    assertEquals(1, console.size(), console.toString());
    assertTrue(console.get(0).contains("/clips") && console.get(0).contains("422"), console.get(0));

    // Remove the added clip after the confirmation: gone from the profile and its audio from the store.
    js("document.querySelector(arguments[0]).click();", item + " .stored-clip[data-id='" + addedClip + "'] button");
    until("the confirmation asks", () -> (Boolean) js("return document.getElementById('confirm-dialog').open;"));
    assertEquals("Remove", text("#confirm-ok"));
    js("document.getElementById('confirm-ok').click();");
    until("the clip is removed", () -> profile(id).getJsonArray("clips").size() == 2);
    // The store deletes a removed clip's file after it has written the new profile.json, which a read can see first;
    // the page's answer comes once the store is done.
    until("the page says the clip is removed", () -> text(item + " .clip-message").equals("Removed " + addedClip + "."));
    assertEquals(404, get(ProfileUploads.PATH + "/" + id + "/clips/" + addedClip).statusCode());
    assertFalse(Files.exists(dir.resolve(id).resolve("clips").resolve(addedClip + ".wav")));
    until("the panel no longer lists it", () -> count(item + " .stored-clip[data-id='" + addedClip + "']") == 0);
    // Back to the recordings the voice was made from: no longer stale, nothing to re-clone.
    until("the page says the cloned voice speaks again", () -> text(item + " .profile-registration")
        .equals("Registered at openai: speaks with the cloned voice."));
    assertEquals(0, count(item + " button[data-action=retry]"));
    assertEquals(0, count(item + " .profile-clips .report"), "the refused upload's report is cleared");
    browser.screenshot(Path.of("target", "voices-page", "cloning.png"));
    assertEquals(List.of(), browser.consoleErrors());
  }

  /** Records about {@code seconds} with the Record button {@code button}, whose elapsed time is {@code time}. */
  private static void record(String button, String time, double seconds) throws Exception {
    js("document.querySelector(arguments[0]).click();", button);
    until("recording", () -> "true".equals(js("return document.querySelector(arguments[0]).getAttribute('aria-pressed');",
        button)));
    until(seconds + " s recorded", () -> recordedSeconds(time) >= seconds);
    js("document.querySelector(arguments[0]).click();", button);
  }

  private static HttpResponse<Buffer> get(String path) throws Exception {
    return http.get(node.httpPort(), "127.0.0.1", path).bearerTokenAuthentication(apiToken).send()
        .await(30, TimeUnit.SECONDS);
  }

  private static JsonObject profile(String id) throws Exception {
    HttpResponse<Buffer> read = get(ProfileUploads.PATH + "/" + id);
    assertEquals(200, read.statusCode(), read.bodyAsString());
    return read.bodyAsJsonObject();
  }

  private static byte[] clip(String id, String clip) throws Exception {
    HttpResponse<Buffer> read = get(ProfileUploads.PATH + "/" + id + "/clips/" + clip);
    assertEquals(200, read.statusCode(), read.bodyAsString());
    return read.body().getBytes();
  }

  private static JsonObject registration(JsonObject profile) {
    JsonArray registrations = profile.getJsonArray("registrations");
    assertEquals(1, registrations.size(), profile.encode());
    return registrations.getJsonObject(0);
  }

  private static String otherClip(JsonObject profile, String consentClip) {
    List<String> others = new ArrayList<>();
    for (Object c : profile.getJsonArray("clips")) {
      String clipId = ((JsonObject) c).getString("id");
      if (!clipId.equals(consentClip)) {
        others.add(clipId);
      }
    }
    assertEquals(1, others.size(), profile.encode());
    return others.get(0);
  }

  private static MultipartForm form(FakeCloudServer.Received request) {
    MultipartForm form = MultipartForm.parse(request.headers().get("Content-Type"), request.body());
    assertNotNull(form, "a multipart body");
    return form;
  }

  /** A plain 44-byte-header PCM WAV at 24 kHz, mono, 16-bit, lasting between {@code min} and {@code max} s. */
  private static void assertWav24kMono16(byte[] wav, double min, double max) {
    ByteBuffer b = ByteBuffer.wrap(wav).order(ByteOrder.LITTLE_ENDIAN);
    assertEquals("RIFF", new String(wav, 0, 4, StandardCharsets.US_ASCII));
    assertEquals("WAVE", new String(wav, 8, 4, StandardCharsets.US_ASCII));
    assertEquals(1, b.getShort(20), "PCM");
    assertEquals(1, b.getShort(22), "mono");
    assertEquals(24_000, b.getInt(24));
    assertEquals(16, b.getShort(34));
    assertEquals("data", new String(wav, 36, 4, StandardCharsets.US_ASCII));
    int dataBytes = b.getInt(40);
    assertEquals(wav.length - 44, dataBytes);
    double seconds = dataBytes / 2.0 / 24_000;
    assertTrue(seconds >= min && seconds <= max, seconds + " s");
    assertFalse(Arrays.equals(new byte[dataBytes], Arrays.copyOfRange(wav, 44, wav.length)), "not silence");
  }
}
