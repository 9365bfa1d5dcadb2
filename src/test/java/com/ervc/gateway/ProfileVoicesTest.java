package com.ervc.gateway;

import com.ervc.profile.Consent;
import com.ervc.profile.ProfileSettings;
import com.ervc.profile.VoiceProfile;
import com.ervc.protocol.Emotion;
import com.ervc.protocol.QualityTier;
import com.ervc.protocol.TtsRequest;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ProfileVoicesTest {
  private static final Instant T = Instant.parse("2026-12-02T10:00:00Z");
  private static final VoiceProfile PROFILE = new VoiceProfile("vp_abcdefghij0123456789", "alice", 7, "Ada", "",
      "en-GB", "espeak", "en-gb", new ProfileSettings(Emotion.CALM, 0.8, 1.25, 2.0, QualityTier.HIGH), List.of(),
      new Consent("Ada", "en", "I agree.", null, "alice", T), List.of(), T, T);

  private static TtsRequest request(JsonObject fields) {
    return TtsRequest.parse(fields.put("text", "Hello.").put("voice", "profile:" + PROFILE.id()), 5000, 24_000);
  }

  @Test
  void theProfileBringsProviderVoiceSettingsAndItsVersion() {
    TtsRequest spoken = ProfileVoices.withProfile(request(new JsonObject()), PROFILE, Set.of("voice", "text"));
    assertEquals("espeak", spoken.provider());
    assertEquals("en-gb", spoken.voice());
    assertEquals(Emotion.CALM, spoken.emotion());
    assertEquals(0.8, spoken.intensity());
    assertEquals(QualityTier.HIGH, spoken.quality());
    assertEquals(1.25, spoken.speed());
    assertEquals(1.0, spoken.pitch(), 1e-9, "a factor of 2 is one octave up, the top of the request's range");
    assertEquals(PROFILE.id() + "@7", spoken.profile());
  }

  @Test
  void settingsTheCallerGaveWin() {
    TtsRequest spoken = ProfileVoices.withProfile(request(new JsonObject().put("speed", 0.9).put("emotion", "sad")
        .put("pitch", -0.5).put("quality", "fast").put("intensity", 0.1)), PROFILE,
        Set.of("speed", "emotion", "pitch", "quality", "intensity"));
    assertEquals(0.9, spoken.speed());
    assertEquals(Emotion.SAD, spoken.emotion());
    assertEquals(-0.5, spoken.pitch());
    assertEquals(QualityTier.FAST, spoken.quality());
    assertEquals(0.1, spoken.intensity());
    assertEquals("en-gb", spoken.voice(), "the voice is the profile's whatever else was given");
  }

  @Test
  void pitchFactorsMapToOctaves() {
    assertEquals(-1.0, ProfileVoices.requestPitch(0.5), 1e-9);
    assertEquals(0.0, ProfileVoices.requestPitch(1.0), 1e-9);
    assertEquals(0.5, ProfileVoices.requestPitch(Math.sqrt(2)), 1e-9);
  }
}
