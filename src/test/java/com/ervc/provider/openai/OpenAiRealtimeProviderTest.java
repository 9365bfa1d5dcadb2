package com.ervc.provider.openai;

import com.ervc.testing.Await;

import com.ervc.config.ServiceConfig;
import com.ervc.metrics.ServiceMetrics;
import com.ervc.protocol.Emotion;
import com.ervc.protocol.ErrorCode;
import com.ervc.protocol.ProviderInfo;
import com.ervc.protocol.QualityTier;
import com.ervc.protocol.SpeechException;
import com.ervc.protocol.TtsRequest;
import com.ervc.provider.AudioOut;
import com.ervc.provider.ProviderHarness;
import com.ervc.provider.ProviderVerticle;
import com.ervc.provider.cloud.CloudProviderContract;
import com.ervc.provider.cloud.EmotionScale;
import com.ervc.provider.cloud.FakeCloudServer;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The {@code openai} provider on its Realtime transport, against the strict fake Realtime server. */
class OpenAiRealtimeProviderTest extends CloudProviderContract {
  private final List<ServiceMetrics> metrics = new ArrayList<>();

  private FakeRealtimeServer realtime() {
    return (FakeRealtimeServer) fake;
  }

  @Override
  protected FakeCloudServer newFake(Vertx vertx, String key) {
    return new FakeRealtimeServer(vertx, key);
  }

  @Override
  protected Map<String, String> providerEnv(String url, String key) {
    Map<String, String> env = new HashMap<>(Map.of("OPENAI_REALTIME_URL", url, "OPENAI_TTS_API", "realtime"));
    if (key != null) {
      env.put("OPENAI_API_KEY", key);
    }
    return env;
  }

  @Override
  protected BiFunction<ServiceMetrics, ServiceConfig, ProviderVerticle> factory() {
    return (m, config) -> {
      metrics.add(m);
      return new OpenAiVerticle(m, config);
    };
  }

  @Override
  protected String voice() {
    return "coral";
  }

  @Override
  protected String synthesisPath() {
    return FakeRealtimeServer.RESPONSE_CREATE;
  }

  @Override
  protected String keyEnv() {
    return "OPENAI_API_KEY";
  }

  /** A refused upgrade was an attempt at a sentence too. */
  @Override
  protected int synthesisRequests() {
    return super.synthesisRequests() + realtime().refusedUpgrades();
  }

  @AfterEach
  void theClientBrokeNoRuleOfTheApi() {
    assertEquals(List.of(), realtime().violations());
  }

  private double mismatches(int deployment) {
    Counter counter = metrics.get(deployment).registry().find("tts.provider.mismatch").tag("provider", "openai").counter();
    return counter == null ? -1 : counter.count();
  }

  private List<JsonObject> events(String path) {
    return fake.received(path).stream().map(FakeCloudServer.Received::json).toList();
  }

  private List<Integer> createPorts() {
    return fake.received(FakeRealtimeServer.RESPONSE_CREATE).stream().map(FakeCloudServer.Received::clientPort).toList();
  }

  /** The reader's order in every response; the emotion as the speech endpoint words it; one model for every tier. */
  @ParameterizedTest(name = "{0} / {1}")
  @MethodSource("emotionsAndTiers")
  void eachEmotionAndTierBecomesTheDocumentedEvents(Emotion emotion, QualityTier tier) throws Exception {
    TtsRequest request = request(TEXT, emotion, 0.5, tier, 24_000);

    assertEquals(FakeCloudServer.pcmFor(TEXT), ProviderHarness.joined(provider.chunks(request)));

    FakeCloudServer.Received create = fake.received(FakeRealtimeServer.RESPONSE_CREATE).get(0);
    assertEquals("model=gpt-realtime-2.1-mini", create.query());
    JsonObject response = create.json().getJsonObject("response");
    String instructions = response.getString("instructions");
    String reader = "You are a text-to-speech engine, not an assistant. Each user message is a JSON object. Read the "
        + "value of response_text aloud exactly as written, word for word, in its language. Never answer it, comment "
        + "on it, translate it, or add, leave out or change any word.";
    // The affect sentence is the speech endpoint's (its wording is checked in OpenAiProviderTest).
    String affect = OpenAiRequests.instructions(request);
    assertEquals(emotion == Emotion.NEUTRAL ? reader : reader + " " + affect, instructions);
    if (emotion != Emotion.NEUTRAL) {
      assertTrue(affect.startsWith("Voice affect: noticeably "), affect);
    }
    JsonObject envelope = new JsonObject(response.getJsonArray("input").getJsonObject(0).getJsonArray("content")
        .getJsonObject(0).getString("text"));
    assertEquals(new JsonObject().put("response_text", TEXT).put("require_repeat_verbatim", true), envelope);
    List<JsonObject> updates = events(FakeRealtimeServer.SESSION_UPDATE);
    double speed = updates.get(updates.size() - 1).getJsonObject("session").getJsonObject("audio")
        .getJsonObject("output").getDouble("speed");
    assertEquals(EmotionScale.speed(request, 0.25, 1.5), speed, 1e-9);
  }

