package com.ervc.eval;

/**
 * Integrated loudness after ITU-R BS.1770-4 for one channel: K-weighting (a high shelf, then a high pass, with
 * the filter designed for the actual sample rate), mean square over 400 ms blocks with 75 % overlap, an absolute
 * gate at -70 LUFS and a relative gate 10 LU below the mean of the blocks that passed it.
 */
final class Loudness {
  static final double SILENT = Double.NEGATIVE_INFINITY;

  private Loudness() {
  }

  /** Integrated loudness in LUFS of samples scaled to [-1, 1]; negative infinity when every block is gated. */
  static double integrated(double[] x, int sampleRate) {
    double[] k = kWeight(x, sampleRate);
    int block = (int) Math.round(0.4 * sampleRate);
    int hop = block / 4;
    if (k.length < block) {
      return SILENT;
    }
    int blocks = (k.length - block) / hop + 1;
    double[] power = new double[blocks];
    for (int b = 0; b < blocks; b++) {
      double sum = 0;
      for (int i = b * hop; i < b * hop + block; i++) {
        sum += k[i] * k[i];
      }
      power[b] = sum / block;
    }
    double absolute = gatedMean(power, Math.pow(10, (-70 + 0.691) / 10));
    if (Double.isNaN(absolute)) {
      return SILENT;
    }
    double relative = absolute * Math.pow(10, -10.0 / 10);
    double gated = gatedMean(power, Math.max(relative, Math.pow(10, (-70 + 0.691) / 10)));
    return -0.691 + 10 * Math.log10(gated);
  }

  private static double gatedMean(double[] power, double threshold) {
    double sum = 0;
    int n = 0;
    for (double p : power) {
      if (p > threshold) {
        sum += p;
        n++;
      }
    }
    return n == 0 ? Double.NaN : sum / n;
  }

  /**
   * The two K-weighting stages, designed for {@code rate} from the analogue prototypes that reproduce the
   * standard's 48 kHz coefficients exactly (Brecht De Man's derivation, also used by libebur128-style meters).
   */
  private static double[] kWeight(double[] x, int rate) {
    double k = Math.tan(Math.PI * 1681.974450955533 / rate);
    double q = 0.7071752369554196;
    double vh = Math.pow(10, 3.999843853973347 / 20);
    double vb = Math.pow(vh, 0.4996667741545416);
    double a0 = 1 + k / q + k * k;
    double[] shelf = biquad(x, (vh + vb * k / q + k * k) / a0, 2 * (k * k - vh) / a0, (vh - vb * k / q + k * k) / a0,
        2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0);
    double kh = Math.tan(Math.PI * 38.13547087602444 / rate);
    double qh = 0.5003270373238773;
    double d = 1 + kh / qh + kh * kh;
    return biquad(shelf, 1, -2, 1, 2 * (kh * kh - 1) / d, (1 - kh / qh + kh * kh) / d);
  }

  /** Direct form I with a0 = 1. */
  private static double[] biquad(double[] x, double b0, double b1, double b2, double a1, double a2) {
    double[] y = new double[x.length];
    double x1 = 0;
    double x2 = 0;
    double y1 = 0;
    double y2 = 0;
    for (int i = 0; i < x.length; i++) {
      double out = b0 * x[i] + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2;
      x2 = x1;
      x1 = x[i];
      y2 = y1;
      y1 = out;
      y[i] = out;
    }
    return y;
  }
}
