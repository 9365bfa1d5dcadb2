package com.ervc.gateway;

import com.ervc.profile.Consent;
import com.ervc.profile.ProfileSettings;
import com.ervc.profile.Registration;
import com.ervc.profile.VoiceProfile;
import com.ervc.protocol.Emotion;
import com.ervc.protocol.QualityTier;
import com.ervc.protocol.TtsRequest;
import com.ervc.protocol.VoiceChoice;
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
    assertEquals(List.of(new VoiceChoice("espeak", "en-gb")), spoken.alternatives(), "a local profile: its voice");
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
  void aProfileIsSpokenWithItsReadyClonedVoicesBaseProviderFirstAndItsBaseVoiceLast() {
    VoiceProfile cloned = new VoiceProfile(PROFILE.id(), "alice", 1, "Ada", "", "en-GB", "elevenlabs",
        "21m00Tcm4TlvDq8ikWAM", PROFILE.settings(), List.of(), PROFILE.consent(), List.of(), T, T);
    VoiceChoice base = new VoiceChoice("elevenlabs", "21m00Tcm4TlvDq8ikWAM");
    Registration pending = new Registration("elevenlabs", null, Registration.Status.PENDING, "registering", T);
    Registration failed = new Registration("elevenlabs", null, Registration.Status.FAILED, "quota", T);
    Registration ready = new Registration("elevenlabs", "c38kUX8pkfYO2kHyqfFy", Registration.Status.READY, "", T);
    Registration openAi = new Registration("openai", "voice_123", Registration.Status.READY, "", T);
    Registration azure = new Registration("azure", "5f3a-speaker", Registration.Status.READY, "", T);
    Set<String> given = Set.of("voice", "text");

    TtsRequest whilePending = ProfileVoices.withProfile(request(new JsonObject()), cloned.withRegistration(pending, T),
        given);
    assertEquals("21m00Tcm4TlvDq8ikWAM", whilePending.voice(), "pending: the base voice");
    assertEquals(List.of(base), whilePending.alternatives());
    assertEquals(List.of(base), ProfileVoices.withProfile(request(new JsonObject()),
        cloned.withRegistration(failed, T), given).alternatives(), "failed: the base voice alone");

    // Ready at the base provider and, added in another order, at two more vendors: base provider, then by name.
    VoiceProfile registered = cloned.withRegistration(openAi, T).withRegistration(ready, T)
        .withRegistration(azure, T);
    TtsRequest spoken = ProfileVoices.withProfile(request(new JsonObject()), registered, given);
    assertEquals("elevenlabs", spoken.provider());
    assertEquals("remote:elevenlabs:c38kUX8pkfYO2kHyqfFy", spoken.voice());
    assertEquals(List.of(new VoiceChoice("elevenlabs", "remote:elevenlabs:c38kUX8pkfYO2kHyqfFy"),
        new VoiceChoice("azure", "remote:azure:5f3a-speaker"), new VoiceChoice("openai", "remote:openai:voice_123"),
        base), spoken.alternatives());
    assertEquals(PROFILE.id() + "@4", spoken.profile(), "each registration is a new version of the profile");

    // Not ready at the base provider: the cloned voices elsewhere still come before the base voice.
    TtsRequest elsewhere = ProfileVoices.withProfile(request(new JsonObject()),
        cloned.withRegistration(failed, T).withRegistration(openAi, T), given);
    assertEquals(List.of(new VoiceChoice("openai", "remote:openai:voice_123"), base), elsewhere.alternatives());
    assertEquals("openai", elsewhere.provider());
  }

  @Test
  void pitchFactorsMapToOctaves() {
    assertEquals(-1.0, ProfileVoices.requestPitch(0.5), 1e-9);
    assertEquals(0.0, ProfileVoices.requestPitch(1.0), 1e-9);
    assertEquals(0.5, ProfileVoices.requestPitch(Math.sqrt(2)), 1e-9);
  }
}
