package com.ervc.profile;

import com.ervc.protocol.ErrorCode;
import com.ervc.protocol.RemoteVoice;
import com.ervc.protocol.SpeechException;
import com.ervc.protocol.VoiceChoice;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A voice a token subject made: who owns it, what it is based on, its reference clips, the speaker's consent and
 * where it is registered. Every stored change raises {@code version} by one, so anything derived from a profile
 * (cached audio, a remote voice) can tell which state of the profile it was made from.
 */
public record VoiceProfile(String id, String owner, int version, String name, String description, String language,
                           String provider, String voice, ProfileSettings settings, List<ReferenceClip> clips,
                           Consent consent, List<Registration> registrations, Instant created, Instant updated,
                           int nextClip) {
  private static final Pattern ID = Pattern.compile("vp_[a-z0-9]{20}");
  private static final Pattern LANGUAGE = Pattern.compile("[a-z]{2,3}(-[A-Za-z0-9]{2,8})*");
  static final int MAX_NAME_CHARS = 100;
  static final int MAX_DESCRIPTION_CHARS = 1000;

  public VoiceProfile {
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(consent, "consent");
    Objects.requireNonNull(created, "created");
    Objects.requireNonNull(updated, "updated");
    // PostgreSQL keeps microseconds; both backends give back exactly what they were given.
    created = created.truncatedTo(ChronoUnit.MICROS);
    updated = updated.truncatedTo(ChronoUnit.MICROS);
    if (!isId(id)) {
      throw invalid("profile id must look like vp_ followed by 20 lowercase letters or digits: " + id);
    }
    if (owner == null || owner.isBlank()) {
      throw invalid("a profile needs an owner (the token subject)");
    }
    if (version < 1) {
      throw invalid("profile version starts at 1: " + version);
    }
    name = Text.safe("name", name, MAX_NAME_CHARS);
    description = description == null ? "" : Text.safe("description", description, MAX_DESCRIPTION_CHARS, true);
    if (language == null || !LANGUAGE.matcher(language).matches()) {
      throw invalid("language must be a BCP-47 tag such as en or en-US: " + language);
    }
    provider = Text.safe("provider", provider, 40);
    voice = Text.safe("voice", voice, 200);
    clips = List.copyOf(clips);
    registrations = List.copyOf(registrations);
    if (consent.recordingClip() != null && clips.stream().noneMatch(c -> c.id().equals(consent.recordingClip()))) {
      throw invalid("the consent recording " + consent.recordingClip() + " is not one of the profile's clips");
    }
    if (clips.stream().map(ReferenceClip::id).distinct().count() != clips.size()) {
      throw invalid("clip ids of a profile must be unique");
    }
    if (nextClip < firstFreeClip(clips)) {
      throw invalid("the next clip number " + nextClip + " is taken by a clip of the profile");
    }
  }

  /**
   * A profile whose next clip number follows its highest clip; {@code nextClip} only grows, so a removed clip's id
   * is never given to another recording.
   */
  public VoiceProfile(String id, String owner, int version, String name, String description, String language,
                      String provider, String voice, ProfileSettings settings, List<ReferenceClip> clips,
                      Consent consent, List<Registration> registrations, Instant created, Instant updated) {
    this(id, owner, version, name, description, language, provider, voice, settings, clips, consent, registrations,
        created, updated, firstFreeClip(clips));
  }

  private static int firstFreeClip(List<ReferenceClip> clips) {
    return clips.stream().mapToInt(c -> Integer.parseInt(c.id().substring(1)) + 1).max().orElse(0);
  }

  static SpeechException invalid(String message) {
    return new SpeechException(ErrorCode.INVALID_REQUEST, message);
  }

  /** Whether {@code id} has the form of a profile id (and so is safe as a file name). */
  public static boolean isId(String id) {
    return id != null && ID.matcher(id).matches();
  }

  /** A fresh profile id: 20 random base-36 characters (about 103 bits). */
  public static String newId() {
    return "vp_" + Text.randomToken(20);
  }

  /** This profile renamed and re-described, as its next version. */
  public VoiceProfile renamed(String newName, String newDescription, Instant now) {
    return new VoiceProfile(id, owner, version + 1, newName, newDescription, language, provider, voice, settings,
        clips, consent, registrations, created, now, nextClip);
  }

  /** This profile with {@code registration} in place of any earlier one at the same provider, as its next version. */
  public VoiceProfile withRegistration(Registration registration, Instant now) {
    List<Registration> next = new ArrayList<>(registrations.stream()
        .filter(r -> !r.provider().equals(registration.provider())).toList());
    next.add(registration);
    return new VoiceProfile(id, owner, version + 1, name, description, language, provider, voice, settings, clips,
        consent, next, created, now, nextClip);
  }

  /**
   * This profile with {@code added} clips (numbered from {@link #nextClip}, their stored audio put into
   * {@code audioOut}) and without the clip {@code removed} (may be null), as its next version. The consent
   * recording and the last clip stay.
   */
  public VoiceProfile withClips(List<ClipIntake.Prepared> added, String removed, Instant now,
                                Map<String, byte[]> audioOut) {
    List<ReferenceClip> next = new ArrayList<>(clips);
    if (removed != null) {
      if (removed.equals(consent.recordingClip())) {
        throw invalid("clip " + removed + " is the recording of the consent statement; it stays as long as the "
            + "profile does (delete the profile to withdraw consent)");
      }
      if (clips.size() == 1) {
        throw invalid("clip " + removed + " is the profile's only reference clip; add another first, or delete the "
            + "profile");
      }
      next.removeIf(c -> c.id().equals(removed));
    }
    int number = nextClip;
    for (ClipIntake.Prepared clip : added) {
      String clipId = "c" + number++;
      next.add(new ReferenceClip(clipId, clip.sha256(), clip.wav().length, clip.report()));
      audioOut.put(clipId, clip.wav());
    }
    return new VoiceProfile(id, owner, version + 1, name, description, language, provider, voice, settings, next,
        consent, registrations, created, now, number);
  }

  public Optional<Registration> registration(String atProvider) {
    return registrations.stream().filter(r -> r.provider().equals(atProvider)).findFirst();
  }

  /** The ids of the profile's clips, in order. */
  public List<String> clipIds() {
    return clips.stream().map(ReferenceClip::id).toList();
  }

  /**
   * Whether {@code registration}'s voice was made from other clips than the profile has now (clips were added or
   * removed since): a {@code ready} registration whose clips were recorded and differ. Registering it again
   * re-clones it from the current clips.
   */
  public boolean stale(Registration registration) {
    return registration.status() == Registration.Status.READY && registration.clips() != null
        && !Set.copyOf(registration.clips()).equals(Set.copyOf(clipIds()));
  }

  /**
   * The voices this profile is spoken with, in the order to try them (docs/voice-profiles.md#using-a-profile): the
   * vendor's voice ({@code remote:<provider>:<id>}) of every {@code ready} registration, the base provider's first,
   * then the others by provider name; the base voice at the base provider last, so a profile speaks from the moment
   * it is created and when no vendor that holds its cloned voice is running.
   */
  public List<VoiceChoice> voiceChoices() {
    List<VoiceChoice> choices = new ArrayList<>();
    registrations.stream()
        .filter(r -> r.status() == Registration.Status.READY)
        .sorted(Comparator.comparing((Registration r) -> !r.provider().equals(provider))
            .thenComparing(Registration::provider))
        .forEach(r -> choices.add(new VoiceChoice(r.provider(), RemoteVoice.of(r.provider(), r.remoteId()))));
    choices.add(new VoiceChoice(provider, voice));
    return choices;
  }

  /**
   * The clips that are samples of the voice for a vendor: every clip but the consent recording, or the consent
   * recording alone when it is the only clip.
   */
  public List<ReferenceClip> sampleClips() {
    List<ReferenceClip> samples = clips.stream().filter(c -> !c.id().equals(consent.recordingClip())).toList();
    return samples.isEmpty() ? clips : samples;
  }

  public Optional<ReferenceClip> clip(String clipId) {
    return clips.stream().filter(c -> c.id().equals(clipId)).findFirst();
  }

  /** The parts the {@code voice_profiles} columns do not hold, as stored in {@code voice_config}. */
  public JsonObject config() {
    JsonArray clipArray = new JsonArray();
    clips.forEach(c -> clipArray.add(c.toJson()));
    JsonArray registrationArray = new JsonArray();
    registrations.forEach(r -> registrationArray.add(r.toJson()));
    return new JsonObject()
        .put("description", description)
        .put("language", language)
        .put("voice", voice)
        .put("settings", settings.toJson())
        .put("clips", clipArray)
        .put("consent", consent.toJson())
        .put("registrations", registrationArray)
        .put("nextClip", nextClip);
  }

  public JsonObject toJson() {
    return config().put("id", id).put("owner", owner).put("version", version).put("name", name)
        .put("provider", provider).put("created", created.toString()).put("updated", updated.toString());
  }

  /** Rebuilds a profile from its columns and {@code voice_config}; throws {@link SpeechException} when malformed. */
  public static VoiceProfile fromColumns(String id, String owner, int version, String name, String provider,
                                         JsonObject config, Instant created, Instant updated) {
    try {
      List<ReferenceClip> clips = new ArrayList<>();
      config.getJsonArray("clips", new JsonArray()).forEach(c -> clips.add(ReferenceClip.fromJson((JsonObject) c)));
      List<Registration> registrations = new ArrayList<>();
      config.getJsonArray("registrations", new JsonArray())
          .forEach(r -> registrations.add(Registration.fromJson((JsonObject) r)));
      return new VoiceProfile(id, owner, version, name, config.getString("description"), config.getString("language"),
          provider, config.getString("voice"), ProfileSettings.fromJson(config.getJsonObject("settings")), clips,
          Consent.fromJson(config.getJsonObject("consent")), registrations, created, updated,
          config.getInteger("nextClip", firstFreeClip(clips)));
    } catch (ClassCastException | NullPointerException | IllegalArgumentException e) {
      throw new SpeechException(ErrorCode.INTERNAL, "stored voice profile " + id + " is malformed: " + e.getMessage());
    }
  }

  public static VoiceProfile fromJson(JsonObject json) {
    try {
      return fromColumns(json.getString("id"), json.getString("owner"), json.getInteger("version"),
          json.getString("name"), json.getString("provider"), json, Instant.parse(json.getString("created")),
          Instant.parse(json.getString("updated")));
    } catch (ClassCastException | NullPointerException | java.time.format.DateTimeParseException e) {
      throw new SpeechException(ErrorCode.INTERNAL, "stored voice profile is malformed: " + e.getMessage());
    }
  }
}
