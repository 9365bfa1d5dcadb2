package com.ervc.it;

import com.ervc.node.Node;
import com.ervc.protocol.Addresses;
import com.ervc.provider.azure.FakeAzureSpeechServer;
import com.ervc.provider.cloud.FakeCloudServer;
import com.ervc.provider.elevenlabs.FakeElevenLabsServer;
import com.ervc.provider.openai.FakeRealtimeServer;
import com.ervc.testing.Await;
import com.ervc.testing.Browser;
import com.ervc.testing.TestNodes;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The browser client in real headless Chromium against a real node: playback, controls, Stop, reconnect, errors,
 * and a console free of errors (including Content-Security-Policy violations). Screenshots land in
 * target/browser/.
 */
class BrowserIT {
  private static final Path SCREENSHOTS = Path.of("target", "browser");
  private static final List<JsonObject> sentToPipeline = new CopyOnWriteArrayList<>();
  private static Map<String, String> env;
  private static Node node;
  private static Browser browser;
  private static Vertx fakes;
  private static Map<String, FakeCloudServer> cloud;

  @BeforeAll
  static void start() throws Exception {
    env = TestNodes.env(TestNodes.uniqueClusterName());
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      env.put("HTTP_PORT", Integer.toString(socket.getLocalPort()));
    }
    startCloudFakes();
    node = startCapturingNode();
    browser = new Browser();
  }

  /**
   * The three cloud providers, pointed at their fake servers with dummy keys; {@code openai} on the Realtime API, as
   * it runs against OpenAI itself (its speech endpoint is covered end to end in CloudProvidersIT).
   */
  private static void startCloudFakes() throws Exception {
    String key = "dummy-browser-key-0123456789";
    fakes = Vertx.vertx();
    cloud = Map.of("elevenlabs", new FakeElevenLabsServer(fakes, key).start(),
        "azure", new FakeAzureSpeechServer(fakes, key).start(),
        "openai", new FakeRealtimeServer(fakes, key).start());
    env.put("ELEVENLABS_BASE_URL", cloud.get("elevenlabs").url());
    env.put("ELEVENLABS_API_KEY", key);
    env.put("AZURE_TTS_ENDPOINT", cloud.get("azure").url());
    env.put("AZURE_SPEECH_KEY", key);
    env.put("OPENAI_REALTIME_URL", cloud.get("openai").url());
    env.put("OPENAI_API_KEY", key);
  }

  @AfterAll
  static void stop() throws Exception {
    browser.close();
    TestNodes.stop(node);
    for (FakeCloudServer server : cloud.values()) {
      server.close();
    }
    fakes.close().await(10, TimeUnit.SECONDS);
  }

  /** A node whose gateway → pipeline requests are recorded, to see exactly what the page asked for. */
  private static Node startCapturingNode() {
    Node started = TestNodes.start(env);
    started.vertx().eventBus().addOutboundInterceptor(ctx -> {
      try {
        if (Addresses.PIPELINE_SYNTHESIZE.equals(ctx.message().address()) && ctx.body() instanceof JsonObject body) {
          sentToPipeline.add(body.getJsonObject("request"));
        }
      } finally {
        ctx.next();
      }
    });
    return started;
  }

  @BeforeEach
  void openPage() throws Exception {
    browser.consoleErrors(); // drops an earlier test's messages: each test checks only its own
    browser.driver().get("http://127.0.0.1:" + env.get("HTTP_PORT") + "/");
    awaitConnected();
  }

  private static void awaitConnected() throws Exception {
    // The session's ready, not only an open socket: the socket opens before the node admits its token, so "open"
    // also holds on a socket about to be refused (4001 after a restart, whose new node signs with a new key), and
    // before ready has set state.cloning or started the catalog's reload.
    Await.until("the page's session is ready", Duration.ofMillis(30_000),
        () -> Boolean.TRUE.equals(browser.js("return window.rvc && window.rvc.state.ready;")));
    Await.until("voices loaded", Duration.ofMillis(10_000), () -> ((Number) browser.js(
        "return document.querySelectorAll('#voice option').length;")).intValue() > 1);
  }

  private static String lastRequestId() {
    return (String) browser.js("return window.rvc.lastMetrics && window.rvc.lastMetrics.id;");
  }

  /** Types text and presses Enter; returns the request id once its reply has ended. */
  private static String speakByKeyboard(String text) throws Exception {
    String previous = lastRequestId();
    WebElement box = browser.driver().findElement(By.id("text"));
    box.clear();
    box.sendKeys(text);
    box.sendKeys(Keys.ENTER);
    try {
      Await.until("a new reply ends", Duration.ofMillis(30_000), () -> {
        String id = lastRequestId();
        return id != null && !id.equals(previous) && browser.js("return window.rvc.lastMetrics.samples;") != null;
      });
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "; page state: " + pageState() + "; console: " + browser.consoleErrors(), e);
    }
    return lastRequestId();
  }

  private static Object pageState() {
    return browser.js("return JSON.stringify({conn: window.rvc.state.connection, last: window.rvc.lastMetrics,"
        + " sent: window.rvc.debug.lastRequestSent, errors: window.rvc.errors, text: document.getElementById('text').value});");
  }

  private static double stream(String id, String field) {
    return browser.number("window.rvc.debug.streams['" + id + "']." + field);
  }

  @Test
  void theVoicesSectionIsHiddenWhileCloningIsOff() throws Exception {
    assertEquals(Boolean.FALSE, browser.js("return window.rvc.state.cloning;"), "the session's ready says cloning is off");
    assertEquals(Boolean.TRUE, browser.js("return document.getElementById('voices').hidden;"));
    assertEquals(0L, browser.js("return document.querySelectorAll('#voice option[value^=\"profile:\"]').length;"));
    assertEquals(0L, browser.js("return performance.getEntriesByType('resource')"
        + ".filter(e => e.name.includes('/api/v1/voice-profiles')).length;"), "no request that would answer 404");
    assertEquals(List.of(), browser.consoleErrors(), "no console errors, no CSP violations");
  }

  @Test
  void enterSpeaksEverySampleAndTheHighlightFollowsTheSentences() throws Exception {
    String id = speakByKeyboard("Hello from the browser. This is the second sentence.");
    double samples = browser.number("window.rvc.lastMetrics.samples");
    double ratio = browser.number("window.rvc.debug.deviceRate") / browser.number("window.rvc.debug.sessionRate");
    assertEquals(samples, stream(id, "receivedSamples"), "every sample of audio_end arrived");
    Await.until("the reply is played out", Duration.ofMillis(20_000), () -> stream(id, "playedSamples") >= Math.round(samples * ratio) - 256);
    double scheduled = stream(id, "scheduledSamples");
    assertTrue(Math.abs(scheduled - samples * ratio) <= 2 * stream(id, "receivedSamples") / 2400.0 + 4,
        "scheduled " + scheduled + " vs " + samples + " x " + ratio);
    assertTrue(stream(id, "currentSentence") >= 1, "the highlight reached the second sentence");
    browser.screenshot(SCREENSHOTS.resolve("conversation.png"));
    assertEquals(List.of(), browser.consoleErrors(), "no console errors, no CSP violations");
  }

  @Test
  void controlsChangeTheRequestAndSpeedChangesTheLength() throws Exception {
    String text = "Controls change how this sentence sounds.";
    setControl("speed", "1");
    speakByKeyboard(text);
    double normal = browser.number("window.rvc.lastMetrics.samples");

    setControl("emotion", "sad");
    setControl("quality", "high");
    setControl("speed", "1.5");
    int before = sentToPipeline.size();
    speakByKeyboard(text);
    JsonObject sent = sentToPipeline.get(sentToPipeline.size() - 1);
    assertTrue(sentToPipeline.size() > before);
    assertEquals("sad", sent.getString("emotion"));
    assertEquals("high", sent.getString("quality"));
    assertEquals(1.5, sent.getDouble("speed"), 1e-9);
    double fast = browser.number("window.rvc.lastMetrics.samples");
    assertTrue(fast < normal * 0.85, "speed 1.5 is shorter: " + fast + " vs " + normal);
    setControl("emotion", "neutral");
    setControl("quality", "balanced");
    setControl("speed", "1");
  }

  @Test
  void thePageSpeaksThroughEachCloudProvider() throws Exception {
    for (String provider : List.of("elevenlabs", "azure", "openai")) {
      setControl("provider", provider);
      String text = "The cloud provider " + provider + " speaks here.";
      String id = speakByKeyboard(text);

      assertEquals(provider, sentToPipeline.get(sentToPipeline.size() - 1).getString("provider"));
      assertEquals(FakeCloudServer.pcmFor(text).length() / 2, stream(id, "receivedSamples"), 0.0,
          provider + ": every sample of the fake's audio reached the page");
    }
    List<FakeCloudServer.Received> realtime = cloud.get("openai").received(FakeRealtimeServer.RESPONSE_CREATE);
    assertTrue(realtime.get(realtime.size() - 1).json().encode().contains("The cloud provider openai speaks here."),
        "openai spoke through a Realtime session");
    assertEquals(List.of(), ((FakeRealtimeServer) cloud.get("openai")).violations());
    setControl("provider", "auto");
    assertEquals(List.of(), browser.consoleErrors(), "no console errors, no CSP violations");
  }

  private static void setControl(String id, String value) {
    browser.js("const el = document.getElementById(arguments[0]); el.value = arguments[1];"
        + "el.dispatchEvent(new Event('input', {bubbles: true})); el.dispatchEvent(new Event('change', {bubbles: true}));",
        id, value);
  }

  @Test
  void stopHaltsPlaybackAndLaterRepliesStillPlay() throws Exception {
    StringBuilder story = new StringBuilder();
    for (int i = 1; i <= 30; i++) {
      story.append("This long story has sentence number ").append(i).append(". ");
    }
    WebElement box = browser.driver().findElement(By.id("text"));
    box.clear();
    browser.js("document.getElementById('text').value = arguments[0];", story.toString());
    box.sendKeys(Keys.END, Keys.ENTER);
    Await.until("playback starts", Duration.ofMillis(20_000), () -> {
      Object id = browser.js("return window.rvc.debug.lastRequestSent && window.rvc.debug.lastRequestSent.id;");
      return id != null && stream((String) id, "playedSamples") > 0;
    });
    String id = (String) browser.js("return window.rvc.debug.lastRequestSent.id;");
    // The player reports the end of the fade with the stream's final position (then the reply is finished); listened
    // for before Stop is pressed, so the report cannot come first. A fixed pause instead read a position the audio
    // thread had not yet reported whenever the renderer was late on a loaded machine.
    browser.js("window.finishedIds = [];"
        + "window.addEventListener('rvc:finished', (e) => window.finishedIds.push(e.detail.id));");
    browser.driver().findElement(By.id("stop")).click();
    Await.until("the stream stops", Duration.ofMillis(2_000), () -> Boolean.TRUE.equals(
        browser.js("return window.rvc.debug.streams[arguments[0]].stopped;", id)));
    Await.until("the player reports the fade-out done", Duration.ofMillis(10_000), () -> Boolean.TRUE.equals(
        browser.js("return window.finishedIds.includes(arguments[0]);", id)));
    double afterStop = stream(id, "playedSamples");
    // A sleep, not a wait: the test watches that nothing more is played for 500 ms after the fade.
    Thread.sleep(500);
    double deviceRate = browser.number("window.rvc.debug.deviceRate");
    assertTrue(stream(id, "playedSamples") - afterStop <= 0.02 * deviceRate + 128,
        "nothing more is played after the fade");

    String next = speakByKeyboard("After stop, speech still works.");
    Await.until("the next reply plays", Duration.ofMillis(20_000), () -> stream(next, "playedSamples") > 0);
  }

  @Test
  void errorsAreShownForOverLongTextAndRateLimiting() throws Exception {
    browser.js("document.getElementById('text').value = 'a'.repeat(5001);");
    browser.driver().findElement(By.id("text")).sendKeys(Keys.END, Keys.ENTER);
    Await.until("too_large is reported", Duration.ofMillis(5_000), () -> Boolean.TRUE.equals(browser.js(
        "return window.rvc.errors.some(e => e.code === 'too_large');")));
    assertTrue(browser.driver().findElement(By.id("error")).isDisplayed());

    // A flood sent while the page is reconnecting (after another test restarted the node) would fail as
    // `connection`, never reaching the server's limit.
    Await.until("the page is connected", Duration.ofMillis(20_000),
        () -> "open".equals(browser.js("return window.rvc.state.connection;")));
    // Several sentences each, so the first four are still in flight when the fifth arrives, however fast a reply is.
    browser.js("for (let i = 0; i < 8; i++) window.rvc.sendRaw({type: 'synthesize', id: 'flood-' + i,"
        + " text: 'Flooding the connection with request number ' + i + '. It has a second sentence.'"
        + " + ' And a third one, to keep it busy. The fourth ends it.'});");
    Await.until("rate_limited is reported", Duration.ofMillis(10_000), () -> Boolean.TRUE.equals(browser.js(
        "return window.rvc.errors.some(e => e.code === 'rate_limited');")));
    String shown = browser.driver().findElement(By.id("error")).getText();
    assertTrue(!shown.isBlank(), "the error line shows a message");
    browser.screenshot(SCREENSHOTS.resolve("errors.png"));
  }

  @Test
  void thePageReconnectsAfterAServerRestart() throws Exception {
    // The session's ready reloads the catalog (after the one at boot): were those requests still under way when the
    // node closes its HTTP server, the browser would log their failure, which is no connection refusal.
    Await.until("the catalog reloaded after the session's ready", Duration.ofMillis(10_000), () -> ((Number) browser.js(
        "const done = (path) => performance.getEntriesByType('resource').filter(e => e.name.endsWith(path)).length;"
            + "return Math.min(done('/api/v1/providers'), done('/api/v1/voices'));")).intValue() >= 2);
    TestNodes.stop(node);
    Await.until("the page notices", Duration.ofMillis(20_000), () -> !"open".equals(browser.js("return window.rvc.state.connection;")));
    node = startCapturingNode();
    awaitConnected();
    String id = speakByKeyboard("Back after the restart.");
    Await.until("the reply plays", Duration.ofMillis(20_000), () -> stream(id, "playedSamples") > 0);
    assertEquals(List.of(), browser.consoleErrors().stream()
        .filter(message -> !message.contains("WebSocket") && !message.contains("ERR_CONNECTION_REFUSED")).toList(),
        "only the expected connection errors while the server was down");
  }
}
