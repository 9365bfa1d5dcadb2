package com.ervc.eval;

import java.util.Random;

/** Synthetic test audio with known properties. */
final class Signals {
  static final int RATE = 24_000;

  private Signals() {
  }

  /** A sine of {@code hz} at {@code amplitude} (fraction of full scale) for {@code seconds}. */
  static short[] tone(double hz, double amplitude, double seconds) {
    short[] out = new short[(int) (seconds * RATE)];
    for (int i = 0; i < out.length; i++) {
      out[i] = (short) Math.round(amplitude * 32767 * Math.sin(2 * Math.PI * hz * i / RATE));
    }
    return out;
  }

  static short[] noise(double rms, double seconds, long seed) {
    Random random = new Random(seed);
    short[] out = new short[(int) (seconds * RATE)];
    for (int i = 0; i < out.length; i++) {
      out[i] = (short) Math.max(-32768, Math.min(32767, Math.round(random.nextGaussian() * rms * 32768)));
    }
    return out;
  }

  static short[] concat(short[]... parts) {
    int n = 0;
    for (short[] p : parts) {
      n += p.length;
    }
    short[] out = new short[n];
    int at = 0;
    for (short[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }
}