  @Test
  void theUpgradeCarriesTheKeyAndTheSessionIsSetUpToReadAloud() throws Exception {
    provider.chunks(plain(TEXT));

    FakeCloudServer.Received create = fake.received(FakeRealtimeServer.RESPONSE_CREATE).get(0);
    assertEquals("Bearer " + KEY, create.headers().get("Authorization"));
    assertNull(create.headers().get("OpenAI-Beta"), "GA protocol");
    JsonObject session = events(FakeRealtimeServer.SESSION_UPDATE).get(0).getJsonObject("session");
    assertEquals("realtime", session.getString("type"));
    assertEquals(new JsonArray().add("audio"), session.getJsonArray("output_modalities"));
    assertEquals("minimal", session.getJsonObject("reasoning").getString("effort"));
    JsonObject audio = session.getJsonObject("audio");
    assertTrue(audio.getJsonObject("input").containsKey("turn_detection"));
    assertNull(audio.getJsonObject("input").getValue("turn_detection"));
    assertEquals(new JsonObject().put("type", "audio/pcm").put("rate", 24000),
        audio.getJsonObject("output").getJsonObject("format"));
    assertEquals("coral", audio.getJsonObject("output").getString("voice"));
    JsonObject response = create.json().getJsonObject("response");
    assertEquals("none", response.getString("conversation"));
    assertEquals(create.json().getString("event_id"), response.getJsonObject("metadata").getString("tts_id"));
  }

  @Test
  void startUpProvesTheKeyWithASessionAndNoBilledResponse() throws Exception {
    ProviderInfo info = provider.info();

    assertTrue(info.available());
    assertEquals(RealtimeRequests.VOICES.size(), info.voices().size());
    assertFalse(info.hasVoice("nova"), "fable, onyx and nova do not exist on the Realtime API");
    assertEquals(1, fake.received(FakeRealtimeServer.PATH).size(), "one session opened");
    assertEquals(1, fake.received(FakeRealtimeServer.SESSION_UPDATE).size());
    assertEquals(0, fake.received(FakeRealtimeServer.RESPONSE_CREATE).size(), "no response, nothing billed");
    assertEquals(0, mismatches(0), "the mismatch counter starts at 0");
  }

  @Test
  void aRejectedKeyAtStartUpLeavesTheProviderUnavailable() throws Exception {
    try (ProviderHarness wrongKey = ProviderHarness.deploy(factory(), env("sk-wrong-key-0000000000"))) {
      ProviderInfo info = wrongKey.info();
      assertFalse(info.available());
      assertTrue(info.detail().contains("rejected the configured credentials (HTTP 401 invalid_api_key)"), info.detail());
    }
  }

  @Test
  void aClientsInstructionsFollowTheReadersStandingOrder() throws Exception {
    String given = "Speak with a soft British accent, like a bedtime story.";
    provider.chunks(plain(TEXT).withInstructions(given));

    String instructions = fake.received(FakeRealtimeServer.RESPONSE_CREATE).get(0).json().getJsonObject("response")
        .getString("instructions");
    assertTrue(instructions.startsWith("You are a text-to-speech engine, not an assistant."), instructions);
    assertTrue(instructions.endsWith(" " + given), instructions);
  }

  @Test
  void speedIsClampedToTheRealtimeRange() throws Exception {
    provider.chunks(new TtsRequest(TEXT, "openai", "coral", Emotion.EXCITED, 1.0, QualityTier.BALANCED, 4.0, 0, 24_000));

    List<JsonObject> updates = events(FakeRealtimeServer.SESSION_UPDATE);
    assertEquals(1.5, updates.get(updates.size() - 1).getJsonObject("session").getJsonObject("audio")
        .getJsonObject("output").getDouble("speed"));
  }

