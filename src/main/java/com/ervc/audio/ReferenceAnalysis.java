package com.ervc.audio;

import java.util.Arrays;

/**
 * What a reference recording for a voice profile is made of, and the recording prepared for storage: mixed to mono,
 * DC removed, resampled to {@link #RATE}, silence trimmed at both ends, and loudness-normalised to
 * {@link #TARGET_LUFS} (less where that would push the peak above {@link #PEAK_CEILING}).
 *
 * <p>Measured on the original mono signal: {@code clippingRatio} (samples at full scale), {@code dcOffset} (mean)
 * and, with that offset removed, {@code snrDb} (the mean power of the louder half of 20 ms frames over that of the quietest tenth, which holds
 * the pauses; it needs those pauses, so it runs before trimming). Measured on the trimmed signal: duration, peak,
 * RMS, {@code silenceRatio} (20 ms frames below {@link #SILENCE_RMS}) and integrated loudness (BS.1770).
 */
public record ReferenceAnalysis(int originalSampleRate, int originalChannels, String encoding, long durationMs,
                                double peak, double rms, double clippingRatio, double silenceRatio, double dcOffset,
                                double snrDb, double loudnessLufs, short[] normalized) {
  public static final int RATE = 24_000;
  public static final double TARGET_LUFS = -20.0;
  /** -1 dBFS. */
  public static final double PEAK_CEILING = 0.891;
  /** -40 dBFS: a frame quieter than this is silence. */
  public static final double SILENCE_RMS = 0.01;
  static final double CLIP_LEVEL = 0.999;
  /** What a recording without any quiet frame reports: its noise cannot be told apart, call it clean. */
  static final double SNR_CEILING_DB = 100.0;
  private static final double FRAME_SECONDS = 0.02;

  public static ReferenceAnalysis of(SampledAudio audio) {
    float[] mono = audio.mono();
    double dc = mean(mono);
    double clipping = mono.length == 0 ? 0 : count(mono, CLIP_LEVEL) / (double) mono.length;
    float[] centred = new float[mono.length];
    for (int i = 0; i < mono.length; i++) {
      centred[i] = (float) (mono[i] - dc);
    }
    // Without the offset, which would otherwise count as noise in the pauses.
    double snr = snrDb(framePowers(centred, audio.sampleRate()));
    short[] resampled = Resampler.resample(Pcm16.fromFloat(centred), audio.sampleRate(), RATE);
    float[] at24k = new float[resampled.length];
    for (int i = 0; i < resampled.length; i++) {
      at24k[i] = resampled[i] / 32768f;
    }
    float[] trimmed = trimSilence(at24k);
    double[] powers = framePowers(trimmed, RATE);
    double silent = Arrays.stream(powers).filter(p -> Math.sqrt(p) < SILENCE_RMS).count();
    double peak = 0;
    double sumSquares = 0;
    for (float sample : trimmed) {
      peak = Math.max(peak, Math.abs(sample));
      sumSquares += (double) sample * sample;
    }
    double rms = trimmed.length == 0 ? 0 : Math.sqrt(sumSquares / trimmed.length);
    double loudness = Loudness.integratedLufs(trimmed, RATE);
    double gain = loudness <= Loudness.SILENT_LUFS ? 1 : Math.pow(10, (TARGET_LUFS - loudness) / 20);
    if (peak * gain > PEAK_CEILING) {
      gain = PEAK_CEILING / peak;
    }
    float[] normalized = new float[trimmed.length];
    for (int i = 0; i < trimmed.length; i++) {
      normalized[i] = (float) (trimmed[i] * gain);
    }
    return new ReferenceAnalysis(audio.sampleRate(), audio.channels(), audio.encoding(),
        Math.round(trimmed.length * 1000.0 / RATE), peak, rms, clipping,
        powers.length == 0 ? 1 : silent / powers.length, dc, snr, loudness, Pcm16.fromFloat(normalized));
  }

  private static double mean(float[] samples) {
    double sum = 0;
    for (float sample : samples) {
      sum += sample;
    }
    return samples.length == 0 ? 0 : sum / samples.length;
  }

  private static long count(float[] samples, double level) {
    long count = 0;
    for (float sample : samples) {
      if (Math.abs(sample) >= level) {
        count++;
      }
    }
    return count;
  }

  /** Mean square of each whole 20 ms frame. */
  private static double[] framePowers(float[] samples, int rate) {
    int frame = Math.max(1, (int) Math.round(rate * FRAME_SECONDS));
    double[] powers = new double[samples.length / frame];
    for (int f = 0; f < powers.length; f++) {
      double sum = 0;
      for (int i = f * frame; i < (f + 1) * frame; i++) {
        sum += (double) samples[i] * samples[i];
      }
      powers[f] = sum / frame;
    }
    return powers;
  }

  private static double snrDb(double[] powers) {
    if (powers.length == 0) {
      return 0;
    }
    double[] sorted = powers.clone();
    Arrays.sort(sorted);
    int quiet = Math.max(1, sorted.length / 10);
    double noise = Arrays.stream(sorted, 0, quiet).average().orElse(0);
    double signal = Arrays.stream(sorted, sorted.length / 2, sorted.length).average().orElse(0);
    if (signal <= 0) {
      return 0;
    }
    return noise <= 0 ? SNR_CEILING_DB : Math.min(SNR_CEILING_DB, 10 * Math.log10(signal / noise));
  }

  /** Drops the 20 ms frames below {@link #SILENCE_RMS} at both ends. */
  private static float[] trimSilence(float[] samples) {
    double[] powers = framePowers(samples, RATE);
    int frame = (int) Math.round(RATE * FRAME_SECONDS);
    int first = 0;
    while (first < powers.length && Math.sqrt(powers[first]) < SILENCE_RMS) {
      first++;
    }
    int last = powers.length - 1;
    while (last >= first && Math.sqrt(powers[last]) < SILENCE_RMS) {
      last--;
    }
    if (first > last) {
      return new float[0];
    }
    int end = last == powers.length - 1 ? samples.length : (last + 1) * frame;
    return Arrays.copyOfRange(samples, first * frame, end);
  }
}
