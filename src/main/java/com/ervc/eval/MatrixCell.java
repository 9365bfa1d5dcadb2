package com.ervc.eval;

import io.vertx.core.json.JsonObject;

import java.util.Locale;

/**
 * One combination of the evaluation matrix: every corpus sentence is spoken once per cell. {@code speed} and
 * {@code pitch} are the protocol's {@code synthesize} fields (1.0 and 0.0: the voice's own).
 */
public record MatrixCell(String provider, String voice, String voiceLanguage, String emotion, double intensity,
    String tier, double speed, double pitch) {

  /** A cell at the voice's own speed and pitch. */
  public MatrixCell(String provider, String voice, String voiceLanguage, String emotion, double intensity,
      String tier) {
    this(provider, voice, voiceLanguage, emotion, intensity, tier, 1.0, 0.0);
  }

  /**
   * A stable name, also a directory name: provider_voice_emotion_intensity_tier, then _s{speed}_p{pitch} only when
   * either differs from the voice's own (so keys of runs without the speed/pitch axis stay the same).
   */
  public String key() {
    String key = String.join("_", provider, voice, emotion, String.format(Locale.ROOT, "%.2f", intensity), tier);
    if (!ownSpeedAndPitch()) {
      key += String.format(Locale.ROOT, "_s%.2f_p%+.2f", speed, pitch);
    }
    return key.replaceAll("[^A-Za-z0-9_.+-]", "-");
  }

  /** True at speed 1 and pitch 0. */
  public boolean ownSpeedAndPitch() {
    return speed == 1.0 && pitch == 0.0;
  }

  /** The neutral cell this one's emotion is compared with. */
  public MatrixCell neutral() {
    return new MatrixCell(provider, voice, voiceLanguage, "neutral", 0, tier);
  }

  public JsonObject toJson() {
    return new JsonObject().put("provider", provider).put("voice", voice).put("voiceLanguage", voiceLanguage)
        .put("emotion", emotion).put("intensity", intensity).put("tier", tier).put("speed", speed)
        .put("pitch", pitch);
  }

  public static MatrixCell fromJson(JsonObject j) {
    return new MatrixCell(j.getString("provider"), j.getString("voice"), j.getString("voiceLanguage"),
        j.getString("emotion"), j.getDouble("intensity"), j.getString("tier"), j.getDouble("speed", 1.0),
        j.getDouble("pitch", 0.0));
  }
}
