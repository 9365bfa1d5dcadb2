package com.ervc.protocol;

import io.vertx.core.json.JsonObject;

/**
 * Published on {@code tts.voice-profiles.changed} by the gateway that stored a change to a voice profile (created,
 * updated, deleted): every gateway drops its cached view of that profile at once, so the next request reads the
 * stored version. {@code version} is the new version, or 0 when the profile was deleted.
 */
public record ProfileChanged(String id, int version) implements BusBody {
  public static final String TYPE = "voice-profile-changed";

  @Override
  public JsonObject body() {
    return new JsonObject().put("id", id).put("version", version);
  }

  public boolean deleted() {
    return version == 0;
  }

  public static ProfileChanged from(Object body) {
    if (body instanceof JsonObject json && json.getValue("id") instanceof String id
        && json.getValue("version") instanceof Number version && version.intValue() >= 0) {
      return new ProfileChanged(id, version.intValue());
    }
    throw new SpeechException(ErrorCode.INVALID_REQUEST, "a voice-profile change needs 'id' and 'version' (>= 0)");
  }
}
