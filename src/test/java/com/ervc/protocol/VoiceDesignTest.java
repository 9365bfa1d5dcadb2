package com.ervc.protocol;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Designed voices: espeak-ng variants and Kokoro blends, parsed, refused with reasons, routed by ProviderInfo. */
class VoiceDesignTest {
  private static final VoiceDesign VARIANTS = new VoiceDesign(VoiceDesign.Kind.VARIANT, List.of("f3", "klatt"));
  private static final VoiceDesign BLENDS = new VoiceDesign(VoiceDesign.Kind.BLEND,
      List.of("af_bella", "af_sky", "bm_george"));
  private static final List<String> ESPEAK_VOICES = List.of("en-us", "en-gb");

  @Test
  void aVariantIsAnInstalledVoicePlusAnInstalledVariant() {
    assertArrayEquals(new String[] {"en-gb", "f3"}, VARIANTS.variant("en-gb+f3", ESPEAK_VOICES));
    assertTrue(VARIANTS.problem("en-us+klatt", ESPEAK_VOICES).isEmpty());
  }

  @Test
  void badVariantsAreRefusedNamingThePartAtFault() {
    assertEquals("'f9' in 'en-us+f9' is not an installed variant; the variants are f3, klatt",
        VARIANTS.problem("en-us+f9", ESPEAK_VOICES).orElseThrow());
    assertEquals("'xx' in 'xx+f3' is not an installed voice (see GET /api/v1/voices)",
        VARIANTS.problem("xx+f3", ESPEAK_VOICES).orElseThrow());
    for (String malformed : List.of("+f3", "en-us+", "en-us+f3+klatt")) {
      assertTrue(VARIANTS.problem(malformed, ESPEAK_VOICES).orElseThrow().startsWith("a designed voice is written"),
          malformed);
    }
    SpeechException thrown = assertThrows(SpeechException.class, () -> VARIANTS.variant("en-us+f9", ESPEAK_VOICES));
    assertEquals(ErrorCode.INVALID_REQUEST, thrown.code());
  }

  @Test
  void aBlendsWeightsAreNormalisedInTheOrderWritten() {
    List<VoiceDesign.Term> terms = BLENDS.blend("af_bella:2+af_sky:1");
    assertEquals(List.of("af_bella", "af_sky"), terms.stream().map(VoiceDesign.Term::style).toList());
    assertEquals(2.0 / 3, terms.get(0).weight(), 1e-12);
    assertEquals(1.0 / 3, terms.get(1).weight(), 1e-12);
    List<VoiceDesign.Term> three = BLENDS.blend("bm_george:0.5+af_bella:0.25+af_sky:0.25");
    assertEquals(List.of(0.5, 0.25, 0.25), three.stream().map(VoiceDesign.Term::weight).toList());
  }

  @Test
  void badBlendsAreRefusedNamingThePartAtFault() {
    assertEquals("'af_nobody' in 'af_bella:1+af_nobody:1' is not an installed voice that can be blended; they are "
        + "af_bella, af_sky, bm_george", BLENDS.problem("af_bella:1+af_nobody:1", List.of()).orElseThrow());
    assertTrue(BLENDS.problem("af_bella:1+af_bella:2", List.of()).orElseThrow().contains("appears twice"));
    for (String weightless : List.of("af_bella:0+af_sky:1", "af_bella:-1+af_sky:1", "af_bella+af_sky",
        "af_bella:x+af_sky:1", "af_bella:1e3+af_sky:1", "af_bella:0.00+af_sky:1", "af_bella:1000+af_sky:1")) {
      assertTrue(BLENDS.problem(weightless, List.of()).orElseThrow().startsWith("each voice of a blend needs a "
          + "weight above 0"), weightless);
    }
    for (String count : List.of("af_bella:1", "a:1+b:1+c:1+d:1+e:1+f:1+g:1+h:1+i:1")) {
      assertTrue(BLENDS.problem(count, List.of()).orElseThrow().startsWith("a voice blend mixes 2 to 8 voices"),
          count);
    }
  }

  @Test
  void aProviderOffersTheVoicesOfItsDesignAndOnlyThose() {
    List<ProviderInfo.Voice> voices = List.of(new ProviderInfo.Voice("en-us", "English", "en-us", "M"),
        new ProviderInfo.Voice("en-gb", "English", "en-gb", "M"));
    ProviderInfo espeak = new ProviderInfo("espeak", "n1", true, "en-us", voices, List.of("neutral"),
        List.of("balanced"), true, true, 22050, "", null, VARIANTS);
    assertTrue(espeak.hasVoice("en-gb"));
    assertTrue(espeak.hasVoice("en-gb+f3"));
    assertFalse(espeak.hasVoice("en-gb+f9"));
    assertFalse(espeak.hasVoice("af_bella:2+af_sky:1"));
    ProviderInfo plain = new ProviderInfo("espeak", "n1", true, "en-us", voices, List.of("neutral"),
        List.of("balanced"), true, true, 22050, "");
    assertFalse(plain.hasVoice("en-gb+f3"), "without a design only the listed voices");
    ProviderInfo kokoro = new ProviderInfo("onnx", "n1", true, "kokoro-v1.0:af_bella", List.of(), List.of("neutral"),
        List.of("balanced"), true, true, 24000, "", null, BLENDS);
    assertTrue(kokoro.hasVoice("af_bella:2+af_sky:1"));
    assertFalse(kokoro.hasVoice("af_bella:2+af_nobody:1"));
  }

  @Test
  void theDesignTravelsInTheDirectoryEntry() {
    ProviderInfo info = new ProviderInfo("onnx", "n1", true, "v", List.of(), List.of("neutral"), List.of("balanced"),
        true, true, 24000, "", null, BLENDS);
    JsonObject json = info.toJson();
    assertEquals("blend", json.getJsonObject("design").getString("kind"));
    assertEquals(info, ProviderInfo.fromJson(json));
    // An entry from an older node has none; a kind only a newer node knows is not routed here.
    json.remove("design");
    assertNull(ProviderInfo.fromJson(json).design());
    json.put("design", new JsonObject().put("kind", "hologram").put("parts", List.of("x")));
    assertNull(ProviderInfo.fromJson(json).design());
  }
}