  @Test
  void sessionsAreReusedPerVoiceAndAnIdleOneChangesOnlyItsSpeed() throws Exception {
    provider.chunks(plain(TEXT));
    provider.chunks(new TtsRequest(TEXT, "openai", "marin", Emotion.NEUTRAL, 0.5, QualityTier.BALANCED, 1, 0, 24_000));
    provider.chunks(new TtsRequest(TEXT, "openai", "coral", Emotion.NEUTRAL, 0.5, QualityTier.BALANCED, 1.2, 0, 24_000));

    List<Integer> ports = createPorts();
    assertNotEquals(ports.get(0), ports.get(1), "another voice, another session");
    assertEquals(ports.get(0), ports.get(2), "the coral session again");
    JsonObject speedOnly = events(FakeRealtimeServer.SESSION_UPDATE).get(3).getJsonObject("session");
    assertEquals(new JsonObject().put("type", "realtime").put("audio", new JsonObject()
        .put("output", new JsonObject().put("speed", 1.2))), speedOnly);
  }

  @Test
  void twoSentencesRunSideBySideOnOneSessionEachWithItsOwnAudio() throws Exception {
    String other = "A second sentence, spoken at the same time.";
    provider.chunks(plain(TEXT)); // a warm session (two sentences at once on a cold pool open two sessions)
    List<Buffer> first = new ArrayList<>();
    List<Buffer> second = new ArrayList<>();
    Future<Void> a = provider.synthesize(plain(TEXT), pcm -> add(first, pcm));
    Future<Void> b = provider.synthesize(plain(other), pcm -> add(second, pcm));
    Future.all(a, b).await(20, TimeUnit.SECONDS);

    assertEquals(FakeCloudServer.pcmFor(TEXT), ProviderHarness.joined(first));
    assertEquals(FakeCloudServer.pcmFor(other), ProviderHarness.joined(second));
    assertEquals(1, createPorts().stream().distinct().count(), "both on one session: " + createPorts());
  }

  private static Future<Void> add(List<Buffer> into, Buffer pcm) {
    synchronized (into) {
      into.add(pcm.copy());
    }
    return Future.succeededFuture();
  }

  @Test
  void aClientThatLeavesMidStreamCancelsTheResponseByItsId() throws Exception {
    AtomicInteger writes = new AtomicInteger();
    provider.synthesize(plain(TEXT), pcm -> writes.incrementAndGet() == 1 ? Future.succeededFuture()
        : Future.failedFuture("client left")).transform(ar -> Future.succeededFuture()).await(20, TimeUnit.SECONDS);

    Await.until("the fake cancelled the response", Duration.ofSeconds(5),
        () -> realtime().cancelledResponses() == 1);
    JsonObject cancel = events(FakeRealtimeServer.RESPONSE_CANCEL).get(0);
    assertTrue(cancel.getString("response_id").startsWith("resp_"), cancel.encode());
    assertEquals(FakeCloudServer.pcmFor(TEXT), ProviderHarness.joined(provider.chunks(plain(TEXT))),
        "the session speaks on after the cancel");
    assertEquals(1, createPorts().stream().distinct().count());
  }

  @Test
  void noResponseIsCreatedForAConsumerThatIsAlreadyGone() throws Exception {
    AudioOut gone = new AudioOut() {
      @Override
      public Future<Void> write(Buffer pcm) {
        return Future.failedFuture("gone");
      }

      @Override
      public boolean cancelled() {
        return true;
      }
    };

    provider.synthesize(plain(TEXT), gone).transform(ar -> Future.succeededFuture()).await(20, TimeUnit.SECONDS);

    assertEquals(0, synthesisRequests(), "every response is billed");
  }

  @Test
  void aCancelThatArrivesAfterTheResponseEndedIsHarmless() throws Exception {
    realtime().failNext(FakeRealtimeServer.RealtimeFault.LATE_DONE);
    int chunks = (int) Math.ceil(FakeCloudServer.pcmFor(TEXT).length() / (double) ((FakeCloudServer.pcmFor(TEXT).length()
        / fake.chunks) & ~1));
    AtomicInteger writes = new AtomicInteger();
    provider.synthesize(plain(TEXT), pcm -> {
      if (writes.incrementAndGet() < chunks) {
        return Future.succeededFuture();
      }
      // The client leaves while the last chunk plays, after the server considers the response over (it forgets the
      // response once its last delta is out) and before its late response.done (300 ms): halfway leaves each side
      // room for a busy machine's pauses.
      Promise<Void> left = Promise.promise();
      fakeVertx.setTimer(150, id -> left.fail("client left"));
      return left.future();
    }).transform(ar -> Future.succeededFuture()).await(20, TimeUnit.SECONDS);

    Await.until("the fake received one response.cancel", Duration.ofSeconds(5),
        () -> fake.received(FakeRealtimeServer.RESPONSE_CANCEL).size() == 1);
    assertEquals(0, realtime().cancelledResponses(), "the fake answered response_cancel_not_active");
    assertEquals(FakeCloudServer.pcmFor(TEXT), ProviderHarness.joined(provider.chunks(plain(TEXT))));
    assertEquals(1, createPorts().stream().distinct().count(), "the session survived the error event");
  }

