package com.ervc.bench;

import com.ervc.audio.AudioFileDecoder;
import com.ervc.audio.Loudness;
import com.ervc.profile.ClipIntake;
import com.ervc.testing.Signals;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Analysis time per second of reference audio: the whole quality gate (decode, mono, resample to 24 kHz, trim,
 * measure, check, normalise, encode) next to BS.1770 loudness alone, for clip lengths and rates uploads bring.
 * Run with scripts/bench-cloning.sh [rounds].
 */
public final class ReferenceAnalysisBenchmark {
  private ReferenceAnalysisBenchmark() {
  }

  public static void main(String[] args) {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    ClipIntake intake = new ClipIntake(new AudioFileDecoder("ffmpeg"), 64L << 20, 1);
    System.out.printf(Locale.ROOT, "%-10s %-8s %22s %22s%n", "clip", "rate", "gate ms per audio s", "loudness ms per s");
    for (int rate : new int[] {16000, 44100, 48000}) {
      for (int seconds : new int[] {5, 30, 90}) {
        float[] speech = Signals.speechLike(0.3, seconds, rate);
        byte[] wav = Signals.wav16(speech, rate);
        double[] gate = new double[rounds];
        double[] loudness = new double[rounds];
        for (int round = 0; round < rounds; round++) {
          long start = System.nanoTime();
          intake.prepare(List.of(wav), "elevenlabs");
          gate[round] = (System.nanoTime() - start) / 1e6 / seconds;
          start = System.nanoTime();
          Loudness.integratedLufs(speech, rate);
          loudness[round] = (System.nanoTime() - start) / 1e6 / seconds;
        }
        System.out.printf(Locale.ROOT, "%-10s %-8d %22.2f %22.2f%n", seconds + " s", rate, median(gate),
            median(loudness));
      }
    }
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
