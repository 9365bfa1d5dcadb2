package com.ervc.audio;

import com.ervc.testing.Signals;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** {@link WavCodec#decodeSamples}: every PCM and float sample size, and the broken files uploads bring. */
class WavSamplesTest {
  private static final float[] RAMP = {0f, 0.5f, -0.5f, 0.25f, -1f, 0.999f};

  @ParameterizedTest(name = "tag {0}, {1} bits, extensible {2}")
  @CsvSource({"1, 8, false, 0.01", "1, 16, false, 0.0001", "1, 24, false, 0.000001", "1, 32, false, 0.000001",
      "3, 32, false, 0", "3, 64, false, 0", "1, 24, true, 0.000001", "3, 32, true, 0"})
  void everySampleFormatDecodesToTheSameLevels(int tag, int bits, boolean extensible, double tolerance) {
    SampledAudio audio = WavCodec.decodeSamples(Signals.wav(RAMP, 44100, 1, tag, bits, extensible), true);

    assertEquals(44100, audio.sampleRate());
    assertEquals((tag == 3 ? "float" : "pcm") + bits, audio.encoding());
    assertEquals(RAMP.length, audio.samples().length);
    for (int i = 0; i < RAMP.length; i++) {
      assertEquals(RAMP[i], audio.samples()[i], tolerance + 1e-7, "sample " + i);
    }
  }

  @Test
  void stereoIsMixedToMono() {
    SampledAudio audio = WavCodec.decodeSamples(Signals.wav(new float[] {0.5f, -0.5f, 0.25f, 0.75f}, 16000, 2, 3, 32,
        false), true);

    assertEquals(2, audio.channels());
    assertEquals("[0.0, 0.5]", Arrays.toString(audio.mono()));
  }

  @Test
  void aTruncatedUploadIsRefusedButAStreamedOneIsRead() {
    byte[] whole = Signals.wav16(Signals.sine(440, 0.5, 1, 16000), 16000);
    byte[] cut = Arrays.copyOf(whole, whole.length / 2);

    IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
        () -> WavCodec.decodeSamples(cut, true));

    assertEquals("truncated WAV file: the data chunk declares 32000 bytes but only 15978 remain",
        refused.getMessage());
    assertEquals(7989, WavCodec.decodeSamples(cut, false).samples().length);
  }

  @Test
  void aHugeHeaderLengthIsRefusedWithoutAllocatingIt() {
    byte[] wav = Signals.wav16(new float[100], 16000);
    ByteBuffer.wrap(wav).order(ByteOrder.LITTLE_ENDIAN).putInt(16, 0x7FFF_FFF0);

    IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
        () -> WavCodec.decodeSamples(wav, true));

    assertEquals("truncated fmt chunk: declares 2147483632 bytes but only 224 remain", refused.getMessage());
  }

  @Test
  void unsupportedEncodingsAndSizesAreNamed() {
    byte[] alaw = Signals.wav(new float[4], 8000, 1, 6, 8, false);
    byte[] float16 = Signals.wav(new float[4], 8000, 1, 1, 16, false);
    ByteBuffer.wrap(float16).order(ByteOrder.LITTLE_ENDIAN).putShort(20, (short) 3);
    byte[] pcm12 = Signals.wav(new float[4], 8000, 1, 1, 16, false);
    ByteBuffer.wrap(pcm12).order(ByteOrder.LITTLE_ENDIAN).putShort(34, (short) 12);

    assertEquals("unsupported WAV encoding 0x6: only integer PCM (0x1) and IEEE float (0x3) are supported",
        assertThrows(IllegalArgumentException.class, () -> WavCodec.decodeSamples(alaw, true)).getMessage());
    assertEquals("unsupported WAV sample size: 16-bit float (32 or 64 are supported)",
        assertThrows(IllegalArgumentException.class, () -> WavCodec.decodeSamples(float16, true)).getMessage());
    assertEquals("unsupported WAV sample size: 12-bit PCM (8, 16, 24 or 32 are supported)",
        assertThrows(IllegalArgumentException.class, () -> WavCodec.decodeSamples(pcm12, true)).getMessage());
  }
}
