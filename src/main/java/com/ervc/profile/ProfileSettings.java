package com.ervc.profile;

import com.ervc.protocol.Emotion;
import com.ervc.protocol.QualityTier;
import io.vertx.core.json.JsonObject;

/** The synthesis defaults a profile brings; a request's own values still win. */
public record ProfileSettings(Emotion emotion, double intensity, double speed, double pitch, QualityTier tier) {
  public static final ProfileSettings NEUTRAL = new ProfileSettings(Emotion.NEUTRAL, 0.5, 1.0, 1.0,
      QualityTier.BALANCED);

  public ProfileSettings {
    if (emotion == null || tier == null) {
      throw VoiceProfile.invalid("settings need an emotion and a quality tier");
    }
    inRange("intensity", intensity, 0, 1);
    inRange("speed", speed, 0.5, 2.0);
    inRange("pitch", pitch, 0.5, 2.0);
  }

  private static void inRange(String field, double value, double min, double max) {
    if (!(value >= min && value <= max)) {
      throw VoiceProfile.invalid("settings." + field + " must be between " + min + " and " + max + ": " + value);
    }
  }

  public JsonObject toJson() {
    return new JsonObject().put("emotion", emotion.wire()).put("intensity", intensity).put("speed", speed)
        .put("pitch", pitch).put("tier", tier.wire());
  }

  public static ProfileSettings fromJson(JsonObject json) {
    return new ProfileSettings(Emotion.parse(json.getString("emotion")), json.getDouble("intensity"),
        json.getDouble("speed"), json.getDouble("pitch"), QualityTier.parse(json.getString("tier")));
  }
}
