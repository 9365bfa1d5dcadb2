package com.ervc.eval;

import java.util.ArrayList;
import java.util.List;

/**
 * Fundamental frequency (F0) per 40 ms frame every 10 ms, by normalised autocorrelation between 60 and 500 Hz.
 * A frame counts as voiced when it is not silent and its best normalised correlation reaches 0.6; the first lag
 * within 90 % of the best one is taken, which avoids reporting half the pitch (an octave error) for periodic
 * voices. Good enough to compare one voice's emotions with each other, not a reference pitch tracker.
 */
final class Pitch {
  static final double MIN_HZ = 60;
  static final double MAX_HZ = 500;
  private static final double VOICED = 0.6;

  private Pitch() {
  }

  /** The F0 in Hz of every voiced frame, in time order; empty when nothing is voiced. */
  static double[] track(double[] x, int rate, double silenceRms) {
    int frame = (int) (0.04 * rate);
    int hop = (int) (0.01 * rate);
    int minLag = (int) Math.floor(rate / MAX_HZ);
    int maxLag = Math.min(frame - 1, (int) Math.ceil(rate / MIN_HZ));
    List<Double> f0 = new ArrayList<>();
    double[] corr = new double[maxLag + 1];
    for (int start = 0; start + frame + maxLag <= x.length; start += hop) {
      double energy = 0;
      for (int i = start; i < start + frame; i++) {
        energy += x[i] * x[i];
      }
      if (Math.sqrt(energy / frame) < silenceRms) {
        continue;
      }
      double best = 0;
      for (int lag = minLag; lag <= maxLag; lag++) {
        double dot = 0;
        double shifted = 0;
        for (int i = start; i < start + frame; i++) {
          dot += x[i] * x[i + lag];
          shifted += x[i + lag] * x[i + lag];
        }
        corr[lag] = dot / Math.sqrt(energy * shifted + 1e-12);
        best = Math.max(best, corr[lag]);
      }
      if (best < VOICED) {
        continue;
      }
      for (int lag = minLag; lag <= maxLag; lag++) {
        if (corr[lag] >= 0.9 * best && isPeak(corr, lag, minLag, maxLag)) {
          f0.add(rate / refine(corr, lag, minLag, maxLag));
          break;
        }
      }
    }
    return f0.stream().mapToDouble(Double::doubleValue).toArray();
  }

  private static boolean isPeak(double[] c, int lag, int min, int max) {
    return (lag == min || c[lag] >= c[lag - 1]) && (lag == max || c[lag] >= c[lag + 1]);
  }

  /** Parabolic interpolation of the peak for a sub-sample lag. */
  private static double refine(double[] c, int lag, int min, int max) {
    if (lag == min || lag == max) {
      return lag;
    }
    double denominator = c[lag - 1] - 2 * c[lag] + c[lag + 1];
    return denominator == 0 ? lag : lag + 0.5 * (c[lag - 1] - c[lag + 1]) / denominator;
  }
}
