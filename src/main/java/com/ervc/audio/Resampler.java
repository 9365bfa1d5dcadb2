package com.ervc.audio;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Band-limited sample-rate conversion of mono 16-bit PCM by rational polyphase filtering with a
 * Kaiser-windowed sinc.
 *
 * <p>Converting by L/M (reduced by the rates' gcd), output sample n sits at input position n*M/L;
 * its integer part picks the input window and its remainder (n*M mod L) picks one of L filter
 * phases. The cutoff is just under the lower of the two Nyquist frequencies so that downsampling
 * does not alias and upsampling does not image.
 */
public final class Resampler {

  private static final double KAISER_BETA = 8.0;
  private static final int ZERO_CROSSINGS = 16;
  /** Leaves room for the transition band below Nyquist. */
  private static final double CUTOFF_FRACTION = 0.95;
  /** Above this a phase table costs more to build than it saves; phases are computed per sample. */
  private static final int MAX_PHASES_PER_TABLE = 8192;
  /** Bounds the cache memory (each phase holds a few dozen to a few hundred doubles). */
  private static final int MAX_CACHED_PHASES = 65536;

  private static final Map<Long, double[]> PHASE_TABLES = new ConcurrentHashMap<>();
  private static final AtomicInteger CACHED_PHASES = new AtomicInteger();

  private Resampler() {}

  /**
   * Returns {@code floor(input.length * toRate / fromRate)} samples of {@code input} resampled from
   * {@code fromRate} to {@code toRate}; samples outside the input are taken as silence.
   */
  public static short[] resample(short[] input, int fromRate, int toRate) {
    Objects.requireNonNull(input, "input");
    if (fromRate <= 0 || toRate <= 0) {
      throw new IllegalArgumentException(
          "sample rates must be positive: from " + fromRate + " to " + toRate);
    }
    if (fromRate == toRate) {
      return input.clone();
    }
    int outputLength = (int) ((long) input.length * toRate / fromRate);
    short[] output = new short[outputLength];
    if (outputLength == 0) {
      return output;
    }

    int divisor = gcd(fromRate, toRate);
    FilterDesign design = new FilterDesign(toRate / divisor, fromRate / divisor);
    int taps = design.taps();
    double[] table = design.phases <= MAX_PHASES_PER_TABLE ? phaseTable(design) : null;
    double[] scratch = table == null ? new double[taps] : null;

    // Zero padding on both sides keeps bounds checks out of the inner loop.
    double[] padded = new double[input.length + taps];
    for (int i = 0; i < input.length; i++) {
      padded[design.halfTaps + i] = input[i];
    }

    int wholeStep = design.step / design.phases;
    int phaseStep = design.step % design.phases;
    int position = 0;
    int phase = 0;
    for (int n = 0; n < outputLength; n++) {
      double[] coefficients;
      int base;
      if (table != null) {
        coefficients = table;
        base = phase * taps;
      } else {
        design.fillPhase(phase, scratch, 0);
        coefficients = scratch;
        base = 0;
      }
      // Tap k weights input sample (position - halfTaps + 1 + k), stored at padded[position + 1 + k].
      double sum = 0;
      int start = position + 1;
      for (int k = 0; k < taps; k++) {
        sum += padded[start + k] * coefficients[base + k];
      }
      output[n] = Pcm16.clip(Math.round(sum));

      position += wholeStep;
      phase += phaseStep;
      if (phase >= design.phases) {
        phase -= design.phases;
        position++;
      }
    }
    return output;
  }

  /** Keyed by the reduced ratio, so e.g. 22050->24000 and 44100->48000 share one table. */
  private static double[] phaseTable(FilterDesign design) {
    long key = ((long) design.phases << 32) | design.step;
    double[] cached = PHASE_TABLES.get(key);
    if (cached != null) {
      return cached;
    }
    double[] table = new double[design.phases * design.taps()];
    for (int phase = 0; phase < design.phases; phase++) {
      design.fillPhase(phase, table, phase * design.taps());
    }
    if (CACHED_PHASES.addAndGet(design.phases) > MAX_CACHED_PHASES) {
      CACHED_PHASES.addAndGet(-design.phases);
      return table;
    }
    double[] raced = PHASE_TABLES.putIfAbsent(key, table);
    if (raced != null) {
      CACHED_PHASES.addAndGet(-design.phases);
      return raced;
    }
    return table;
  }

  /**
   * How many input samples on each side of an output sample's position its filter window reads: a streaming
   * caller that keeps this much context reproduces {@link #resample} exactly.
   */
  static int windowHalfWidth(int fromRate, int toRate) {
    int divisor = gcd(fromRate, toRate);
    return new FilterDesign(toRate / divisor, fromRate / divisor).halfTaps;
  }

  static int gcd(int a, int b) {
    while (b != 0) {
      int remainder = a % b;
      a = b;
      b = remainder;
    }
    return a;
  }

  /** The prototype low-pass filter for converting by phases/step (L/M). */
  private static final class FilterDesign {
    private static final double BESSEL_I0_OF_BETA = besselI0(KAISER_BETA);

    final int phases;
    final int step;
    /** Cutoff relative to the input Nyquist; also the sinc's time scale in input samples. */
    final double bandwidth;
    /** Window half-width in input samples: ZERO_CROSSINGS zero crossings of the (widened) sinc. */
    final double halfWidth;
    final int halfTaps;

    FilterDesign(int phases, int step) {
      this.phases = phases;
      this.step = step;
      this.bandwidth = CUTOFF_FRACTION * Math.min(1.0, (double) phases / step);
      this.halfWidth = ZERO_CROSSINGS / bandwidth;
      this.halfTaps = (int) Math.ceil(halfWidth);
    }

    int taps() {
      return 2 * halfTaps;
    }

    /**
     * Writes the coefficients for the given phase. Each phase is normalised to unit sum so that
     * every output sample has exactly unity gain at DC, which avoids a faint tone at the phase
     * cycle rate.
     */
    void fillPhase(int phase, double[] destination, int offset) {
      double fraction = (double) phase / phases;
      double sum = 0;
      for (int k = 0; k < taps(); k++) {
        double distance = fraction + halfTaps - 1 - k;
        double value = bandwidth * sinc(bandwidth * distance) * kaiser(distance / halfWidth);
        destination[offset + k] = value;
        sum += value;
      }
      for (int k = 0; k < taps(); k++) {
        destination[offset + k] /= sum;
      }
    }

    private static double sinc(double x) {
      if (x == 0) {
        return 1;
      }
      double angle = Math.PI * x;
      return Math.sin(angle) / angle;
    }

    private static double kaiser(double relativePosition) {
      double squared = relativePosition * relativePosition;
      if (squared >= 1) {
        return 0;
      }
      return besselI0(KAISER_BETA * Math.sqrt(1 - squared)) / BESSEL_I0_OF_BETA;
    }

    /** Modified Bessel function of the first kind, order 0, by its power series. */
    private static double besselI0(double x) {
      double halfX = x / 2;
      double term = 1;
      double sum = 1;
      for (int k = 1; term > 1e-12 * sum; k++) {
        double factor = halfX / k;
        term *= factor * factor;
        sum += term;
      }
      return sum;
    }
  }
}
