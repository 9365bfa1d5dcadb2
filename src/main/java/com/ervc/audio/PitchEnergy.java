package com.ervc.audio;

/**
 * Pitch and energy adjustment after synthesis: a pitch factor p plays the audio p times faster (resampling),
 * which raises the pitch and shortens it by p, so callers synthesize p times longer first; the gain scales the
 * samples with clipping.
 */
public final class PitchEnergy {
  private PitchEnergy() {
  }

  public static short[] apply(short[] samples, int sampleRate, double pitchFactor, double gain) {
    short[] shifted = samples;
    // Rounded to 50 Hz so the resampler's rate ratio stays small (few filter phases).
    int from = (int) Math.round(sampleRate * pitchFactor / 50.0) * 50;
    if (from != sampleRate) {
      shifted = Resampler.resample(samples, from, sampleRate);
    }
    return gain == 1.0 ? shifted : Pcm16.scale(shifted, gain);
  }
}
