package com.ervc.protocol;

/**
 * A voice a cloning vendor made for a voice profile, as a request's {@code voice}: {@code remote:<provider>:<id>},
 * where the id is the vendor's (an ElevenLabs voice_id, an Azure speakerProfileId, an OpenAI custom voice id). Only
 * the provider it names offers it, and clients cannot send it: only the resolution of a ready profile registration
 * puts it into a request (docs/voice-profiles.md#speaking-with-a-registered-voice).
 */
public final class RemoteVoice {
  static final String PREFIX = "remote:";

  private RemoteVoice() {
  }

  /** The voice for the vendor id {@code remoteId} at {@code provider}. */
  public static String of(String provider, String remoteId) {
    return PREFIX + provider + ":" + remoteId;
  }

  public static boolean is(String voice) {
    return voice != null && voice.startsWith(PREFIX) && voice.indexOf(':', PREFIX.length()) > PREFIX.length();
  }

  /** The provider a remote voice belongs to. */
  public static String provider(String voice) {
    return voice.substring(PREFIX.length(), voice.indexOf(':', PREFIX.length()));
  }

  /** The vendor's own id of a remote voice. */
  public static String id(String voice) {
    return voice.substring(voice.indexOf(':', PREFIX.length()) + 1);
  }
}
