package com.ervc.profile;

import com.ervc.protocol.Emotion;
import com.ervc.protocol.SpeechException;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProfileRequestsTest {
  private static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");

  private static JsonObject metadata(String provider) {
    return new JsonObject().put("name", "Ada").put("language", "en-GB").put("provider", provider)
        .put("voice", "en-gb").put("settings", new JsonObject().put("speed", 1.5))
        .put("consent", new JsonObject().put("speakerName", "Ada Example").put("confirmed", true)
            .put("statement", ConsentStatement.text("en", "Ada Example")));
  }

  private static ClipIntake.Prepared clip(String text) {
    byte[] wav = text.getBytes();
    return new ClipIntake.Prepared(wav, VoiceProfileStore.sha256(wav), new JsonObject().put("passed", true), List.of());
  }

  @Test
  void consentIsTheExactStatementOfTheLanguageConfirmedWithARecordingWhereTheVendorNeedsOne() {
    ProfileRequests.checkMetadata(metadata("espeak"), false);
    JsonObject other = metadata("espeak");
    other.getJsonObject("consent").put("statement", ConsentStatement.text("de", "Ada Example"));
    assertThrows(SpeechException.class, () -> ProfileRequests.checkMetadata(other, false));
    JsonObject unconfirmed = metadata("espeak");
    unconfirmed.getJsonObject("consent").put("confirmed", "yes");
    assertThrows(SpeechException.class, () -> ProfileRequests.checkMetadata(unconfirmed, false));
    JsonObject without = metadata("espeak");
    without.remove("consent");
    assertThrows(SpeechException.class, () -> ProfileRequests.checkMetadata(without, false));
    assertThrows(SpeechException.class, () -> ProfileRequests.checkMetadata(metadata("azure"), false));
    ProfileRequests.checkMetadata(metadata("azure"), true);
    assertThrows(SpeechException.class, () -> ProfileRequests.checkMetadata(metadata("espeak").put("owner", "x"),
        false), "the owner comes from the token, never from the body");
  }

  @Test
  void aNewProfileHoldsTheClipsTheConsentAndTheGivenSettings() {
    Map<String, byte[]> audio = new HashMap<>();
    VoiceProfile profile = ProfileRequests.newProfile("alice", metadata("azure"), List.of(clip("a"), clip("b")),
        true, NOW, audio);
    assertEquals("alice", profile.owner());
    assertEquals(1, profile.version());
    assertEquals(List.of("c0", "c1"), profile.clips().stream().map(ReferenceClip::id).toList());
    assertEquals("c1", profile.consent().recordingClip());
    assertEquals("alice", profile.consent().createdBy());
    assertEquals(1.5, profile.settings().speed());
    assertEquals(Emotion.NEUTRAL, profile.settings().emotion());
    assertEquals("b", new String(audio.get("c1")));
    VoiceProfileStore.checkNew(profile, audio);
    assertNull(ProfileRequests.newProfile("alice", metadata("espeak"), List.of(clip("a")), false, NOW,
        new HashMap<>()).consent().recordingClip());
  }

  @Test
  void anUpdateIsTheNextVersionOfTheChangeableFieldsOnly() {
    VoiceProfile v1 = ProfileRequests.newProfile("alice", metadata("espeak"), List.of(clip("a")), false, NOW,
        new HashMap<>());
    VoiceProfile v2 = ProfileRequests.changed(v1, new JsonObject().put("version", 1).put("name", "Ada 2")
        .put("settings", new JsonObject().put("emotion", "calm")), NOW.plusSeconds(5));
    assertEquals(2, v2.version());
    assertEquals("Ada 2", v2.name());
    assertEquals(Emotion.CALM, v2.settings().emotion());
    assertEquals(1.5, v2.settings().speed(), "settings not given stay");
    assertEquals(v1.clips(), v2.clips());
    assertEquals(NOW.plusSeconds(5), v2.updated());
    assertThrows(ProfileRequests.StaleVersion.class,
        () -> ProfileRequests.changed(v2, new JsonObject().put("version", 1), NOW));
    for (String field : List.of("language", "consent", "clips", "owner", "id")) {
      SpeechException refused = assertThrows(SpeechException.class,
          () -> ProfileRequests.changed(v2, new JsonObject().put(field, "x"), NOW));
      assertTrue(refused.getMessage().contains("cannot be changed"), refused.getMessage());
    }
    assertThrows(SpeechException.class,
        () -> ProfileRequests.changed(v2, new JsonObject().put("settings", new JsonObject().put("speed", 9)), NOW));
    assertThrows(SpeechException.class,
        () -> ProfileRequests.changed(v2, new JsonObject().put("settings", new JsonObject().put("volume", 1)), NOW));
  }
}
