package com.ervc.provider.cloud;

import com.ervc.audio.Pcm16;
import com.ervc.audio.WavCodec;
import com.ervc.profile.Consent;
import com.ervc.profile.ProfileSettings;
import com.ervc.profile.ReferenceClip;
import com.ervc.profile.VoiceProfile;
import com.ervc.profile.VoiceProfileStore;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** A profile with real WAV clips: samples c0 and c1, and c2, the recording of the consent statement. */
public final class CloningSamples {
  private CloningSamples() {
  }

  /** 1.5 s of a tone at 24 kHz as 16-bit WAV, a different pitch per clip. */
  public static byte[] wav(int clip) {
    float[] samples = new float[36_000];
    for (int i = 0; i < samples.length; i++) {
      samples[i] = (float) (0.3 * Math.sin(2 * Math.PI * (220 + 40 * clip) * i / 24_000.0));
    }
    return WavCodec.encode(Pcm16.toLittleEndian(Pcm16.fromFloat(samples)), 24_000, 1);
  }

  public static VoiceProfile profile(String provider, String voice) {
    String id = VoiceProfile.newId();
    Instant now = Instant.now();
    List<ReferenceClip> clips = List.of(clip("c0", wav(0)), clip("c1", wav(1)), clip("c2", wav(2)));
    Consent consent = new Consent("Ada Lovelace", "en-US", "I Ada Lovelace am aware that recordings of my voice will "
        + "be used by Example Ltd to create and use a synthetic version of my voice.", "c2", "user-1", now);
    return new VoiceProfile(id, "user-1", 1, "Ada's voice", "warm and slow", "en-US", provider, voice,
        ProfileSettings.NEUTRAL, clips, consent, List.of(), now, now);
  }

  public static Map<String, byte[]> audio() {
    return Map.of("c0", wav(0), "c1", wav(1), "c2", wav(2));
  }

  private static ReferenceClip clip(String id, byte[] audio) {
    return new ReferenceClip(id, VoiceProfileStore.sha256(audio), audio.length, new JsonObject());
  }
}
