package com.ervc.cache;

import com.ervc.protocol.Emotion;
import com.ervc.protocol.QualityTier;
import com.ervc.protocol.TtsRequest;
import com.ervc.protocol.VoiceChoice;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Locale;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CacheKeyTest {

  // The fixed input; the text is non-ASCII so the UTF-8 encoding is pinned too.
  private static final String PROVIDER = "espeak";
  private static final String VOICE = "en-us";
  private static final String EMOTION = "happy";
  private static final double INTENSITY = 0.75;
  private static final String QUALITY = "balanced";
  private static final double SPEED = 1.25;
  private static final int RATE = 24000;
  private static final String TEXT = "Grüße, Welt.";

  /** Computed outside Java (Python hashlib) from the canonical string; changing it invalidates every cache. */
  private static final String PINNED = "e4c0ec460dd05f9c2276e48d138dc3e61249f9abbc83028c7edb33d4c9ec4d2e";

  private static String baseKey() {
    return CacheKey.of(PROVIDER, VOICE, EMOTION, INTENSITY, QUALITY, SPEED, 0.0, RATE, TEXT, null);
  }

  @Test
  void keyIsTheTagsThenSha256OfTheDocumentedCanonicalString() throws Exception {
    // Version, then every field, joined by the ASCII unit separator; numbers with three decimals.
    String canonical = String.join("\u001f", "v3", PROVIDER, VOICE, EMOTION, "0.750", QUALITY, "1.250", "0.000", "24000",
        TEXT);
    String expected = sha256Hex("provider\u001f" + PROVIDER).substring(0, 8)
        + sha256Hex(PROVIDER + "\u001f" + VOICE).substring(0, 8) + sha256Hex(canonical).substring(0, 48);

    assertEquals(expected, baseKey());
    assertEquals(PINNED, baseKey());
    assertEquals(PINNED.substring(0, 8), CacheKey.providerPrefix(PROVIDER));
    assertEquals(PINNED.substring(0, 16), CacheKey.voicePrefix(PROVIDER, VOICE));
  }

  private static String sha256Hex(String text) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void keysStartWithTheirProviderAndVoiceTags() {
    String other = CacheKey.of(PROVIDER, VOICE, EMOTION, INTENSITY, QUALITY, SPEED, 0.0, RATE, "Another sentence.", null);
    assertTrue(other.startsWith(CacheKey.voicePrefix(PROVIDER, VOICE)));
    String otherVoice = CacheKey.of(PROVIDER, "en-gb", EMOTION, INTENSITY, QUALITY, SPEED, 0.0, RATE, TEXT, null);
    assertTrue(otherVoice.startsWith(CacheKey.providerPrefix(PROVIDER)));
    assertFalse(otherVoice.startsWith(CacheKey.voicePrefix(PROVIDER, VOICE)));
    assertFalse(CacheKey.of("piper", VOICE, EMOTION, INTENSITY, QUALITY, SPEED, 0.0, RATE, TEXT, null)
        .startsWith(CacheKey.providerPrefix(PROVIDER)));
    // The same voice name at another provider is another voice.
    assertNotEquals(CacheKey.voicePrefix(PROVIDER, VOICE).substring(8), CacheKey.voicePrefix("piper", VOICE).substring(8));
  }

  @Test
  void requestOverloadHashesTheSameFields() {
    TtsRequest request = new TtsRequest(TEXT, PROVIDER, VOICE, Emotion.HAPPY, INTENSITY, QualityTier.BALANCED, SPEED, 0.0,
        RATE);

    assertEquals(PINNED, CacheKey.of(request));
  }

  @Test
  void aProfileVersionIsPartOfTheKeyAndOtherRequestsKeepTheirs() {
    TtsRequest plain = new TtsRequest(TEXT, PROVIDER, VOICE, Emotion.HAPPY, INTENSITY, QualityTier.BALANCED, SPEED, 0.0,
        RATE);
    String id = "vp_abcdefghij0123456789";
    List<VoiceChoice> base = List.of(new VoiceChoice(PROVIDER, VOICE));
    TtsRequest v1 = plain.withProfile(id, 1, base, Emotion.HAPPY, INTENSITY, QualityTier.BALANCED, SPEED, 0.0);
    TtsRequest v2 = plain.withProfile(id, 2, base, Emotion.HAPPY, INTENSITY, QualityTier.BALANCED, SPEED, 0.0);
    assertEquals(PINNED, CacheKey.of(plain));
    assertNotEquals(PINNED, CacheKey.of(v1), "the same base voice through a profile is another entry");
    assertNotEquals(CacheKey.of(v1), CacheKey.of(v2), "a new profile version never reads the old version's audio");
    assertTrue(CacheKey.of(v1).startsWith(CacheKey.voicePrefix(PROVIDER, VOICE)), "tagged with the profile's voice");
    // The profile survives every per-sentence derivation and the hop over the bus.
    TtsRequest sentence = TtsRequest.fromJson(v2.withText("Hallo.").withNeighbours("a", "b").toJson());
    assertEquals(id + "@2", sentence.profile());
    assertEquals(CacheKey.of(v2.withText("Hallo.")), CacheKey.of(sentence));
  }

  @Test
  void eachOfAProfilesVoicesHasItsOwnKeyAndTheListOfAlternativesIsNotPartOfIt() {
    TtsRequest plain = new TtsRequest(TEXT, "auto", null, Emotion.HAPPY, INTENSITY, QualityTier.BALANCED, SPEED, 0.0,
        RATE);
    String id = "vp_abcdefghij0123456789";
    VoiceChoice elevenLabs = new VoiceChoice("elevenlabs", "remote:elevenlabs:xi1");
    VoiceChoice azure = new VoiceChoice("azure", "remote:azure:spk-1");
    TtsRequest both = plain.withProfile(id, 4, List.of(elevenLabs, azure), Emotion.HAPPY, INTENSITY,
        QualityTier.BALANCED, SPEED, 0.0);
    TtsRequest azureOnly = plain.withProfile(id, 4, List.of(azure), Emotion.HAPPY, INTENSITY, QualityTier.BALANCED,
        SPEED, 0.0);
    // What the pipeline asks a provider for: the sentence on the route's provider and voice.
    String onElevenLabs = CacheKey.of(both.withProvider(elevenLabs.provider(), elevenLabs.voice()));
    String onAzure = CacheKey.of(both.withProvider(azure.provider(), azure.voice()));
    assertNotEquals(onElevenLabs, onAzure, "audio of one vendor's voice is never served for the other's");
    assertTrue(onAzure.startsWith(CacheKey.voicePrefix("azure", azure.voice())));
    assertEquals(onAzure, CacheKey.of(azureOnly.withProvider(azure.provider(), azure.voice())),
        "the same provider and voice find the same audio whichever alternatives the request had");
  }

  static Stream<Arguments> oneFieldChanged() {
    return Stream.of(
        arguments("provider", CacheKey.of("onnx", VOICE, EMOTION, INTENSITY, QUALITY, SPEED, 0.0, RATE, TEXT, null)),
        arguments("voice", CacheKey.of(PROVIDER, "en-gb", EMOTION, INTENSITY, QUALITY, SPEED, 0.0, RATE, TEXT, null)),
        arguments("emotion", CacheKey.of(PROVIDER, VOICE, "sad", INTENSITY, QUALITY, SPEED, 0.0, RATE, TEXT, null)),
        arguments("intensity", CacheKey.of(PROVIDER, VOICE, EMOTION, 0.751, QUALITY, SPEED, 0.0, RATE, TEXT, null)),
        arguments("quality", CacheKey.of(PROVIDER, VOICE, EMOTION, INTENSITY, "high", SPEED, 0.0, RATE, TEXT, null)),
        arguments("speed", CacheKey.of(PROVIDER, VOICE, EMOTION, INTENSITY, QUALITY, 1.251, 0.0, RATE, TEXT, null)),
        arguments("pitch", CacheKey.of(PROVIDER, VOICE, EMOTION, INTENSITY, QUALITY, SPEED, -0.5, RATE, TEXT, null)),
        arguments("sampleRate", CacheKey.of(PROVIDER, VOICE, EMOTION, INTENSITY, QUALITY, SPEED, 0.0, 16000, TEXT, null)),
        arguments("text", CacheKey.of(PROVIDER, VOICE, EMOTION, INTENSITY, QUALITY, SPEED, 0.0, RATE, "Grüße, Welt!", null)),
        // The separator keeps field boundaries: moving a character between neighbours is a different key.
        arguments("field boundary", CacheKey.of("espea", "ken-us", EMOTION, INTENSITY, QUALITY, SPEED, 0.0, RATE, TEXT, null)));
  }

  @Test
  void instructionsChangeTheKeyOnlyWhenPresent() {
    TtsRequest request = new TtsRequest(TEXT, PROVIDER, VOICE, Emotion.HAPPY, INTENSITY, QualityTier.BALANCED, SPEED, 0.0,
        RATE);
    assertEquals(PINNED, CacheKey.of(request.withInstructions(null)), "no instructions: the key of before");
    String british = CacheKey.of(request.withInstructions("Speak with a British accent."));
    assertNotEquals(PINNED, british);
    assertNotEquals(british, CacheKey.of(request.withInstructions("Speak with an Irish accent.")));
    assertEquals(british, CacheKey.of(request.withInstructions("Speak with a British accent.")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("oneFieldChanged")
  void everyFieldChangesTheKey(String field, String changedKey) {
    assertNotEquals(PINNED, changedKey);
  }

  @Test
  void numbersAreComparedAtThreeDecimals() {
    assertEquals(CacheKey.of(PROVIDER, VOICE, EMOTION, 0.5, QUALITY, SPEED, 0.0, RATE, TEXT, null),
        CacheKey.of(PROVIDER, VOICE, EMOTION, 0.5000001, QUALITY, SPEED, 0.0, RATE, TEXT, null));
    assertEquals(CacheKey.of(PROVIDER, VOICE, EMOTION, INTENSITY, QUALITY, 1.0, 0.0, RATE, TEXT, null),
        CacheKey.of(PROVIDER, VOICE, EMOTION, INTENSITY, QUALITY, 1.0000004, 0.0, RATE, TEXT, null));
  }

  @Test
  void keyDoesNotDependOnDefaultLocale() {
    Locale saved = Locale.getDefault();
    try {
      // German formatting would print "0,750"; nodes with different locales must still share entries.
      Locale.setDefault(Locale.GERMANY);
      assertEquals(PINNED, baseKey());
    } finally {
      Locale.setDefault(saved);
    }
  }
}
