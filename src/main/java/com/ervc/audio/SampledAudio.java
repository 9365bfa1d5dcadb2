package com.ervc.audio;

import java.util.Objects;

/**
 * Decoded audio as float samples in [-1, 1], interleaved by channel, with the rate and encoding it came in
 * ({@code pcm16}, {@code float32}, ...).
 */
public record SampledAudio(int sampleRate, int channels, String encoding, float[] samples) {
  public SampledAudio {
    Objects.requireNonNull(samples, "samples");
    if (sampleRate <= 0 || channels <= 0) {
      throw new IllegalArgumentException("invalid audio format: " + sampleRate + " Hz, " + channels + " channel(s)");
    }
  }

  /** The channels averaged into one. */
  public float[] mono() {
    if (channels == 1) {
      return samples.clone();
    }
    float[] mono = new float[samples.length / channels];
    for (int frame = 0; frame < mono.length; frame++) {
      float sum = 0;
      for (int channel = 0; channel < channels; channel++) {
        sum += samples[frame * channels + channel];
      }
      mono[frame] = sum / channels;
    }
    return mono;
  }
}
