package com.ervc.gateway;

import com.ervc.metrics.ServiceMetrics;
import com.ervc.profile.ProfileResolver;
import com.ervc.profile.ProfileSettings;
import com.ervc.profile.VoiceProfile;
import com.ervc.protocol.ErrorCode;
import com.ervc.protocol.SpeechException;
import com.ervc.protocol.TtsRequest;
import io.vertx.core.Context;
import io.vertx.core.Future;

import java.util.Set;

/**
 * Speaking with a voice profile: a request whose voice is {@code profile:<id>} gets the profile's voices in the order
 * to try them ({@link VoiceProfile#voiceChoices()}: the vendors' cloned voices where its registrations are
 * {@code ready}, its base voice last) as the request's alternatives, the profile's settings for every setting the
 * caller did not give, and is tagged with the profile's id and version for the audio cache
 * (docs/voice-profiles.md#using-a-profile). Only the owner may speak with a profile;
 * for anyone else it is the same error as a voice no provider offers.
 */
final class ProfileVoices {
  static final String PREFIX = "profile:";
  /** Settings a profile brings, by the request field that overrides each. */
  static final Set<String> SETTINGS = Set.of("emotion", "intensity", "quality", "speed", "pitch");

  private final ProfileResolver resolver;
  private final boolean enabled;
  private final ServiceMetrics metrics;

  /**
   * @param enabled  whether voice cloning is on ({@code tts.enableCloning}); off, {@code profile:} voices pass through
   *                 and no provider offers them
   * @param resolver the profile view, or null when cloning is on but the store did not open
   */
  ProfileVoices(boolean enabled, ProfileResolver resolver, ServiceMetrics metrics) {
    this.enabled = enabled;
    this.resolver = resolver;
    this.metrics = metrics;
  }

  /** Whether voice cloning is on here: {@code profile:} voices are resolved and the profile API answers. */
  boolean enabled() {
    return enabled;
  }

  static boolean isProfileVoice(String voice) {
    return voice != null && voice.startsWith(PREFIX);
  }

  /**
   * {@code request} as spoken with its profile, or unchanged when its voice is not a profile.
   *
   * @param given the setting fields the caller set itself (request or session), which win over the profile's
   */
  Future<TtsRequest> apply(TtsRequest request, Set<String> given, String subject, Context context) {
    if (!enabled || !isProfileVoice(request.voice())) {
      return Future.succeededFuture(request);
    }
    if (resolver == null) {
      metrics.profileResolution("unavailable", 0);
      return Future.failedFuture(new SpeechException(ErrorCode.PROVIDER_UNAVAILABLE,
          "voice profiles are unavailable on this node: its profile store did not open", true));
    }
    long start = System.nanoTime();
    String id = request.voice().substring(PREFIX.length());
    return resolver.forOwner(id, subject, context).transform(ar -> {
      if (ar.failed()) {
        metrics.profileResolution("unavailable", System.nanoTime() - start);
        return Future.failedFuture(SpeechException.from(ar.cause()));
      }
      VoiceProfile profile = ar.result().profile().orElse(null);
      if (profile == null) {
        metrics.profileResolution("unknown", System.nanoTime() - start);
        // Word for word what the router answers for a voice no provider offers: nothing tells "not yours" apart.
        return Future.failedFuture(new SpeechException(ErrorCode.INVALID_REQUEST,
            "no running provider offers voice '" + request.voice() + "'"));
      }
      TtsRequest spoken = withProfile(request, profile, given);
      metrics.profileResolution(ar.result().cached() ? "hit" : "miss", System.nanoTime() - start);
      return Future.succeededFuture(spoken);
    });
  }

  /** The profile's voices, its settings where the caller gave none, and its id and version. */
  static TtsRequest withProfile(TtsRequest request, VoiceProfile profile, Set<String> given) {
    ProfileSettings s = profile.settings();
    return request.withProfile(profile.id(), profile.version(), profile.voiceChoices(),
        given.contains("emotion") ? request.emotion() : s.emotion(),
        given.contains("intensity") ? request.intensity() : s.intensity(),
        given.contains("quality") ? request.quality() : s.tier(),
        given.contains("speed") ? request.speed() : s.speed(),
        given.contains("pitch") ? request.pitch() : requestPitch(s.pitch()));
  }

  /**
   * A profile keeps pitch as a factor (0.5-2, 1 = the voice's own); requests take an offset of -1 to 1 (0 = the
   * voice's own). One octave either way is the whole range of both, so the offset is the factor's octaves.
   */
  static double requestPitch(double factor) {
    return Math.log(factor) / Math.log(2);
  }
}
