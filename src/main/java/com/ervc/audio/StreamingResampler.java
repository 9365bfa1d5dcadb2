package com.ervc.audio;

import java.util.Arrays;

/**
 * {@link Resampler} for audio that arrives in pieces: each {@link #push} returns the output samples whose filter
 * window is complete, {@link #finish} the rest. The concatenated output equals {@code Resampler.resample} of the
 * whole input, because every output sample is computed from a segment that starts on the output grid (a multiple
 * of the reduced step) with the full window of context around it.
 */
public final class StreamingResampler {
  private final int fromRate;
  private final int toRate;
  private final int phases;
  private final int step;
  private final int halfWidth;
  /** Input kept from {@code keptFrom} (an input index) on; older samples no window needs any more. */
  private short[] kept = new short[0];
  private long keptFrom;
  private long received;
  private long emitted;

  public StreamingResampler(int fromRate, int toRate) {
    if (fromRate <= 0 || toRate <= 0) {
      throw new IllegalArgumentException("sample rates must be positive: from " + fromRate + " to " + toRate);
    }
    this.fromRate = fromRate;
    this.toRate = toRate;
    int divisor = Resampler.gcd(fromRate, toRate);
    this.phases = toRate / divisor;
    this.step = fromRate / divisor;
    this.halfWidth = Resampler.windowHalfWidth(fromRate, toRate);
  }

  /** Adds input; returns the output that is now final (possibly none). */
  public short[] push(short[] input) {
    short[] grown = Arrays.copyOf(kept, kept.length + input.length);
    System.arraycopy(input, 0, grown, kept.length, input.length);
    kept = grown;
    received += input.length;
    // Output n is final once input up to floor(n*step/phases) + halfWidth has arrived.
    long available = received - halfWidth;
    long ready = available <= 0 ? 0 : Math.min(ceilDiv(available * phases, step), received * phases / step);
    return emitUpTo(ready);
  }

  /** Ends the input (silence after it, as in the whole-array resampler); returns the remaining output. */
  public short[] finish() {
    return emitUpTo(received * phases / step);
  }

  private short[] emitUpTo(long count) {
    if (count <= emitted) {
      return new short[0];
    }
    if (fromRate == toRate) {
      short[] out = Arrays.copyOfRange(kept, (int) (emitted - keptFrom), (int) (count - keptFrom));
      emitted = count;
      trimTo(emitted);
      return out;
    }
    long segmentStart = segmentStartFor(emitted);
    short[] segment = Arrays.copyOfRange(kept, (int) (segmentStart - keptFrom), kept.length);
    short[] resampled = Resampler.resample(segment, fromRate, toRate);
    long firstIndex = segmentStart / step * phases;
    short[] out = Arrays.copyOfRange(resampled, (int) (emitted - firstIndex), (int) (count - firstIndex));
    emitted = count;
    trimTo(segmentStartFor(emitted));
    return out;
  }

  /** The latest input index on the output grid whose segment still holds the whole window of output {@code n}. */
  private long segmentStartFor(long n) {
    long position = n * step / phases;
    long start = Math.max(0, position - halfWidth);
    return start / step * step;
  }

  private void trimTo(long inputIndex) {
    long from = Math.max(keptFrom, Math.min(inputIndex, received));
    kept = Arrays.copyOfRange(kept, (int) (from - keptFrom), kept.length);
    keptFrom = from;
  }

  private static long ceilDiv(long a, long b) {
    return (a + b - 1) / b;
  }
}
