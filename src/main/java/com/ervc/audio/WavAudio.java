package com.ervc.audio;

import java.util.Objects;

/**
 * Decoded WAV contents. {@code pcm} holds interleaved little-endian samples exactly as stored in the
 * file; it is not copied, so treat it as read-only. Being an array, it makes {@code equals} compare
 * by identity.
 */
public record WavAudio(int sampleRate, int channels, int bitsPerSample, byte[] pcm) {

  public WavAudio {
    Objects.requireNonNull(pcm, "pcm");
    if (sampleRate <= 0 || channels <= 0 || bitsPerSample <= 0 || bitsPerSample % 8 != 0) {
      throw new IllegalArgumentException("invalid WAV audio format: " + sampleRate + " Hz, "
          + channels + " channel(s), " + bitsPerSample + " bits per sample");
    }
  }

  /** Number of sample frames (one sample per channel each). */
  public int frameCount() {
    return pcm.length / (channels * bitsPerSample / 8);
  }
}
