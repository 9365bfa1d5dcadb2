package com.ervc.profile;

import io.vertx.core.json.JsonObject;

import java.util.regex.Pattern;

/**
 * One stored reference recording: its id (also its file name), the SHA-256 of the stored, normalised WAV, and the
 * quality report of its analysis. The audio itself is kept by the store beside the profile.
 */
public record ReferenceClip(String id, String sha256, long bytes, JsonObject report) {
  private static final Pattern ID = Pattern.compile("c[0-9]{1,3}");
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

  public ReferenceClip {
    if (id == null || !ID.matcher(id).matches()) {
      throw VoiceProfile.invalid("clip id must be c followed by up to 3 digits: " + id);
    }
    if (sha256 == null || !SHA256.matcher(sha256).matches()) {
      throw VoiceProfile.invalid("clip sha256 must be 64 lowercase hex digits: " + sha256);
    }
    if (bytes <= 0) {
      throw VoiceProfile.invalid("clip size must be positive: " + bytes);
    }
    report = report == null ? new JsonObject() : report.copy();
  }

  public JsonObject toJson() {
    return new JsonObject().put("id", id).put("sha256", sha256).put("bytes", bytes).put("report", report.copy());
  }

  static ReferenceClip fromJson(JsonObject json) {
    return new ReferenceClip(json.getString("id"), json.getString("sha256"), json.getLong("bytes"),
        json.getJsonObject("report"));
  }
}
