package com.ervc.provider.onnx;

import com.ervc.protocol.Emotion;
import com.ervc.protocol.TtsRequest;
import java.util.Map;

/**
 * What a request's speed, pitch, emotion and intensity become for a neural voice, which has no emotion input:
 * a speaking-rate factor (Piper {@code length_scale} divides by it, Kokoro {@code speed} multiplies by it),
 * factors on Piper's {@code noise_scale} (expressiveness) and {@code noise_w} (rhythm variation), and a
 * post-processing pitch factor and gain (see {@link com.ervc.audio.PitchEnergy}). Table: docs/providers/onnx.md.
 */
public record Prosody(double rate, double pitchFactor, double gain, double noise, double noiseW) {
  /** Emotion at full intensity: rate, pitch in semitones, gain, noise_scale factor, noise_w factor. */
  private static final Map<Emotion, double[]> EMOTIONS = Map.of(
      Emotion.NEUTRAL, new double[] {1.00, 0.0, 1.00, 1.00, 1.00},
      Emotion.HAPPY, new double[] {1.08, 2.0, 1.10, 1.15, 1.10},
      Emotion.SAD, new double[] {0.85, -2.0, 0.80, 0.80, 0.70},
      Emotion.ANGRY, new double[] {1.10, 1.0, 1.30, 1.20, 1.20},
      Emotion.EXCITED, new double[] {1.15, 3.0, 1.20, 1.25, 1.30},
      Emotion.CALM, new double[] {0.92, -1.0, 0.90, 0.80, 0.80},
      Emotion.FEARFUL, new double[] {1.10, 2.5, 0.90, 1.30, 1.40},
      Emotion.WHISPER, new double[] {0.95, 0.0, 0.50, 0.60, 0.80});
  /** A request's pitch of ±1 moves the voice by ±4 semitones. */
  private static final double PITCH_SEMITONES = 4.0;

  public static final Prosody NEUTRAL = new Prosody(1, 1, 1, 1, 1);

  public static Prosody of(TtsRequest request, boolean emotions) {
    double[] e = EMOTIONS.get(emotions ? request.emotion() : Emotion.NEUTRAL);
    double k = emotions ? request.intensity() : 0;
    double semitones = e[1] * k + request.pitch() * PITCH_SEMITONES;
    return new Prosody(request.speed() * blend(e[0], k), Math.pow(2, semitones / 12.0), blend(e[2], k),
        blend(e[3], k), blend(e[4], k));
  }

  private static double blend(double full, double intensity) {
    return 1 + (full - 1) * intensity;
  }

  /**
   * The duration factor to synthesize with: slower for a slower rate, and longer by the pitch factor, because
   * raising the pitch afterwards (resampling) shortens the audio by that factor again.
   */
  public double durationFactor() {
    return pitchFactor / rate;
  }
}
