package com.ervc.profile;

import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.Objects;

/**
 * The speaker's consent: their name, the statement they read (in its language), which clip holds the recording of
 * them reading it ({@code null} where none was made), who created the profile and when.
 */
public record Consent(String speakerName, String language, String statement, String recordingClip, String createdBy,
                      Instant createdAt) {
  public Consent {
    speakerName = Text.safe("consent.speakerName", speakerName, VoiceProfile.MAX_NAME_CHARS);
    language = Text.safe("consent.language", language, 20);
    statement = Text.safe("consent.statement", statement, VoiceProfile.MAX_DESCRIPTION_CHARS, false);
    createdBy = Text.safe("consent.createdBy", createdBy, 200);
    Objects.requireNonNull(createdAt, "createdAt");
  }

  public JsonObject toJson() {
    return new JsonObject().put("speakerName", speakerName).put("language", language).put("statement", statement)
        .put("recordingClip", recordingClip).put("createdBy", createdBy).put("createdAt", createdAt.toString());
  }

  static Consent fromJson(JsonObject json) {
    return new Consent(json.getString("speakerName"), json.getString("language"), json.getString("statement"),
        json.getString("recordingClip"), json.getString("createdBy"), Instant.parse(json.getString("createdAt")));
  }
}
