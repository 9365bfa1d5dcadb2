package com.ervc.testing;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;

/** Generated test audio (float samples in [-1, 1]) and WAV files of any sample format holding it. */
public final class Signals {
  private Signals() {
  }

  public static float[] sine(double hz, double amplitude, double seconds, int rate) {
    float[] samples = new float[(int) Math.round(seconds * rate)];
    for (int i = 0; i < samples.length; i++) {
      samples[i] = (float) (amplitude * Math.sin(2 * Math.PI * hz * i / rate));
    }
    return samples;
  }

  /**
   * Speech-like sound: 200 ms "syllables" (a 150 Hz tone with harmonics under a smooth envelope) separated by 50 ms
   * pauses that hold only a faint noise floor.
   */
  public static float[] speechLike(double amplitude, double seconds, int rate) {
    Random random = new Random(7);
    float[] samples = new float[(int) Math.round(seconds * rate)];
    int syllable = rate / 5;
    int period = syllable + rate / 20;
    for (int i = 0; i < samples.length; i++) {
      int at = i % period;
      double floor = random.nextGaussian() * 1e-4;
      if (at < syllable) {
        double envelope = Math.sin(Math.PI * at / syllable);
        double t = 2 * Math.PI * 150 * i / rate;
        samples[i] = (float) (amplitude * envelope * (0.6 * Math.sin(t) + 0.3 * Math.sin(2 * t) + 0.1 * Math.sin(3 * t))
            + floor);
      } else {
        samples[i] = (float) floor;
      }
    }
    return samples;
  }

  public static float[] plus(float[] signal, float[] other) {
    float[] sum = new float[signal.length];
    for (int i = 0; i < sum.length; i++) {
      sum[i] = signal[i] + (i < other.length ? other[i] : 0);
    }
    return sum;
  }

  public static float[] noise(double rms, int length, long seed) {
    Random random = new Random(seed);
    float[] samples = new float[length];
    for (int i = 0; i < length; i++) {
      samples[i] = (float) (random.nextGaussian() * rms);
    }
    return samples;
  }

  public static float[] concat(float[]... parts) {
    int length = 0;
    for (float[] part : parts) {
      length += part.length;
    }
    float[] all = new float[length];
    int at = 0;
    for (float[] part : parts) {
      System.arraycopy(part, 0, all, at, part.length);
      at += part.length;
    }
    return all;
  }

  /**
   * A WAV file of {@code samples} (interleaved when {@code channels > 1}): {@code formatTag} 1 (PCM, 8/16/24/32
   * bits) or 3 (float, 32/64 bits); {@code extensible} wraps the tag in WAVE_FORMAT_EXTENSIBLE.
   */
  public static byte[] wav(float[] samples, int rate, int channels, int formatTag, int bits, boolean extensible) {
    int bytes = bits / 8;
    int fmtSize = extensible ? 40 : 16;
    ByteBuffer out = ByteBuffer.allocate(12 + 8 + fmtSize + 8 + samples.length * bytes).order(ByteOrder.LITTLE_ENDIAN);
    out.put("RIFF".getBytes()).putInt(out.capacity() - 8).put("WAVE".getBytes());
    out.put("fmt ".getBytes()).putInt(fmtSize).putShort((short) (extensible ? 0xFFFE : formatTag))
        .putShort((short) channels).putInt(rate).putInt(rate * channels * bytes).putShort((short) (channels * bytes))
        .putShort((short) bits);
    if (extensible) {
      out.putShort((short) 22).putShort((short) bits).putInt(0).putInt(formatTag)
          .put(new byte[] {0, 0, 0x10, 0, (byte) 0x80, 0, 0, (byte) 0xAA, 0, 0x38, (byte) 0x9B, 0x71});
    }
    out.put("data".getBytes()).putInt(samples.length * bytes);
    for (float sample : samples) {
      double clipped = Math.max(-1, Math.min(1, sample));
      if (formatTag == 3) {
        if (bits == 32) {
          out.putFloat(sample);
        } else {
          out.putDouble(sample);
        }
        continue;
      }
      switch (bits) {
        case 8 -> out.put((byte) (Math.round(clipped * 127) + 128));
        case 16 -> out.putShort((short) Math.round(clipped * 32767));
        case 24 -> {
          int value = (int) Math.round(clipped * 8388607);
          out.put((byte) value).put((byte) (value >> 8)).put((byte) (value >> 16));
        }
        default -> out.putInt((int) Math.round(clipped * 2147483647.0));
      }
    }
    return out.array();
  }

  /** A mono 16-bit PCM WAV file. */
  public static byte[] wav16(float[] samples, int rate) {
    return wav(samples, rate, 1, 1, 16, false);
  }
}
