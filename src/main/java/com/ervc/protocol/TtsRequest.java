package com.ervc.protocol;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What to say and how. Used for a whole client request (gateway → pipeline) and for one sentence
 * (pipeline → provider). {@code voice} may be null, meaning the provider's default voice.
 * {@code previousText}/{@code nextText} (nullable) are the neighbouring sentences of the same reply, which some
 * providers use for continuous prosody; they are not spoken. {@code instructions} (nullable, at most
 * {@link #MAX_INSTRUCTIONS} characters) is free-text direction for providers that take it (OpenAI's
 * {@code instructions}); the OpenAI-compatible endpoint sets it, others ignore it. {@code profile} (nullable) names
 * the voice profile and version the gateway resolved {@code voice: "profile:<id>"} from, as {@code <id>@<version>}:
 * it is part of the audio cache key, so a changed profile never gets audio made from an older version.
 * {@code alternatives} (empty unless {@code profile} is set) are the provider and voice pairs that profile may be
 * spoken with, in the order to try them; the router picks among them and a failover moves the reply along them.
 * Only the gateway's resolution of a profile its caller owns sets them: a client's request never carries them.
 */
public record TtsRequest(String text, String provider, String voice, Emotion emotion, double intensity,
                         QualityTier quality, double speed, double pitch, int sampleRate,
                         String previousText, String nextText, String instructions, String profile,
                         List<VoiceChoice> alternatives) {

  public TtsRequest {
    if (profile != null && !PROFILE.matcher(profile).matches()) {
      throw invalid("'profile' must be <profile id>@<version>");
    }
    alternatives = alternatives == null ? List.of() : List.copyOf(alternatives);
    if (!alternatives.isEmpty() && profile == null) {
      throw invalid("'alternatives' are only given with a voice profile ('profile')");
    }
    if (alternatives.size() > MAX_ALTERNATIVES) {
      throw invalid("'alternatives' has more than " + MAX_ALTERNATIVES + " entries");
    }
    for (VoiceChoice choice : alternatives) {
      checkChoice(choice);
    }
  }

  public TtsRequest(String text, String provider, String voice, Emotion emotion, double intensity,
                    QualityTier quality, double speed, double pitch, int sampleRate, String previousText,
                    String nextText, String instructions, String profile) {
    this(text, provider, voice, emotion, intensity, quality, speed, pitch, sampleRate, previousText, nextText,
        instructions, profile, List.of());
  }

  public TtsRequest(String text, String provider, String voice, Emotion emotion, double intensity,
                    QualityTier quality, double speed, double pitch, int sampleRate) {
    this(text, provider, voice, emotion, intensity, quality, speed, pitch, sampleRate, null, null, null, null);
  }

  public static final String AUTO = "auto";
  public static final double MIN_SPEED = 0.25;
  public static final double MAX_SPEED = 4.0;
  /** OpenAI's limit for {@code instructions}. */
  public static final int MAX_INSTRUCTIONS = 4096;
  /** A profile's base voice and its registrations at the cloning vendors fit with room to spare. */
  public static final int MAX_ALTERNATIVES = 8;
  /** Fields a client may set per request or as session defaults. */
  public static final List<String> VOICE_FIELDS =
      List.of("voice", "provider", "emotion", "intensity", "quality", "speed", "pitch");

  private static final Pattern VOICE = Pattern.compile("[A-Za-z0-9_+\\-./:]{1,64}");
  private static final Pattern CONTROL = Pattern.compile("[\\x00-\\x08\\x0B\\x0C\\x0E-\\x1F\\x7F]");
  private static final Pattern PROVIDER = Pattern.compile("[a-z][a-z0-9_\\-]{0,31}");
  private static final Pattern PROFILE = Pattern.compile("vp_[a-z0-9]{20}@[1-9][0-9]{0,8}");

  /**
   * Parses a client request. {@code fields} already has session and server defaults merged beneath the
   * client's own values.
   */
  public static TtsRequest parse(JsonObject given, int maxTextChars, int sampleRate) {
    return parse(given, maxTextChars, sampleRate, false);
  }

  /** {@code internal}: a request from another node, whose voice may be a {@link RemoteVoice} a profile resolved to. */
  private static TtsRequest parse(JsonObject given, int maxTextChars, int sampleRate, boolean internal) {
    JsonObject fields = withoutNulls(given);
    Object rawText = fields.getValue("text");
    if (!(rawText instanceof String text) || text.isBlank()) {
      throw invalid("'text' is required and must be a non-empty string");
    }
    if (text.length() > maxTextChars) {
      throw new SpeechException(ErrorCode.TOO_LARGE,
          "text has " + text.length() + " characters; the limit is " + maxTextChars);
    }
    if (CONTROL.matcher(text).find()) {
      throw invalid("'text' contains control characters (only tab and line breaks are allowed)");
    }
    checkVoiceFields(fields, internal);
    return new TtsRequest(text,
        fields.getString("provider", AUTO),
        fields.getString("voice"),
        Emotion.parse(fields.getString("emotion", Emotion.NEUTRAL.wire())),
        fields.getNumber("intensity", 0.5).doubleValue(),
        QualityTier.parse(fields.getString("quality", QualityTier.BALANCED.wire())),
        fields.getNumber("speed", 1.0).doubleValue(),
        fields.getNumber("pitch", 0.0).doubleValue(),
        sampleRate);
  }

  /**
   * Stacks field layers (e.g. server defaults, session settings, request); a later layer wins, except that an
   * explicit null in it means "not given" and leaves the lower layer's value.
   */
  public static JsonObject layered(JsonObject... layers) {
    JsonObject merged = new JsonObject();
    for (JsonObject layer : layers) {
      merged.mergeIn(withoutNulls(layer));
    }
    return merged;
  }

  /** An explicit JSON null means "not given", so the default applies. */
  private static JsonObject withoutNulls(JsonObject fields) {
    JsonObject clean = new JsonObject();
    fields.forEach(e -> {
      if (e.getValue() != null) {
        clean.put(e.getKey(), e.getValue());
      }
    });
    return clean;
  }

  /** Validates whichever voice fields are present (used for requests and for session settings). */
  public static void checkVoiceFields(JsonObject fields) {
    checkVoiceFields(fields, false);
  }

  private static void checkVoiceFields(JsonObject fields, boolean internal) {
    Object voice = fields.getValue("voice");
    if (voice != null && !(voice instanceof String v && VOICE.matcher(v).matches())) {
      throw invalid("'voice' must be a voice id of 1-64 letters, digits or _+-./:");
    }
    // A vendor's voice made for someone's profile is only reached through that profile (ownership is checked there).
    if (!internal && RemoteVoice.is((String) voice)) {
      throw invalid("'voice' must not name a vendor's voice directly; use the voice profile's id (profile:<id>)");
    }
    Object provider = fields.getValue("provider");
    if (provider != null && !(provider instanceof String p && PROVIDER.matcher(p).matches())) {
      throw invalid("'provider' must be 'auto' or a provider name such as 'espeak'");
    }
    Object emotion = fields.getValue("emotion");
    if (emotion != null) {
      Emotion.parse(emotion instanceof String s ? s : String.valueOf(emotion));
    }
    Object quality = fields.getValue("quality");
    if (quality != null) {
      QualityTier.parse(quality instanceof String s ? s : String.valueOf(quality));
    }
    checkNumber(fields, "intensity", 0.0, 1.0);
    checkNumber(fields, "speed", MIN_SPEED, MAX_SPEED);
    checkNumber(fields, "pitch", -1.0, 1.0);
  }

  private static void checkNumber(JsonObject fields, String name, double min, double max) {
    Object value = fields.getValue(name);
    if (value == null) {
      return;
    }
    if (!(value instanceof Number n) || !(n.doubleValue() >= min && n.doubleValue() <= max)) {
      throw invalid("'" + name + "' must be a number from " + min + " to " + max);
    }
  }

  private static SpeechException invalid(String message) {
    return new SpeechException(ErrorCode.INVALID_REQUEST, message);
  }

  public TtsRequest withText(String newText) {
    return new TtsRequest(newText, provider, voice, emotion, intensity, quality, speed, pitch, sampleRate,
        previousText, nextText, instructions, profile, alternatives);
  }

  /** The same sentence with its neighbours in the reply (null where there is none). */
  public TtsRequest withNeighbours(String previous, String next) {
    return new TtsRequest(text, provider, voice, emotion, intensity, quality, speed, pitch, sampleRate, previous, next,
        instructions, profile, alternatives);
  }

  /** The same request with free-text instructions for providers that take them (null: none). */
  public TtsRequest withInstructions(String newInstructions) {
    return new TtsRequest(text, provider, voice, emotion, intensity, quality, speed, pitch, sampleRate, previousText,
        nextText, newInstructions, profile, alternatives);
  }

  public TtsRequest withQuality(QualityTier newQuality) {
    return new TtsRequest(text, provider, voice, emotion, intensity, newQuality, speed, pitch, sampleRate,
        previousText, nextText, instructions, profile, alternatives);
  }

  /** The same request on a provider and voice already chosen: without {@code alternatives}, there is no choice left. */
  public TtsRequest withProvider(String newProvider, String newVoice) {
    return new TtsRequest(text, newProvider, newVoice, emotion, intensity, quality, speed, pitch, sampleRate,
        previousText, nextText, instructions, profile, List.of());
  }

  /** The request as JSON; {@code alternatives} only when there are any. */
  public JsonObject toJson() {
    JsonObject json = new JsonObject()
        .put("text", text)
        .put("provider", provider)
        .put("voice", voice)
        .put("emotion", emotion.wire())
        .put("intensity", intensity)
        .put("quality", quality.wire())
        .put("speed", speed)
        .put("pitch", pitch)
        .put("sampleRate", sampleRate)
        .put("previousText", previousText)
        .put("nextText", nextText)
        .put("instructions", instructions)
        .put("profile", profile);
    if (!alternatives.isEmpty()) {
      JsonArray choices = new JsonArray();
      alternatives.forEach(choice -> choices.add(choice.toJson()));
      json.put("alternatives", choices);
    }
    return json;
  }

  /**
   * This request spoken with a voice profile: the provider and voice pairs it may be spoken with, in order (the
   * request's provider and voice are the first), and the given settings, tagged {@code <profileId>@<version>} for
   * the cache key.
   */
  public TtsRequest withProfile(String profileId, int version, List<VoiceChoice> voices,
                                Emotion newEmotion, double newIntensity, QualityTier newQuality, double newSpeed,
                                double newPitch) {
    if (voices.isEmpty()) {
      throw new IllegalArgumentException("a profile is spoken with at least its base voice");
    }
    return new TtsRequest(text, voices.get(0).provider(), voices.get(0).voice(), newEmotion, newIntensity, newQuality,
        newSpeed, newPitch, sampleRate, previousText, nextText, instructions, profileId + "@" + version, voices);
  }

  /** Reads a request produced by {@link #toJson()} on another node; still validated, nodes trust no input. */
  public static TtsRequest fromJson(JsonObject json) {
    Object rate = json.getValue("sampleRate");
    if (!(rate instanceof Number n) || n.intValue() < 8000 || n.intValue() > 48000) {
      throw invalid("'sampleRate' must be 8000-48000");
    }
    String instructions = optionalText(json, "instructions");
    if (instructions != null && instructions.length() > MAX_INSTRUCTIONS) {
      throw invalid("'instructions' has more than " + MAX_INSTRUCTIONS + " characters");
    }
    TtsRequest parsed = parse(json, Integer.MAX_VALUE, n.intValue(), true);
    return new TtsRequest(parsed.text, parsed.provider, parsed.voice, parsed.emotion, parsed.intensity, parsed.quality,
        parsed.speed, parsed.pitch, parsed.sampleRate, optionalText(json, "previousText"),
        optionalText(json, "nextText"), instructions, optionalText(json, "profile"), alternatives(json));
  }

  private static List<VoiceChoice> alternatives(JsonObject json) {
    Object value = json.getValue("alternatives");
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof JsonArray array) || array.size() > MAX_ALTERNATIVES) {
      throw invalid("'alternatives' must be an array of at most " + MAX_ALTERNATIVES + " {provider, voice} objects");
    }
    List<VoiceChoice> choices = new ArrayList<>(array.size());
    for (Object entry : array) {
      if (!(entry instanceof JsonObject choice) || !(choice.getValue("provider") instanceof String provider)
          || !(choice.getValue("voice") instanceof String voice)) {
        throw invalid("'alternatives' must be an array of {provider, voice} objects");
      }
      choices.add(new VoiceChoice(provider, voice));
    }
    return choices;
  }

  /** A provider name and a voice id of it; a vendor's voice only at the provider that made it. */
  private static void checkChoice(VoiceChoice choice) {
    if (choice == null || choice.provider() == null || !PROVIDER.matcher(choice.provider()).matches()
        || TtsRequest.AUTO.equals(choice.provider())) {
      throw invalid("each of 'alternatives' names a provider");
    }
    if (choice.voice() == null || !VOICE.matcher(choice.voice()).matches()) {
      throw invalid("each of 'alternatives' names a voice id of 1-64 letters, digits or _+-./:");
    }
    if (RemoteVoice.is(choice.voice()) && !RemoteVoice.provider(choice.voice()).equals(choice.provider())) {
      throw invalid("the alternative " + choice + " names another provider's voice");
    }
  }

  private static String optionalText(JsonObject json, String name) {
    Object value = json.getValue(name);
    if (value != null && !(value instanceof String)) {
      throw invalid("'" + name + "' must be a string");
    }
    return (String) value;
  }
}
