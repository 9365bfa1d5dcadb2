package com.ervc.audio;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class PitchEnergyTest {
  private static short[] tone(double hz, int rate, int samples) {
    short[] out = new short[samples];
    for (int i = 0; i < samples; i++) {
      out[i] = (short) Math.round(8000 * Math.sin(2 * Math.PI * hz * i / rate));
    }
    return out;
  }

  private static int zeroCrossings(short[] s) {
    int n = 0;
    for (int i = 1; i < s.length; i++) {
      if ((s[i - 1] < 0) != (s[i] < 0)) {
        n++;
      }
    }
    return n;
  }

  @Test
  void pitchFactorRaisesFrequencyAndShortensByTheSameFactor() {
    short[] in = tone(200, 22050, 22050);
    short[] out = PitchEnergy.apply(in, 22050, 1.2, 1.0);
    assertEquals(22050 / 1.2, out.length, 30);
    // Same number of cycles in a shorter time: 1.2 × the frequency.
    assertEquals(zeroCrossings(in), zeroCrossings(out), 4);
  }

  @Test
  void gainScalesWithClippingAndNeutralIsUnchanged() {
    short[] in = {1000, -1000, 30000};
    assertArrayEquals(in, PitchEnergy.apply(in, 22050, 1.0, 1.0));
    assertArrayEquals(new short[] {1500, -1500, 32767}, PitchEnergy.apply(in, 22050, 1.0, 1.5));
  }
}
