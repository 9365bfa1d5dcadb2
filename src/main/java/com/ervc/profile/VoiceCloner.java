package com.ervc.profile;

import io.vertx.core.Future;

import java.util.Map;

/**
 * A cloning vendor's API: makes a remote voice from a profile's reference clips and consent, and deletes it again.
 * Implementations live in the vendor's provider package and speak its wire format (docs/voice-profiles.md#registration-at-the-vendors).
 */
public interface VoiceCloner {

  /** The provider name the registrations carry ({@code elevenlabs}, {@code azure}, {@code openai}). */
  String provider();

  /**
   * Creates the remote voice. Resolves with a {@code ready} registration carrying the vendor's voice id, or with a
   * {@code failed} one whose detail is the vendor's reason when the vendor refused for good (rejected audio, no
   * quota, no access, bad credentials). Fails, with a retryable {@link com.ervc.protocol.SpeechException}, only when
   * trying again later may succeed (timeouts, 5xx, rate limits).
   *
   * @param clipAudio the stored WAV of every clip of the profile, by clip id
   */
  Future<Registration> register(VoiceProfile profile, Map<String, byte[]> clipAudio);

  /**
   * Deletes what {@code registration} made at the vendor (the voice, and the consent where the vendor keeps one);
   * what the vendor no longer has counts as deleted.
   */
  Future<Void> delete(Registration registration);
}
