package com.ervc.profile;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Valid profiles with stand-in clip bytes, for the store tests (the stores do not look inside the audio). */
final class SampleProfiles {
  static final Instant T0 = Instant.parse("2026-12-01T10:15:30.123456Z");

  private SampleProfiles() {
  }

  static byte[] clipBytes(String profileId, String clipId) {
    return ("RIFF-stand-in " + profileId + "/" + clipId).repeat(50).getBytes(StandardCharsets.US_ASCII);
  }

  static VoiceProfile profile(String owner, Instant created) {
    String id = VoiceProfile.newId();
    ReferenceClip sample = clip(id, "c0");
    ReferenceClip consentRecording = clip(id, "c1");
    Consent consent = new Consent("Ada Speaker", "en", "I, Ada Speaker, agree that my voice is used.", "c1", owner,
        created);
    return new VoiceProfile(id, owner, 1, "Ada's voice", "warm, slow", "en-GB", "espeak", "en-gb",
        ProfileSettings.NEUTRAL, List.of(sample, consentRecording), consent,
        List.of(new Registration("elevenlabs", null, Registration.Status.PENDING, "", created)), created,
        created);
  }

  static ReferenceClip clip(String profileId, String clipId) {
    byte[] audio = clipBytes(profileId, clipId);
    return new ReferenceClip(clipId, VoiceProfileStore.sha256(audio), audio.length,
        new io.vertx.core.json.JsonObject().put("durationMs", 4200));
  }

  /** Stand-in audio as the quality gate would give it back, passed. */
  static ClipIntake.Prepared prepared(byte[] wav) {
    return new ClipIntake.Prepared(wav, VoiceProfileStore.sha256(wav),
        new io.vertx.core.json.JsonObject().put("durationMs", 3100), List.of());
  }

  static Map<String, byte[]> audioOf(VoiceProfile profile) {
    return Map.of("c0", clipBytes(profile.id(), "c0"), "c1", clipBytes(profile.id(), "c1"));
  }
}
