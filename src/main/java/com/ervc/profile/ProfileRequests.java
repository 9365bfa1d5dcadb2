package com.ervc.profile;

import com.ervc.protocol.Emotion;
import com.ervc.protocol.ErrorCode;
import com.ervc.protocol.QualityTier;
import com.ervc.protocol.SpeechException;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns what a client sends to {@code /api/v1/voice-profiles} into profiles: the metadata of a new profile with its
 * consent and analysed clips, and the changes of an update (docs/http-api.md#voice-profiles).
 */
public final class ProfileRequests {
  /** Vendors whose cloning APIs take the recording of the consent statement, so a profile for them needs one. */
  static final Set<String> NEED_CONSENT_RECORDING = Set.of("azure", "openai");
  private static final Set<String> METADATA_FIELDS = Set.of("name", "description", "language", "provider", "voice",
      "settings", "consent");
  private static final Set<String> UPDATE_FIELDS = Set.of("version", "name", "description", "provider", "voice",
      "settings");

  private ProfileRequests() {
  }

  /** Whether a profile on {@code provider} needs a recording of the consent statement. */
  public static boolean needsConsentRecording(String provider) {
    return NEED_CONSENT_RECORDING.contains(provider);
  }

  /**
   * Checks the metadata of a new profile before any audio is analysed: known fields, the consent confirmed with the
   * exact statement of the profile's language, a consent recording where the provider needs one.
   */
  public static void checkMetadata(JsonObject metadata, boolean hasConsentRecording) {
    for (String field : metadata.fieldNames()) {
      if (!METADATA_FIELDS.contains(field)) {
        throw invalid("unknown metadata field '" + field + "'; the fields are " + METADATA_FIELDS.stream().sorted()
            .toList());
      }
    }
    JsonObject consent = object(metadata, "consent");
    if (consent == null) {
      throw invalid("'consent' is required: {\"speakerName\", \"statement\", \"confirmed\": true}; no voice profile "
          + "is made without the speaker's consent");
    }
    if (!Boolean.TRUE.equals(consent.getValue("confirmed"))) {
      throw invalid("consent.confirmed must be true: the speaker confirms they read the statement and agree");
    }
    String expected = ConsentStatement.text(string(metadata, "language"), string(consent, "speakerName"));
    if (!expected.equals(string(consent, "statement"))) {
      throw invalid("consent.statement is not the statement for this language and speaker; GET "
          + "/api/v1/voice-profiles/consent-statement?language=…&speakerName=… gives the exact text to read");
    }
    String provider = string(metadata, "provider");
    if (needsConsentRecording(provider) && !hasConsentRecording) {
      throw invalid("a profile on '" + provider + "' needs a recording of the speaker reading the consent statement "
          + "(the file part 'consentRecording'), which that vendor's cloning API requires");
    }
  }

  /**
   * A new profile (version 1) of {@code owner} from checked metadata and its analysed clips, the consent recording
   * (if any) last; the stored audio of each clip is put into {@code audioOut}.
   */
  public static VoiceProfile newProfile(String owner, JsonObject metadata, List<ClipIntake.Prepared> clips,
                                        boolean lastIsConsentRecording, Instant now, Map<String, byte[]> audioOut) {
    String id = VoiceProfile.newId();
    List<ReferenceClip> stored = new ArrayList<>();
    for (int i = 0; i < clips.size(); i++) {
      ClipIntake.Prepared clip = clips.get(i);
      String clipId = "c" + i;
      stored.add(new ReferenceClip(clipId, clip.sha256(), clip.wav().length, clip.report()));
      audioOut.put(clipId, clip.wav());
    }
    JsonObject consentJson = metadata.getJsonObject("consent");
    String language = string(metadata, "language");
    Consent consent = new Consent(string(consentJson, "speakerName"), language,
        string(consentJson, "statement"), lastIsConsentRecording ? "c" + (clips.size() - 1) : null, owner, now);
    return new VoiceProfile(id, owner, 1, string(metadata, "name"), optionalString(metadata, "description", ""),
        language, string(metadata, "provider"), string(metadata, "voice"),
        settings(object(metadata, "settings"), ProfileSettings.NEUTRAL), stored, consent, List.of(), now, now);
  }

  /**
   * The next version of {@code current} with the changes of an update body ({@code name}, {@code description},
   * {@code provider}, {@code voice}, {@code settings}, each optional). {@code version}, when given, must be the
   * current version, else {@link #staleVersion} is thrown.
   */
  public static VoiceProfile changed(VoiceProfile current, JsonObject body, Instant now) {
    for (String field : body.fieldNames()) {
      if (!UPDATE_FIELDS.contains(field)) {
        throw invalid("'" + field + "' cannot be changed; an update may set " + UPDATE_FIELDS.stream().sorted()
            .toList() + " (clips are added and removed at /clips)");
      }
    }
    Object version = body.getValue("version");
    if (version != null && !(version instanceof Number n && n.intValue() == current.version())) {
      throw staleVersion(current, version);
    }
    return new VoiceProfile(current.id(), current.owner(), current.version() + 1,
        optionalString(body, "name", current.name()), optionalString(body, "description", current.description()),
        current.language(), optionalString(body, "provider", current.provider()),
        optionalString(body, "voice", current.voice()), settings(object(body, "settings"), current.settings()),
        current.clips(), current.consent(), current.registrations(), current.created(), now, current.nextClip());
  }

  /** The answer to an update based on a version that is no longer the stored one. */
  public static StaleVersion staleVersion(VoiceProfile current, Object offered) {
    return new StaleVersion("voice profile " + current.id() + " is at version " + current.version() + ", not "
        + offered + "; it was changed meanwhile, reload it and retry");
  }

  /** An update based on an old version (HTTP 409). */
  public static final class StaleVersion extends RuntimeException {
    StaleVersion(String message) {
      super(message, null, false, false);
    }
  }

  private static ProfileSettings settings(JsonObject given, ProfileSettings base) {
    if (given == null) {
      return base;
    }
    Map<String, Object> merged = new HashMap<>(base.toJson().getMap());
    given.forEach(e -> {
      if (!merged.containsKey(e.getKey())) {
        throw invalid("unknown setting '" + e.getKey() + "'; the settings are emotion, intensity, speed, pitch, tier");
      }
      merged.put(e.getKey(), e.getValue());
    });
    JsonObject json = new JsonObject(merged);
    try {
      return new ProfileSettings(Emotion.parse(json.getString("emotion")), json.getDouble("intensity"),
          json.getDouble("speed"), json.getDouble("pitch"), QualityTier.parse(json.getString("tier")));
    } catch (ClassCastException e) {
      throw invalid("settings.emotion and settings.tier are strings, the other settings numbers");
    }
  }

  private static JsonObject object(JsonObject json, String field) {
    Object value = json.getValue(field);
    if (value != null && !(value instanceof JsonObject)) {
      throw invalid("'" + field + "' must be a JSON object");
    }
    return (JsonObject) value;
  }

  private static String string(JsonObject json, String field) {
    Object value = json.getValue(field);
    if (!(value instanceof String text)) {
      throw invalid("'" + field + "' is required and must be a string");
    }
    return text;
  }

  private static String optionalString(JsonObject json, String field, String otherwise) {
    return json.getValue(field) == null ? otherwise : string(json, field);
  }

  private static SpeechException invalid(String message) {
    return new SpeechException(ErrorCode.INVALID_REQUEST, message);
  }
}
