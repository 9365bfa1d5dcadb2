package com.ervc.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class Pcm16Test {

  private static final short[] SAMPLES = {0x1234, -2, Short.MAX_VALUE, Short.MIN_VALUE};

  @Test
  void littleEndianPutsLowByteFirst() {
    byte[] expected = {0x34, 0x12, (byte) 0xFE, (byte) 0xFF, (byte) 0xFF, 0x7F, 0x00, (byte) 0x80};
    assertArrayEquals(expected, Pcm16.toLittleEndian(SAMPLES));
  }

  @Test
  void bigEndianPutsHighByteFirst() {
    byte[] expected = {0x12, 0x34, (byte) 0xFF, (byte) 0xFE, 0x7F, (byte) 0xFF, (byte) 0x80, 0x00};
    assertArrayEquals(expected, Pcm16.toBigEndian(SAMPLES));
  }

  @Test
  void fromLittleEndianRoundTripsAndIgnoresOddTrailingByte() {
    byte[] bytes = Pcm16.toLittleEndian(SAMPLES);
    byte[] withStrayByte = Arrays.copyOf(bytes, bytes.length + 1);
    withStrayByte[bytes.length] = 0x55;

    assertArrayEquals(SAMPLES, Pcm16.fromLittleEndian(bytes));
    assertArrayEquals(SAMPLES, Pcm16.fromLittleEndian(withStrayByte));
  }

  @Test
  void scaleRoundsAndClipsToShortRange() {
    short[] input = {20000, -20000, 100, -100, 0};

    assertArrayEquals(new short[] {32767, -32768, 200, -200, 0}, Pcm16.scale(input, 2.0));
    assertArrayEquals(new short[] {6660, -6660, 33, -33, 0}, Pcm16.scale(input, 0.333));
  }

  @Test
  void scaleReturnsNewArray() {
    short[] input = {1, 2, 3};
    short[] scaled = Pcm16.scale(input, 1.0);

    assertArrayEquals(input, scaled);
    scaled[0] = 99;
    assertEquals(1, input[0]);
  }

  @Test
  void durationInMilliseconds() {
    assertEquals(1000.0, Pcm16.durationMs(24000, 24000), 1e-9);
    assertEquals(20.0, Pcm16.durationMs(441, 22050), 1e-9);
    assertThrows(IllegalArgumentException.class, () -> Pcm16.durationMs(10, 0));
  }
}
