package com.ervc.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ResamplerTest {

  private static final double AMPLITUDE = 10000;

  @ParameterizedTest(name = "{0} Hz -> {1} Hz")
  @CsvSource({
    "22050, 24000",
    "24000, 16000",
    "48000, 24000",
    "16000, 24000",
    "44100, 24000",
    "24000, 8000",
    // Coprime rates need more phases than are tabulated, exercising the per-sample filter path.
    "22050, 24001"
  })
  void toneKeepsFrequencyAndAmplitude(int fromRate, int toRate) {
    short[] input = sine(440, fromRate, fromRate);

    short[] output = Resampler.resample(input, fromRate, toRate);

    assertEquals((long) input.length * toRate / fromRate, output.length);
    assertEquals(440, frequency(output, toRate), 440 * 0.01);
    double expectedRms = AMPLITUDE / Math.sqrt(2);
    assertEquals(expectedRms, interiorRms(output), expectedRms * 0.03);
  }

  @Test
  void outputLengthIsFlooredRatio() {
    assertEquals(1088, Resampler.resample(new short[1000], 22050, 24000).length);
    assertEquals(333, Resampler.resample(new short[1000], 48000, 16000).length);
  }

  @Test
  void downsamplingRemovesToneAboveNewNyquist() {
    short[] input = sine(12000, 48000, 48000);

    short[] output = Resampler.resample(input, 48000, 16000);

    assertTrue(interiorRms(output) < 0.05 * interiorRms(input),
        "aliased tone RMS " + interiorRms(output) + " vs input " + interiorRms(input));
  }

  @Test
  void sameRateReturnsEqualCopy() {
    short[] input = sine(440, 24000, 1000);

    short[] output = Resampler.resample(input, 24000, 24000);

    assertArrayEquals(input, output);
    assertNotSame(input, output);
  }

  @Test
  void emptyInputGivesEmptyOutput() {
    assertEquals(0, Resampler.resample(new short[0], 22050, 24000).length);
  }

  @Test
  void fullScaleInputIsClippedNotWrapped() {
    short[] square = new short[2000];
    for (int i = 0; i < square.length; i++) {
      square[i] = (i / 50) % 2 == 0 ? Short.MAX_VALUE : Short.MIN_VALUE;
    }

    short[] output = Resampler.resample(square, 16000, 24000);

    // Gibbs overshoot would wrap to the opposite sign without clipping; check each half-period.
    for (int i = 100; i < output.length - 100; i++) {
      int inputIndex = (int) ((long) i * 16000 / 24000);
      if (inputIndex % 50 > 5 && inputIndex % 50 < 45) {
        assertEquals(Integer.signum(square[inputIndex]), Integer.signum(output[i]), "at " + i);
      }
    }
  }

  @Test
  void nonPositiveRatesAreRejected() {
    short[] input = new short[10];
    assertThrows(IllegalArgumentException.class, () -> Resampler.resample(input, 0, 24000));
    assertThrows(IllegalArgumentException.class, () -> Resampler.resample(input, 24000, -1));
  }

  private static short[] sine(double frequency, int sampleRate, int length) {
    short[] samples = new short[length];
    for (int i = 0; i < length; i++) {
      samples[i] = (short) Math.round(AMPLITUDE * Math.sin(2 * Math.PI * frequency * i / sampleRate));
    }
    return samples;
  }

  /** Skips the edges, where the filter reaches into the silence beyond the input. */
  private static double interiorRms(short[] samples) {
    int margin = samples.length / 20;
    double sumOfSquares = 0;
    for (int i = margin; i < samples.length - margin; i++) {
      sumOfSquares += (double) samples[i] * samples[i];
    }
    return Math.sqrt(sumOfSquares / (samples.length - 2 * margin));
  }

  /** Frequency from the interpolated times of the first and last upward zero crossings. */
  private static double frequency(short[] samples, int sampleRate) {
    double first = -1;
    double last = -1;
    int cycles = -1;
    for (int i = 1; i < samples.length; i++) {
      if (samples[i - 1] < 0 && samples[i] >= 0) {
        double crossing = i - 1 + (double) -samples[i - 1] / (samples[i] - samples[i - 1]);
        if (first < 0) {
          first = crossing;
        }
        last = crossing;
        cycles++;
      }
    }
    assertTrue(cycles > 0, "no full cycle found");
    return cycles * sampleRate / (last - first);
  }
}