  @Test
  void aRewordedTranscriptIsLoggedCountedAndAcceptedByDefault() throws Exception {
    realtime().failNext(FakeRealtimeServer.RealtimeFault.REWORDED_TRANSCRIPT);

    assertEquals(FakeCloudServer.pcmFor(TEXT), ProviderHarness.joined(provider.chunks(plain(TEXT))));

    assertEquals(1, mismatches(0));
    assertEquals(1, synthesisRequests());
  }

  @Test
  void withRetryAMismatchedSentenceIsSpokenOnceMoreAndOnlyTheSecondReadingIsHeard() throws Exception {
    try (ProviderHarness retrying = ProviderHarness.deploy(factory(), withEnv("OPENAI_VERBATIM_MISMATCH", "retry"))) {
      realtime().failNext(FakeRealtimeServer.RealtimeFault.REWORDED_TRANSCRIPT);

      assertEquals(FakeCloudServer.pcmFor(TEXT), ProviderHarness.joined(retrying.chunks(plain(TEXT))));

      assertEquals(1, mismatches(1));
      assertEquals(2, synthesisRequests());
    }
  }

  @Test
  void twoOutputItemsAreCheckedAsOneTranscript() throws Exception {
    realtime().failNext(FakeRealtimeServer.RealtimeFault.PREAMBLE_ITEM);

    Buffer pcm = ProviderHarness.joined(provider.chunks(plain(TEXT)));

    assertEquals(FakeCloudServer.pcmFor(FakeRealtimeServer.PREAMBLE).appendBuffer(FakeCloudServer.pcmFor(TEXT)), pcm,
        "accept streams what came, in order");
    assertEquals(1, mismatches(0));
  }

  @Test
  void withRetryAPreambleItemIsNeverHeard() throws Exception {
    try (ProviderHarness retrying = ProviderHarness.deploy(factory(), withEnv("OPENAI_VERBATIM_MISMATCH", "retry"))) {
      realtime().failNext(FakeRealtimeServer.RealtimeFault.PREAMBLE_ITEM);

      assertEquals(FakeCloudServer.pcmFor(TEXT), ProviderHarness.joined(retrying.chunks(plain(TEXT))));
      assertEquals(1, mismatches(1));
    }
  }

  @Test
  void aRateLimitedResponseWithAShortWaitIsRetriedOnce() throws Exception {
    fake.retryAfterSeconds = 0;
    realtime().failNext(FakeRealtimeServer.RealtimeFault.RATE_LIMITED_RESPONSE);

    assertEquals(FakeCloudServer.pcmFor(TEXT), ProviderHarness.joined(provider.chunks(plain(TEXT))));
    assertEquals(2, synthesisRequests());
  }

  @Test
  void aProfilesCustomVoiceIsRefusedOnRealtimeWithTheSettingToChange() throws Exception {
    TtsRequest custom = new TtsRequest(TEXT, "openai", com.ervc.protocol.RemoteVoice.of("openai", "voice_123abc"),
        Emotion.NEUTRAL, 0.5, QualityTier.BALANCED, 1, 0, 24_000);

    SpeechException error = failure(custom);

    assertEquals(ErrorCode.INVALID_REQUEST, error.code());
    assertTrue(error.getMessage().contains("providers.openai.api"), error.getMessage());
    assertEquals(0, synthesisRequests());
  }

  @Test
  void aRateLimitedResponseWithALongWaitFailsRetryably() throws Exception {
    fake.retryAfterSeconds = 30;
    realtime().failNext(FakeRealtimeServer.RealtimeFault.RATE_LIMITED_RESPONSE);

    SpeechException error = failure(plain(TEXT));

    assertEquals(ErrorCode.RATE_LIMITED, error.code());
    assertTrue(error.retryable());
    assertTrue(error.getMessage().contains("retry after 30000 ms"), error.getMessage());
    assertEquals(1, synthesisRequests());
  }

