package com.ervc.protocol;

import io.vertx.core.json.JsonObject;

/**
 * One provider and the voice to speak with there: an entry of a request's {@code alternatives}, the voices a voice
 * profile may be spoken with in the order to try them (docs/voice-profiles.md#using-a-profile). {@code voice} is a
 * voice of that provider, for a registered profile the {@link RemoteVoice} made there.
 */
public record VoiceChoice(String provider, String voice) {

  public JsonObject toJson() {
    return new JsonObject().put("provider", provider).put("voice", voice);
  }

  @Override
  public String toString() {
    return provider + " " + voice;
  }
}
