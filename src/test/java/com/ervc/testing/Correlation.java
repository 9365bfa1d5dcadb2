package com.ervc.testing;

/** How much a decoded signal is the one that was sent: encoders delay and reshape audio, but keep its waveform. */
public final class Correlation {
  private Correlation() {
  }

  /**
   * The highest normalised cross-correlation (-1 to 1) of {@code decoded}, delayed by 0 to {@code maxLag} samples,
   * with {@code sent}; -1 when either is silent.
   */
  public static double best(short[] sent, short[] decoded, int maxLag) {
    double best = -1;
    for (int lag = 0; lag <= maxLag; lag++) {
      double dot = 0;
      double a = 0;
      double b = 0;
      for (int i = 0; i < sent.length && i + lag < decoded.length; i++) {
        dot += (double) sent[i] * decoded[i + lag];
        a += (double) sent[i] * sent[i];
        b += (double) decoded[i + lag] * decoded[i + lag];
      }
      if (a > 0 && b > 0) {
        best = Math.max(best, dot / Math.sqrt(a * b));
      }
    }
    return best;
  }
}
