package com.ervc.audio;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

class StreamingResamplerTest {

  @ParameterizedTest(name = "{0} Hz -> {1} Hz in pieces of up to {2}")
  @CsvSource({
    "24000, 16000, 1",
    "24000, 16000, 997",
    "24000, 8000, 333",
    "24000, 48000, 50",
    "24000, 22050, 4096",
    "24000, 44100, 17",
    "24000, 24000, 101"
  })
  void piecewiseOutputEqualsWholeArray(int from, int to, int maxPiece) {
    Random random = new Random(from + to + maxPiece);
    short[] input = new short[from / 2 + 7];
    for (int i = 0; i < input.length; i++) {
      input[i] = (short) (8000 * Math.sin(2 * Math.PI * 440 * i / from) + random.nextInt(2000) - 1000);
    }
    StreamingResampler streaming = new StreamingResampler(from, to);
    short[] out = new short[0];
    int offset = 0;
    while (offset < input.length) {
      int piece = Math.min(input.length - offset, 1 + random.nextInt(maxPiece));
      out = concat(out, streaming.push(Arrays.copyOfRange(input, offset, offset + piece)));
      offset += piece;
    }
    out = concat(out, streaming.finish());

    assertArrayEquals(Resampler.resample(input, from, to), out);
  }

  private static short[] concat(short[] a, short[] b) {
    short[] joined = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, joined, a.length, b.length);
    return joined;
  }
}
