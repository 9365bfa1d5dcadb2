package com.ervc.provider.openai;

import com.ervc.config.ServiceConfig;
import com.ervc.metrics.ServiceMetrics;
import com.ervc.protocol.Emotion;
import com.ervc.protocol.ProviderInfo;
import com.ervc.protocol.QualityTier;
import com.ervc.protocol.TtsRequest;
import com.ervc.provider.ProviderHarness;
import com.ervc.provider.ProviderVerticle;
import com.ervc.provider.cloud.CloudProviderContract;
import com.ervc.provider.cloud.FakeCloudServer;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
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
import static org.junit.jupiter.api.Assertions.assertTrue;

class OpenAiProviderTest extends CloudProviderContract {
  private static final String PATH = "/v1/audio/speech";

  @Override
  protected FakeCloudServer newFake(Vertx vertx, String key) {
    return new FakeOpenAiServer(vertx, key);
  }

  @Override
  protected Map<String, String> providerEnv(String url, String key) {
    Map<String, String> env = new HashMap<>(Map.of("OPENAI_BASE_URL", url + "/v1"));
    if (key != null) {
      env.put("OPENAI_API_KEY", key);
    }
    return env;
  }

  @Override
  protected BiFunction<ServiceMetrics, ServiceConfig, ProviderVerticle> factory() {
    return OpenAiVerticle::new;
  }

  @Override
  protected String voice() {
    return "coral";
  }

  @Override
  protected String synthesisPath() {
    return PATH;
  }

  @Override
  protected String keyEnv() {
    return "OPENAI_API_KEY";
  }

  /** docs/providers/openai.md: model per tier and instructions, for intensity 0.5 (tri = mid) and the legacy-capable voice coral. */
  @ParameterizedTest(name = "{0} / {1}")
  @MethodSource("emotionsAndTiers")
  void eachEmotionAndTierBecomesTheDocumentedFields(Emotion emotion, QualityTier tier) throws Exception {
    provider.chunks(request(TEXT, emotion, 0.5, tier, 24_000));

    FakeCloudServer.Received sent = fake.received(PATH).get(0);
    assertEquals("Bearer " + KEY, sent.headers().get("Authorization"));
    JsonObject body = sent.json();
    boolean neutral = emotion == Emotion.NEUTRAL;
    String model = switch (tier) {
      case FAST -> neutral ? "tts-1" : "gpt-4o-mini-tts";
      case BALANCED -> "gpt-4o-mini-tts";
      case HIGH -> neutral ? "tts-1-hd" : "gpt-4o-mini-tts";
    };
    assertEquals(model, body.getString("model"));
    assertEquals("pcm", body.getString("response_format"));
    assertEquals(TEXT, body.getString("input"));
    assertEquals("coral", body.getString("voice"));
    String core = Map.of(Emotion.HAPPY, "cheerful, warm, upbeat", Emotion.SAD, "sad, subdued, slower, with a heavy heart",
        Emotion.ANGRY, "angry, tense, clipped and forceful",
        Emotion.EXCITED, "excited, energetic, fast-paced and enthusiastic",
        Emotion.CALM, "calm, soothing, relaxed, steady pace", Emotion.FEARFUL, "frightened, nervous, shaky and breathless",
        Emotion.WHISPER, "whisper softly and quietly, as if not to be overheard").get(emotion);
    if (neutral) {
      assertFalse(body.containsKey("instructions"));
    } else {
      assertEquals("Voice affect: noticeably " + core + ". Keep pronunciation clear.", body.getString("instructions"));
    }
  }

  @Test
  void intensityPicksTheAdverb() throws Exception {
    provider.chunks(request(TEXT, Emotion.SAD, 0.1, QualityTier.BALANCED, 24_000));
    provider.chunks(request(TEXT, Emotion.SAD, 0.9, QualityTier.BALANCED, 24_000));

    List<FakeCloudServer.Received> sent = fake.received(PATH);
    assertTrue(sent.get(0).json().getString("instructions").startsWith("Voice affect: subtly sad"));
    assertTrue(sent.get(1).json().getString("instructions").startsWith("Voice affect: intensely sad"));
    assertEquals(0.91, sent.get(1).json().getDouble("speed"), 1e-9, "speed x (1 + (0.90 - 1) x 0.9)");
  }

  /** The OpenAI-compatible endpoint's instructions arrive verbatim, on the one model that reads them. */
  @Test
  void aClientsInstructionsGoVerbatimToTheModelThatTakesThem() throws Exception {
    String given = "Speak with a soft British accent, like a bedtime story.";
    provider.chunks(new TtsRequest(TEXT, "openai", "coral", Emotion.NEUTRAL, 0.5, QualityTier.FAST, 1, 0, 24_000)
        .withInstructions(given));
    provider.chunks(new TtsRequest(TEXT, "openai", "coral", Emotion.SAD, 0.9, QualityTier.HIGH, 1, 0, 24_000)
        .withInstructions("Read this very sadly."));

    List<FakeCloudServer.Received> sent = fake.received(PATH);
    assertEquals("gpt-4o-mini-tts", sent.get(0).json().getString("model"), "tts-1 ignores instructions");
    assertEquals(given, sent.get(0).json().getString("instructions"));
    assertEquals("Read this very sadly.", sent.get(1).json().getString("instructions"),
        "the client's words, not the affect sentence of the emotion read from them");
  }

  @Test
  void aVoiceTheLegacyModelsLackUsesTheNewModelOnTheFastTier() throws Exception {
    provider.chunks(new TtsRequest(TEXT, "openai", "marin", Emotion.NEUTRAL, 0.5, QualityTier.FAST, 1, 0, 24_000));

    assertEquals("gpt-4o-mini-tts", fake.received(PATH).get(0).json().getString("model"));
  }

  @Test
  void speedIsClampedToTheApisRange() throws Exception {
    provider.chunks(new TtsRequest(TEXT, "openai", "coral", Emotion.EXCITED, 1.0, QualityTier.BALANCED, 4.0, 0, 24_000));

    assertEquals(4.0, fake.received(PATH).get(0).json().getDouble("speed"));
  }

  @Test
  void inputOverTheLimitIsSplitIntoConsecutiveRequests() throws Exception {
    String text = "word ".repeat(1500).trim();

    Buffer pcm = ProviderHarness.joined(provider.chunks(plain(text)));

    List<FakeCloudServer.Received> sent = fake.received(PATH);
    assertEquals(2, sent.size());
    String first = sent.get(0).json().getString("input");
    String second = sent.get(1).json().getString("input");
    assertTrue(first.length() <= 4096 && second.length() <= 4096);
    assertEquals(text, first + " " + second);
    assertEquals(FakeCloudServer.pcmFor(first).appendBuffer(FakeCloudServer.pcmFor(second)), pcm);
  }

  @Test
  void theBuiltInVoicesAreOffered() throws Exception {
    ProviderInfo info = provider.info();

    assertTrue(info.available());
    assertEquals(13, info.voices().size());
    assertEquals("coral", info.defaultVoice());
  }
}
