package com.ervc.profile;

import com.ervc.protocol.ErrorCode;
import com.ervc.protocol.SpeechException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;
import java.util.List;

import static com.ervc.profile.SampleProfiles.T0;
import static com.ervc.profile.SampleProfiles.profile;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The profile model: its JSON round trip and the input it refuses. */
class VoiceProfileTest {
  private final VoiceProfile sample = profile("alice", T0);

  private VoiceProfile named(String name) {
    return new VoiceProfile(sample.id(), "alice", 1, name, "", "en", "espeak", "en", sample.settings(),
        sample.clips(), sample.consent(), List.of(), T0, T0);
  }

  private static String refusal(Runnable build) {
    SpeechException refused = assertThrows(SpeechException.class, build::run);
    assertEquals(ErrorCode.INVALID_REQUEST, refused.code());
    return refused.getMessage();
  }

  @Test
  void jsonRoundTripsEveryField() {
    assertEquals(sample, VoiceProfile.fromJson(sample.toJson()));
    assertEquals(sample, VoiceProfile.fromJson(new io.vertx.core.json.JsonObject(sample.toJson().encode())));
  }

  @Test
  void theNextClipNumberIsKeptAndReadAsOnePastTheHighestClipWhenAbsent() {
    io.vertx.core.json.JsonObject json = sample.toJson();
    assertEquals(2, json.getInteger("nextClip"));
    VoiceProfile shrunk = sample.withClips(List.of(), "c0", T0, new java.util.HashMap<>());

    assertEquals(2, VoiceProfile.fromJson(shrunk.toJson()).nextClip());
    json.remove("nextClip");
    assertEquals(sample, VoiceProfile.fromJson(json));
    assertEquals("the next clip number 1 is taken by a clip of the profile", refusal(() -> new VoiceProfile(
        sample.id(), "alice", 1, "n", "", "en", "espeak", "en", sample.settings(), sample.clips(), sample.consent(),
        List.of(), T0, T0, 1)));
  }

  @Test
  void theConsentRecordingAndTheLastClipCannotBeRemoved() {
    VoiceProfile single = new VoiceProfile(sample.id(), "alice", 1, "n", "", "en", "espeak", "en", sample.settings(),
        List.of(sample.clips().get(0)), new Consent("A", "en", "I agree.", null, "alice", T0), List.of(), T0, T0);

    assertEquals("clip c1 is the recording of the consent statement; it stays as long as the profile does (delete "
        + "the profile to withdraw consent)", refusal(() -> sample.withClips(List.of(), "c1", T0,
        new java.util.HashMap<>())));
    assertEquals("clip c0 is the profile's only reference clip; add another first, or delete the profile",
        refusal(() -> single.withClips(List.of(), "c0", T0, new java.util.HashMap<>())));
  }

  @Test
  void namesAreStrippedAndMayNotHideControlOrDirectionCharacters() {
    assertEquals("Ada", named("  Ada \t").name());
    assertEquals("name contains a control character (U+0007)", refusal(() -> named("Ada\u0007")));
    assertEquals("name contains a control character (U+202E)", refusal(() -> named("evil\u202Egnp.exe")));
    assertEquals("name contains a control character (U+000A)", refusal(() -> named("two\nlines")));
    assertEquals("name must not be empty", refusal(() -> named("   ")));
    assertEquals("name is longer than 100 characters", refusal(() -> named("x".repeat(101))));
  }

  @ParameterizedTest
  @ValueSource(strings = {"../etc", "vp_short", "VP_AAAAAAAAAAAAAAAAAAAA", "vp_aaaaaaaaaaaaaaaaaaa/"})
  void unsafeIdsAreRefused(String id) {
    assertEquals("profile id must look like vp_ followed by 20 lowercase letters or digits: " + id,
        refusal(() -> new VoiceProfile(id, "alice", 1, "n", "", "en", "espeak", "en", sample.settings(),
            List.of(), new Consent("A", "en", "I agree.", null, "alice", T0), List.of(), T0, T0)));
  }

  @Test
  void theRestOfTheModelChecksItsParts() {
    Consent consent = new Consent("A", "en", "I agree.", "c9", "alice", T0);

    assertEquals("the consent recording c9 is not one of the profile's clips", refusal(() -> new VoiceProfile(
        sample.id(), "alice", 1, "n", "", "en", "espeak", "en", sample.settings(), sample.clips(), consent,
        List.of(), T0, T0)));
    assertEquals("language must be a BCP-47 tag such as en or en-US: english", refusal(() -> new VoiceProfile(
        sample.id(), "alice", 1, "n", "", "english", "espeak", "en", sample.settings(), sample.clips(),
        sample.consent(), List.of(), T0, T0)));
    assertEquals("a ready registration at azure needs the provider's voice id", refusal(() -> new Registration(
        "azure", null, Registration.Status.READY, "", Instant.EPOCH)));
    assertEquals("settings.speed must be between 0.5 and 2.0: 3.0", refusal(() -> new ProfileSettings(
        ProfileSettings.NEUTRAL.emotion(), 0.5, 3.0, 1.0, ProfileSettings.NEUTRAL.tier())));
    assertEquals("clip sha256 must be 64 lowercase hex digits: abc", refusal(() -> new ReferenceClip("c0", "abc",
        10, null)));
  }

  @Test
  void renamingMakesTheNextVersion() {
    VoiceProfile renamed = sample.renamed("Calm Ada", "slower", T0.plusSeconds(1));

    assertEquals(2, renamed.version());
    assertEquals("Calm Ada", renamed.name());
    assertEquals(sample.created(), renamed.created());
    assertEquals(T0.plusSeconds(1), renamed.updated());
  }
}
