package com.ervc.provider.azure;

import com.ervc.config.ServiceConfig;
import com.ervc.metrics.ServiceMetrics;
import com.ervc.protocol.Emotion;
import com.ervc.protocol.ProviderInfo;
import com.ervc.protocol.QualityTier;
import com.ervc.protocol.TtsRequest;
import com.ervc.provider.ProviderHarness;
import com.ervc.provider.ProviderVerticle;
import com.ervc.provider.cloud.CloudHttp;
import com.ervc.provider.cloud.CloudProviderContract;
import com.ervc.provider.cloud.FakeCloudServer;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AzureProviderTest extends CloudProviderContract {
  private static final String PATH = "/cognitiveservices/v1";
  private static final String JENNY = "en-US-JennyNeural";

  @Override
  protected FakeCloudServer newFake(Vertx vertx, String key) {
    return new FakeAzureSpeechServer(vertx, key);
  }

  private FakeAzureSpeechServer azure() {
    return (FakeAzureSpeechServer) fake;
  }

  @Override
  protected Map<String, String> providerEnv(String url, String key) {
    Map<String, String> env = new HashMap<>(Map.of("AZURE_TTS_ENDPOINT", url));
    if (key != null) {
      env.put("AZURE_SPEECH_KEY", key);
    }
    return env;
  }

  @Override
  protected BiFunction<ServiceMetrics, ServiceConfig, ProviderVerticle> factory() {
    return AzureVerticle::new;
  }

  @Override
  protected String voice() {
    return JENNY;
  }

  @Override
  protected String synthesisPath() {
    return PATH;
  }

  @Override
  protected String keyEnv() {
    return "AZURE_SPEECH_KEY";
  }

  /**
   * docs/providers/azure.md#tiers-and-emotion for en-US-JennyNeural (no calm, no fearful: the chain falls back to terrified, and calm to prosody only)
   * at intensity 0.8: styledegree 1.60; rate = 1 + (m_e - 1) x 0.8. Jenny has no HD variant, so every tier
   * uses Jenny itself.
   */
  @ParameterizedTest(name = "{0} / {1}")
  @MethodSource("emotionsAndTiers")
  void eachEmotionAndTierBecomesTheDocumentedSsml(Emotion emotion, QualityTier tier) throws Exception {
    provider.chunks(request(TEXT, emotion, 0.8, tier, 24_000));

    FakeCloudServer.Received sent = fake.received(PATH).get(0);
    assertEquals(KEY, sent.headers().get("Ocp-Apim-Subscription-Key"));
    assertEquals("raw-24khz-16bit-mono-pcm", sent.headers().get("X-Microsoft-OutputFormat"));
    assertEquals(CloudHttp.USER_AGENT, sent.headers().get("User-Agent"));
    FakeAzureSpeechServer.Spoken spoken = azure().spoken().get(0);
    assertEquals(JENNY, spoken.voice());
    assertEquals("en-US", spoken.lang());
    assertEquals(TEXT, spoken.text());
    String style = Map.of(Emotion.HAPPY, "cheerful", Emotion.SAD, "sad", Emotion.ANGRY, "angry",
        Emotion.EXCITED, "excited", Emotion.FEARFUL, "terrified", Emotion.WHISPER, "whispering").get(emotion);
    assertEquals(style, spoken.style());
    assertEquals(style == null ? null : "1.60", spoken.styleDegree());
    String rate = Map.of(Emotion.NEUTRAL, "", Emotion.HAPPY, "1.02", Emotion.SAD, "0.92", Emotion.ANGRY, "1.04",
        Emotion.EXCITED, "1.06", Emotion.CALM, "0.94", Emotion.FEARFUL, "1.06", Emotion.WHISPER, "0.96").get(emotion);
    assertEquals(rate.isEmpty() ? null : rate, spoken.rate());
    assertEquals(emotion == Emotion.CALM ? "-3%" : null, spoken.pitch(), "calm has no style here: prosody carries it");
  }

  @Test
  void withoutAnyStyleOfTheChainProsodyCarriesTheEmotion() throws Exception {
    provider.chunks(new TtsRequest(TEXT, "azure", "en-GB-RyanNeural", Emotion.EXCITED, 1.0, QualityTier.FAST, 1, 0, 24_000));

    FakeAzureSpeechServer.Spoken spoken = azure().spoken().get(0);
    assertEquals("cheerful", spoken.style(), "excited -> cheerful, the next in the chain");
    provider.chunks(new TtsRequest(TEXT, "azure", "en-GB-RyanNeural", Emotion.ANGRY, 1.0, QualityTier.FAST, 1, 0, 24_000));
    FakeAzureSpeechServer.Spoken angry = azure().spoken().get(1);
    assertNull(angry.style());
    assertEquals("1.05", angry.rate());
  }

  @Test
  void whisperWithoutTheStyleIsExtraSoft() throws Exception {
    provider.chunks(new TtsRequest(TEXT, "azure", "en-US-AvaNeural", Emotion.WHISPER, 0.5, QualityTier.BALANCED, 1, 0, 24_000));

    FakeAzureSpeechServer.Spoken spoken = azure().spoken().get(0);
    assertNull(spoken.style());
    assertEquals("x-soft", spoken.volume());
  }

  @Test
  void theHighTierUsesTheHdVariantWithItsOwnStyles() throws Exception {
    provider.chunks(new TtsRequest(TEXT, "azure", "en-US-AvaNeural", Emotion.FEARFUL, 0.5, QualityTier.HIGH, 1, 0.2, 24_000));
    provider.chunks(new TtsRequest(TEXT, "azure", "en-US-AvaNeural", Emotion.FEARFUL, 0.5, QualityTier.FAST, 1, 0.2, 24_000));

    FakeAzureSpeechServer.Spoken hd = azure().spoken().get(0);
    assertEquals("en-US-Ava:DragonHDLatestNeural", hd.voice());
    assertNull(hd.style(), "the HD variant lists no styles");
    FakeAzureSpeechServer.Spoken standard = azure().spoken().get(1);
    assertEquals("en-US-AvaNeural", standard.voice());
    assertEquals("fearful", standard.style());
    assertEquals("1.00", standard.styleDegree());
    assertEquals("+10%", standard.pitch(), "pitch 0.2 of the request's -1..1");
  }

  @Test
  void textIsXmlEscapedSoNothingCanBreakOutOfTheVoice() throws Exception {
    String hostile = "Tom & Jerry <b>bold</b> say \"hi\" and 'bye' </voice><voice name=\"en-GB-RyanNeural\">owned";

    provider.chunks(new TtsRequest(hostile, "azure", JENNY, Emotion.HAPPY, 0.5, QualityTier.FAST, 1, 0, 24_000));

    FakeAzureSpeechServer.Spoken spoken = azure().spoken().get(0);
    assertEquals(hostile, spoken.text(), "the service reads back exactly the text");
    assertEquals(1, spoken.voiceElements());
    assertEquals(JENNY, spoken.voice());
  }

  @Test
  void tokenAuthFetchesOneTokenAndReusesIt() throws Exception {
    try (ProviderHarness withTokens = ProviderHarness.deploy(factory(), withEnv("AZURE_AUTH", "token"))) {
      withTokens.chunks(plain(TEXT));
      withTokens.chunks(plain(TEXT));

      assertEquals(1, azure().tokensIssued());
      FakeCloudServer.Received issue = fake.received("/sts/v1.0/issueToken").get(0);
      assertEquals(KEY, issue.headers().get("Ocp-Apim-Subscription-Key"));
      assertEquals(0, issue.body().length());
      fake.received(PATH).stream().skip(fake.received(PATH).size() - 2).forEach(sent -> {
        assertNull(sent.headers().get("Ocp-Apim-Subscription-Key"));
        assertTrue(sent.headers().get("Authorization").startsWith("Bearer eyJ"));
      });
    }
  }

  @Test
  void aRefusedTokenFallsBackToTheKeyOnce() throws Exception {
    try (ProviderHarness withTokens = ProviderHarness.deploy(factory(), withEnv("AZURE_AUTH", "token"))) {
      azure().refuseTokens = true;
      int before = synthesisRequests();

      assertEquals(FakeCloudServer.pcmFor(TEXT), ProviderHarness.joined(withTokens.chunks(plain(TEXT))));
      withTokens.chunks(plain(TEXT));

      List<FakeCloudServer.Received> sent = fake.received(PATH).subList(before, synthesisRequests());
      assertEquals(3, sent.size(), "one refused bearer request, then the key for both sentences");
      assertTrue(sent.get(0).headers().get("Authorization").startsWith("Bearer "));
      assertEquals(KEY, sent.get(1).headers().get("Ocp-Apim-Subscription-Key"));
      assertEquals(KEY, sent.get(2).headers().get("Ocp-Apim-Subscription-Key"));
      assertTrue(withTokens.info().available());
    }
  }

  @Test
  void voicesComeFromVoicesList() throws Exception {
    ProviderInfo info = provider.info();

    assertTrue(info.available());
    assertEquals(JENNY, info.defaultVoice());
    assertEquals(FakeAzureSpeechServer.VOICES.size(), info.voices().size());
    assertTrue(info.pitch());
    ProviderInfo.Voice ryan = info.voices().stream().filter(v -> v.id().equals("en-GB-RyanNeural")).findFirst().orElseThrow();
    assertEquals("en-GB", ryan.language());
    assertEquals("M", ryan.gender());
  }
}
