package com.ervc.provider.elevenlabs;

import com.ervc.config.ServiceConfig;
import com.ervc.metrics.ServiceMetrics;
import com.ervc.protocol.Emotion;
import com.ervc.protocol.ErrorCode;
import com.ervc.protocol.ProviderInfo;
import com.ervc.protocol.QualityTier;
import com.ervc.protocol.SpeechException;
import com.ervc.protocol.TtsRequest;
import com.ervc.provider.ProviderHarness;
import com.ervc.provider.ProviderVerticle;
import com.ervc.provider.cloud.CloudProviderContract;
import com.ervc.provider.cloud.FakeCloudServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ElevenLabsProviderTest extends CloudProviderContract {
  private static final double INTENSITY = 0.8;

  @Override
  protected FakeCloudServer newFake(Vertx vertx, String key) {
    return new FakeElevenLabsServer(vertx, key);
  }

  @Override
  protected Map<String, String> providerEnv(String url, String key) {
    Map<String, String> env = new HashMap<>(Map.of("ELEVENLABS_BASE_URL", url));
    if (key != null) {
      env.put("ELEVENLABS_API_KEY", key);
    }
    return env;
  }

  @Override
  protected BiFunction<ServiceMetrics, ServiceConfig, ProviderVerticle> factory() {
    return ElevenLabsVerticle::new;
  }

  @Override
  protected String voice() {
    return FakeElevenLabsServer.VOICE;
  }

  @Override
  protected String synthesisPath() {
    return "/v1/text-to-speech/" + FakeElevenLabsServer.VOICE + "/stream";
  }

  @Override
  protected String keyEnv() {
    return "ELEVENLABS_API_KEY";
  }

  /** The table of docs/providers/elevenlabs.md#tiers-and-emotion, written out for intensity 0.8 (tri = high). */
  @ParameterizedTest(name = "{0} / {1}")
  @MethodSource("emotionsAndTiers")
  void eachEmotionAndTierBecomesTheDocumentedFields(Emotion emotion, QualityTier tier) throws Exception {
    provider.chunks(request(TEXT, emotion, INTENSITY, tier, 24_000));

    FakeCloudServer.Received sent = fake.received(synthesisPath()).get(0);
    assertEquals(KEY, sent.headers().get("xi-api-key"));
    assertEquals("output_format=pcm_24000", sent.query());
    JsonObject body = sent.json();
    boolean v3 = tier == QualityTier.HIGH && emotion != Emotion.NEUTRAL;
    String model = switch (tier) {
      case FAST -> "eleven_flash_v2_5";
      case BALANCED -> "eleven_turbo_v2_5";
      case HIGH -> v3 ? "eleven_v3" : "eleven_multilingual_v2";
    };
    assertEquals(model, body.getString("model_id"));
    JsonObject settings = body.getJsonObject("voice_settings");
    double stability = v3 ? 0.0 : emotion == Emotion.NEUTRAL ? 0.5 : 0.35;
    assertEquals(stability, settings.getDouble("stability"));
    assertEquals(0.75, settings.getDouble("similarity_boost"));
    assertEquals(tier == QualityTier.FAST || emotion == Emotion.NEUTRAL ? 0.0 : 0.48, settings.getDouble("style"));
    assertEquals(tier != QualityTier.FAST, settings.getBoolean("use_speaker_boost"));
    double factor = Map.of(Emotion.EXCITED, 1.08, Emotion.ANGRY, 1.05, Emotion.FEARFUL, 1.08, Emotion.HAPPY, 1.03,
        Emotion.SAD, 0.90, Emotion.CALM, 0.92, Emotion.WHISPER, 0.95, Emotion.NEUTRAL, 1.0).get(emotion);
    assertEquals(Math.round((1 + (factor - 1) * INTENSITY) * 100) / 100.0, settings.getDouble("speed"), 1e-9);
    String tag = Map.of(Emotion.HAPPY, "[happy] [laughs] ", Emotion.SAD, "[crying] ", Emotion.ANGRY, "[angry] ",
        Emotion.EXCITED, "[excited] ", Emotion.CALM, "[reassuring] ", Emotion.FEARFUL, "[panicking] ",
        Emotion.WHISPER, "[whispers] ", Emotion.NEUTRAL, "").get(emotion);
    // v2/v2.5 speak every word, so the text goes unchanged; v3 takes an audio tag in front (docs/providers/elevenlabs.md#tiers-and-emotion).
    assertEquals(v3 ? tag + TEXT : TEXT, body.getString("text"));
    assertFalse(body.containsKey("previous_text"));
  }

  @Test
  void speedIsClampedToTheApisRange() throws Exception {
    provider.chunks(new TtsRequest(TEXT, "elevenlabs", voice(), Emotion.NEUTRAL, 0.5, QualityTier.FAST, 4.0, 0, 24_000));
    provider.chunks(new TtsRequest(TEXT, "elevenlabs", voice(), Emotion.NEUTRAL, 0.5, QualityTier.FAST, 0.25, 0, 24_000));

    List<FakeCloudServer.Received> sent = fake.received(synthesisPath());
    assertEquals(1.2, sent.get(0).json().getJsonObject("voice_settings").getDouble("speed"));
    assertEquals(0.7, sent.get(1).json().getJsonObject("voice_settings").getDouble("speed"));
  }

  @Test
  void neighbouringSentencesGoToPreviousAndNextText() throws Exception {
    provider.chunks(plain(TEXT).withNeighbours("We checked it twice.", "It arrives on Monday."));

    JsonObject body = fake.received(synthesisPath()).get(0).json();
    assertEquals("We checked it twice.", body.getString("previous_text"));
    assertEquals("It arrives on Monday.", body.getString("next_text"));
  }

  @Test
  void languageCodeGoesOnlyToModelsThatAcceptIt() throws Exception {
    String other = FakeElevenLabsServer.OTHER_VOICE;
    provider.chunks(new TtsRequest(TEXT, "elevenlabs", other, Emotion.NEUTRAL, 0.5, QualityTier.FAST, 1, 0, 24_000));
    provider.chunks(new TtsRequest(TEXT, "elevenlabs", other, Emotion.NEUTRAL, 0.5, QualityTier.HIGH, 1, 0, 24_000));

    List<FakeCloudServer.Received> sent = fake.received("/v1/text-to-speech/" + other + "/stream");
    assertEquals("en", sent.get(0).json().getString("language_code"));
    assertNull(sent.get(1).json().getValue("language_code"), "multilingual_v2 gets no language_code");
  }

  @Test
  void voicesComeFromTheAccountsVoiceList() throws Exception {
    ProviderInfo info = provider.info();

    assertTrue(info.available());
    assertEquals(List.of(FakeElevenLabsServer.VOICE, FakeElevenLabsServer.OTHER_VOICE),
        info.voices().stream().map(ProviderInfo.Voice::id).toList());
    assertEquals(FakeElevenLabsServer.VOICE, info.defaultVoice());
    assertEquals(KEY, fake.received("/v1/voices").get(0).headers().get("xi-api-key"));
  }

  @Test
  void aVoiceListThatFailsAtStartLeavesTheProviderUnavailableWithTheReason() throws Exception {
    fake.failNext(FakeCloudServer.Fault.SERVER_ERROR);
    fake.failNext(FakeCloudServer.Fault.SERVER_ERROR);

    try (ProviderHarness starting = ProviderHarness.deploy(factory(), env(KEY))) {
      ProviderInfo info = starting.info();
      assertFalse(info.available());
      assertTrue(info.detail().contains("failed with HTTP 500"), info.detail());
    }
  }

  @Test
  void anUnknownVoiceIsAnInvalidRequestWithTheProvidersMessage() throws Exception {
    SpeechException error = failure(new TtsRequest(TEXT, "elevenlabs", "nope", Emotion.NEUTRAL, 0.5,
        QualityTier.FAST, 1, 0, 24_000));

    assertEquals(ErrorCode.INVALID_REQUEST, error.code());
    assertTrue(error.getMessage().contains("A voice with voice_id 'nope' was not found."), error.getMessage());
    assertFalse(error.retryable());
  }
}
