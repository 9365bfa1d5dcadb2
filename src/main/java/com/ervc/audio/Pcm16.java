package com.ervc.audio;

import java.util.Objects;

/** Conversions and arithmetic on signed 16-bit PCM samples. */
public final class Pcm16 {

  private Pcm16() {}

  /** Decodes little-endian sample pairs; an odd trailing byte is ignored because it is half a sample. */
  public static short[] fromLittleEndian(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    short[] samples = new short[bytes.length / 2];
    for (int i = 0; i < samples.length; i++) {
      samples[i] = (short) ((bytes[2 * i] & 0xFF) | (bytes[2 * i + 1] << 8));
    }
    return samples;
  }

  public static byte[] toLittleEndian(short[] samples) {
    Objects.requireNonNull(samples, "samples");
    byte[] bytes = new byte[samples.length * 2];
    for (int i = 0; i < samples.length; i++) {
      bytes[2 * i] = (byte) samples[i];
      bytes[2 * i + 1] = (byte) (samples[i] >> 8);
    }
    return bytes;
  }

  /** Network byte order, as RFC 2586 requires for audio/L16. */
  public static byte[] toBigEndian(short[] samples) {
    Objects.requireNonNull(samples, "samples");
    byte[] bytes = new byte[samples.length * 2];
    for (int i = 0; i < samples.length; i++) {
      bytes[2 * i] = (byte) (samples[i] >> 8);
      bytes[2 * i + 1] = (byte) samples[i];
    }
    return bytes;
  }

  /** Float samples in [-1, 1] (as neural models output them) to 16-bit, clipped. */
  public static short[] fromFloat(float[] samples) {
    short[] out = new short[samples.length];
    for (int i = 0; i < samples.length; i++) {
      out[i] = clip(Math.round(samples[i] * 32767.0));
    }
    return out;
  }

  /** Returns a new array with every sample multiplied by {@code gain}, rounded and clipped. */
  public static short[] scale(short[] samples, double gain) {
    Objects.requireNonNull(samples, "samples");
    short[] scaled = new short[samples.length];
    for (int i = 0; i < samples.length; i++) {
      scaled[i] = clip(Math.round(samples[i] * gain));
    }
    return scaled;
  }

  public static double durationMs(int samples, int sampleRate) {
    if (sampleRate <= 0) {
      throw new IllegalArgumentException("sampleRate must be positive: " + sampleRate);
    }
    return samples * 1000.0 / sampleRate;
  }

  /** Saturates instead of wrapping, because wrap-around turns a loud peak into a full-scale click. */
  static short clip(long value) {
    if (value > Short.MAX_VALUE) {
      return Short.MAX_VALUE;
    }
    if (value < Short.MIN_VALUE) {
      return Short.MIN_VALUE;
    }
    return (short) value;
  }
}
