package com.ervc.eval;

import io.vertx.core.json.JsonObject;

/** One combination of the evaluation matrix: every corpus sentence is spoken once per cell. */
public record MatrixCell(String provider, String voice, String voiceLanguage, String emotion, double intensity,
    String tier) {

  /** A stable name, also a directory name: provider_voice_emotion_intensity_tier. */
  public String key() {
    return String.join("_", provider, voice, emotion, String.format(java.util.Locale.ROOT, "%.2f", intensity), tier)
        .replaceAll("[^A-Za-z0-9_.+-]", "-");
  }

  /** The neutral cell this one's emotion is compared with. */
  public MatrixCell neutral() {
    return new MatrixCell(provider, voice, voiceLanguage, "neutral", 0, tier);
  }

  public JsonObject toJson() {
    return new JsonObject().put("provider", provider).put("voice", voice).put("voiceLanguage", voiceLanguage)
        .put("emotion", emotion).put("intensity", intensity).put("tier", tier);
  }

  public static MatrixCell fromJson(JsonObject j) {
    return new MatrixCell(j.getString("provider"), j.getString("voice"), j.getString("voiceLanguage"),
        j.getString("emotion"), j.getDouble("intensity"), j.getString("tier"));
  }
}