  @Test
  void aServerErrorEventIsRetriedOnce() throws Exception {
    realtime().failNext(FakeRealtimeServer.RealtimeFault.SERVER_ERROR_EVENT);

    assertEquals(FakeCloudServer.pcmFor(TEXT), ProviderHarness.joined(provider.chunks(plain(TEXT))));
    assertEquals(2, synthesisRequests());
  }

  @Test
  void anActiveResponseConflictIsRetriedOnceAndTheSessionStopsOverlapping() throws Exception {
    realtime().failNext(FakeRealtimeServer.RealtimeFault.ACTIVE_RESPONSE_CONFLICT);

    assertEquals(FakeCloudServer.pcmFor(TEXT), ProviderHarness.joined(provider.chunks(plain(TEXT))));
    assertEquals(2, synthesisRequests());

    Future.all(provider.synthesize(plain(TEXT + " B"), pcm -> Future.succeededFuture()),
        provider.synthesize(plain(TEXT + " C"), pcm -> Future.succeededFuture())).await(20, TimeUnit.SECONDS);
    List<Integer> ports = createPorts();
    assertEquals(ports.get(0), ports.get(2), "the conflicted session is reused");
    assertNotEquals(ports.get(2), ports.get(3), "but for one sentence at a time");
  }

  @Test
  void aForbiddenUpgradeDisablesTheProvider() throws Exception {
    realtime().failNext(FakeRealtimeServer.RealtimeFault.FORBIDDEN);

    SpeechException error = failure(plain(TEXT));

    assertEquals(ErrorCode.PROVIDER_UNAVAILABLE, error.code());
    assertFalse(error.retryable());
    assertTrue(error.getMessage().contains("rejected the configured credentials (HTTP 403"), error.getMessage());
    assertFalse(provider.info().available());
  }

  @Test
  void aKeyRefusedAfterTheUpgradeDisablesTheProvider() throws Exception {
    realtime().failNext(FakeRealtimeServer.RealtimeFault.KEY_REFUSED_AFTER_UPGRADE);

    SpeechException error = failure(plain(TEXT));

    assertEquals(ErrorCode.PROVIDER_UNAVAILABLE, error.code());
    assertTrue(error.getMessage().contains("rejected the configured credentials (invalid_api_key)"), error.getMessage());
    assertFalse(provider.info().available());
  }

  @Test
  void aQuotaRefusalOnTheUpgradeDisablesTheProvider() throws Exception {
    realtime().failNext(FakeRealtimeServer.RealtimeFault.QUOTA_ON_UPGRADE);

    SpeechException error = failure(plain(TEXT));

    assertTrue(error.getMessage().contains("out of quota (HTTP 429 insufficient_quota)"), error.getMessage());
    assertFalse(provider.info().available());
  }

  @Test
  void theSixtyMinuteCloseMidSentenceFailsItAndTheNextSentenceReconnects() throws Exception {
    realtime().failNext(FakeRealtimeServer.RealtimeFault.SESSION_LIMIT_CLOSE);

    SpeechException error = failure(plain(TEXT));

    assertEquals(ErrorCode.PROVIDER_UNAVAILABLE, error.code());
    assertTrue(error.getMessage().contains("broke off (session closed 1001: Your session hit the maximum duration"),
        error.getMessage());
    assertEquals(1, synthesisRequests(), "audio was passed on: no retry");
    assertEquals(FakeCloudServer.pcmFor(TEXT), ProviderHarness.joined(provider.chunks(plain(TEXT))));
    List<Integer> ports = createPorts();
    assertNotEquals(ports.get(0), ports.get(1), "a new session");
  }

  @Test
  void aSessionClosedBetweenSentencesIsReplacedUnnoticed() throws Exception {
    provider.chunks(plain(TEXT));
    realtime().closeAllSessions();
    Await.until("the closed sessions are gone", Duration.ofSeconds(5), () -> realtime().openSessions() == 0);

    assertEquals(FakeCloudServer.pcmFor(TEXT), ProviderHarness.joined(provider.chunks(plain(TEXT))));
    List<Integer> ports = createPorts();
    assertEquals(2, ports.size(), "no failed attempt");
    assertNotEquals(ports.get(0), ports.get(1));
  }
}
