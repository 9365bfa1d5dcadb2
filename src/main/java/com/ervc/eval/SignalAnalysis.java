package com.ervc.eval;

import com.ervc.audio.Loudness;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Heuristics on one synthesized clip that catch what a listener hears as broken: clipping, DC offset, long
 * silences, clicks (isolated sample-to-sample jumps), repeated audio, plus level, loudness and pitch for the
 * emotion comparison. The thresholds follow the artifact checks of Kokoro-FastAPI's validate_wav.py
 * (docs/evaluation.md names each one).
 */
public final class SignalAnalysis {
  /** A window below this level (dBFS) is silence. */
  static final double SILENCE_DBFS = -45;
  /** A full-scale sample counts as clipped from here (1 LSB below the 16-bit maximum). */
  static final double CLIP_LEVEL = 32766.0 / 32768;
  /** A jump is a click when it is this many times the mean jump around it... */
  static final double CLICK_FACTOR = 10;
  /** ...and at least this large (fraction of full scale). */
  static final double CLICK_MIN_JUMP = 0.1;
  /** Two 200 ms windows this correlated, one right after the other, are a repetition. */
  static final double REPEAT_CORRELATION = 0.92;

  private SignalAnalysis() {
  }

  /**
   * @param joins sample indices where the audio was joined (a new chunk or sentence starts), for {@code joinClicks}
   */
  public static SignalStats analyse(short[] pcm, int rate, List<Integer> joins) {
    if (rate <= 0) {
      throw new IllegalArgumentException("sample rate must be positive: " + rate);
    }
    double[] x = new double[pcm.length];
    double peak = 0;
    double sum = 0;
    double squares = 0;
    int clipped = 0;
    for (int i = 0; i < pcm.length; i++) {
      x[i] = pcm[i] / 32768.0;
      peak = Math.max(peak, Math.abs(x[i]));
      sum += x[i];
      squares += x[i] * x[i];
      if (Math.abs(x[i]) >= CLIP_LEVEL) {
        clipped++;
      }
    }
    int n = Math.max(1, pcm.length);
    double silenceRms = Math.pow(10, SILENCE_DBFS / 20);
    int window = Math.max(1, rate / 50);
    boolean[] silent = silentWindows(x, window, silenceRms);
    int silentCount = 0;
    int longest = 0;
    int run = 0;
    int firstSound = -1;
    int lastSound = -1;
    for (int w = 0; w < silent.length; w++) {
      if (silent[w]) {
        silentCount++;
        longest = Math.max(longest, ++run);
      } else {
        run = 0;
        lastSound = w;
        firstSound = firstSound < 0 ? w : firstSound;
      }
    }
    double speechSec = firstSound < 0 ? 0 : (lastSound - firstSound + 1) * (double) window / rate;
    List<Integer> clicks = clicks(x);
    int tolerance = Math.max(1, rate / 1000);
    List<Integer> joinClicks = clicks.stream()
        .filter(c -> joins.stream().anyMatch(j -> Math.abs(c - j) <= tolerance)).toList();
    double[] f0 = Pitch.track(x, rate, silenceRms);
    int speechFrames = (int) Math.max(1, Math.round(speechSec * 100));
    return new SignalStats(rate, pcm.length / (double) rate, speechSec, 20 * Math.log10(peak),
        10 * Math.log10(squares / n), Loudness.integratedLufs(x, rate), clipped / (double) n, sum / n,
        silent.length == 0 ? 0 : silentCount / (double) silent.length, longest * (double) window / rate,
        clicks, joinClicks, repeatedWindows(x, rate, silenceRms), mean(f0), std(f0), rangeSemitones(f0),
        Math.min(1, f0.length / (double) speechFrames));
  }

  private static boolean[] silentWindows(double[] x, int window, double silenceRms) {
    boolean[] silent = new boolean[x.length / window];
    for (int w = 0; w < silent.length; w++) {
      silent[w] = rms(x, w * window, window) < silenceRms;
    }
    return silent;
  }

  /** Jumps larger than CLICK_FACTOR times the mean jump over the surrounding 2 ms, merged within 1 ms. */
  static List<Integer> clicks(double[] x) {
    int radius = 48;
    double[] jump = new double[x.length];
    for (int i = 1; i < x.length; i++) {
      jump[i] = Math.abs(x[i] - x[i - 1]);
    }
    double[] prefix = new double[x.length + 1];
    for (int i = 0; i < x.length; i++) {
      prefix[i + 1] = prefix[i] + jump[i];
    }
    List<Integer> found = new ArrayList<>();
    for (int i = 1; i < x.length; i++) {
      if (jump[i] < CLICK_MIN_JUMP) {
        continue;
      }
      int from = Math.max(1, i - radius);
      int to = Math.min(x.length, i + radius + 1);
      double local = (prefix[to] - prefix[from] - jump[i]) / Math.max(1, to - from - 1);
      if (jump[i] > CLICK_FACTOR * local && (found.isEmpty() || i - found.get(found.size() - 1) > radius / 2)) {
        found.add(i);
      }
    }
    return found;
  }

  /** Adjacent 200 ms windows (both with sound) whose normalised correlation exceeds REPEAT_CORRELATION. */
  static int repeatedWindows(double[] x, int rate, double silenceRms) {
    int window = rate / 5;
    int count = 0;
    for (int start = 0; start + 2 * window <= x.length; start += window) {
      if (rms(x, start, window) < silenceRms || rms(x, start + window, window) < silenceRms) {
        continue;
      }
      double dot = 0;
      double a = 0;
      double b = 0;
      for (int i = 0; i < window; i++) {
        dot += x[start + i] * x[start + window + i];
        a += x[start + i] * x[start + i];
        b += x[start + window + i] * x[start + window + i];
      }
      if (dot / Math.sqrt(a * b) > REPEAT_CORRELATION) {
        count++;
      }
    }
    return count;
  }

  private static double rms(double[] x, int from, int length) {
    double s = 0;
    for (int i = from; i < from + length; i++) {
      s += x[i] * x[i];
    }
    return Math.sqrt(s / length);
  }

  static double mean(double[] v) {
    return v.length == 0 ? Double.NaN : Arrays.stream(v).average().orElseThrow();
  }

  static double std(double[] v) {
    if (v.length < 2) {
      return Double.NaN;
    }
    double m = mean(v);
    return Math.sqrt(Arrays.stream(v).map(d -> (d - m) * (d - m)).sum() / (v.length - 1));
  }

  /** The 5th to 95th percentile span of F0 in semitones, robust against a few wrong frames. */
  private static double rangeSemitones(double[] f0) {
    if (f0.length < 2) {
      return Double.NaN;
    }
    double[] sorted = f0.clone();
    Arrays.sort(sorted);
    double low = sorted[(int) Math.floor(0.05 * (sorted.length - 1))];
    double high = sorted[(int) Math.ceil(0.95 * (sorted.length - 1))];
    return 12 * Math.log(high / low) / Math.log(2);
  }
}
