package com.ervc.audio;

/**
 * Integrated loudness of mono audio after ITU-R BS.1770-4: K-weighting (a high shelf and a high pass), mean square
 * over 400 ms blocks overlapping by 75 %, an absolute gate at -70 LUFS and a relative gate 10 LU below the mean of
 * the blocks that pass it. The filter coefficients are derived for any sample rate from the analog prototype of the
 * standard's 48 kHz filters (the method libebur128 uses), so a 1 kHz sine at full scale reads -3.01 LUFS at every
 * rate.
 */
public final class Loudness {
  /** What audio shorter than one 400 ms block, or quieter than the absolute gate throughout, reads as. */
  public static final double SILENT_LUFS = -70.0;
  private static final double ABSOLUTE_GATE = -70.0;
  private static final double RELATIVE_GATE = -10.0;

  private Loudness() {
  }

  public static double integratedLufs(float[] mono, int sampleRate) {
    double[] samples = new double[mono.length];
    for (int i = 0; i < mono.length; i++) {
      samples[i] = mono[i];
    }
    return integratedLufs(samples, sampleRate);
  }

  /** The same for samples in [-1, 1] as doubles; {@code mono} is not changed. */
  public static double integratedLufs(double[] mono, int sampleRate) {
    double[] weighted = kWeighted(mono.clone(), sampleRate);
    int block = (int) Math.round(0.4 * sampleRate);
    int step = block / 4;
    if (weighted.length < block) {
      return SILENT_LUFS;
    }
    double[] prefix = new double[weighted.length + 1];
    for (int i = 0; i < weighted.length; i++) {
      prefix[i + 1] = prefix[i] + weighted[i] * weighted[i];
    }
    int blocks = (weighted.length - block) / step + 1;
    double[] power = new double[blocks];
    for (int b = 0; b < blocks; b++) {
      power[b] = (prefix[b * step + block] - prefix[b * step]) / block;
    }
    double absoluteMean = gatedMean(power, ABSOLUTE_GATE);
    if (Double.isNaN(absoluteMean)) {
      return SILENT_LUFS;
    }
    double gated = gatedMean(power, lufs(absoluteMean) + RELATIVE_GATE);
    return Math.max(SILENT_LUFS, lufs(gated));
  }

  private static double gatedMean(double[] power, double gateLufs) {
    double sum = 0;
    int count = 0;
    for (double p : power) {
      if (lufs(p) > gateLufs) {
        sum += p;
        count++;
      }
    }
    return count == 0 ? Double.NaN : sum / count;
  }

  private static double lufs(double meanSquare) {
    return -0.691 + 10 * Math.log10(meanSquare);
  }

  /** Filters {@code out} in place and returns it. */
  private static double[] kWeighted(double[] out, int rate) {
    // Stage 1: high shelf, about +4 dB above 1.5 kHz (the head's acoustic effect).
    double f0 = 1681.974450955533;
    double gain = 3.999843853973347;
    double q = 0.7071752369554196;
    double k = Math.tan(Math.PI * f0 / rate);
    double vh = Math.pow(10, gain / 20);
    double vb = Math.pow(vh, 0.4996667741545416);
    double a0 = 1 + k / q + k * k;
    double[] shelfB = {(vh + vb * k / q + k * k) / a0, 2 * (k * k - vh) / a0, (vh - vb * k / q + k * k) / a0};
    double[] shelfA = {2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0};
    // Stage 2: the RLB high pass at about 38 Hz.
    f0 = 38.13547087602444;
    q = 0.5003270373238773;
    k = Math.tan(Math.PI * f0 / rate);
    a0 = 1 + k / q + k * k;
    double[] passB = {1, -2, 1};
    double[] passA = {2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0};
    biquad(out, shelfB, shelfA);
    biquad(out, passB, passA);
    return out;
  }

  /** Filters {@code signal} in place (direct form I). */
  private static void biquad(double[] signal, double[] b, double[] a) {
    double x1 = 0;
    double x2 = 0;
    double y1 = 0;
    double y2 = 0;
    for (int i = 0; i < signal.length; i++) {
      double x = signal[i];
      double y = b[0] * x + b[1] * x1 + b[2] * x2 - a[0] * y1 - a[1] * y2;
      x2 = x1;
      x1 = x;
      y2 = y1;
      y1 = y;
      signal[i] = y;
    }
  }
}
