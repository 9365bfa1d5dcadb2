package com.ervc.audio;

import com.ervc.testing.Signals;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** BS.1770 integrated loudness against the standard's reference points. */
class LoudnessTest {

  @ParameterizedTest(name = "{0} Hz amplitude {1} at {2} Hz reads {3} LUFS")
  @CsvSource({
      "1000, 1.0, 48000, -3.01",
      "1000, 1.0, 24000, -3.01",
      "1000, 0.1, 48000, -23.01",
      "1000, 0.1, 16000, -23.01"})
  void tonesReadAsTheStandardSays(double hz, double amplitude, int rate, double lufs) {
    assertEquals(lufs, Loudness.integratedLufs(Signals.sine(hz, amplitude, 5, rate), rate), 0.05);
  }

  @Test
  void kWeightingLiftsHighsByUpToFourDecibelsAndCutsDeepLows() {
    double reference = Loudness.integratedLufs(Signals.sine(1000, 0.1, 5, 48000), 48000);
    double high = Loudness.integratedLufs(Signals.sine(8000, 0.1, 5, 48000), 48000) - reference;
    double low = Loudness.integratedLufs(Signals.sine(20, 0.1, 5, 48000), 48000) - reference;

    assertTrue(high > 3 && high < 4.2, "8 kHz: " + high);
    assertTrue(low < -12, "20 Hz: " + low);
  }

  @Test
  void aFullScaleSineIsMinus3Point01Lufs() {
    assertEquals(-3.01, Loudness.integratedLufs(Signals.sine(997, 1.0, 10, 48000), 48000), 0.02);
  }

  @Test
  void silenceBetweenSpeechBarelyLowersTheLoudness() {
    float[] tone = Signals.sine(1000, 0.1, 3, 24000);
    float[] withPauses = Signals.concat(tone, new float[24000 * 6], tone);

    // Ungated, half the time silent would read 3 dB lower; the gates drop the silent blocks, and only the few
    // blocks that straddle an edge (still within 10 LU of the mean) pull it down a little.
    assertEquals(Loudness.integratedLufs(tone, 24000), Loudness.integratedLufs(withPauses, 24000), 0.3);
  }

  @Test
  void silenceAndAudioShorterThanOneBlockReadAsTheFloor() {
    assertEquals(Loudness.SILENT_LUFS, Loudness.integratedLufs(new float[48000], 48000));
    assertEquals(Loudness.SILENT_LUFS, Loudness.integratedLufs(Signals.sine(1000, 1, 0.3, 48000), 48000));
  }
}
