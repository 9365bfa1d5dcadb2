package com.ervc.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.vertx.core.buffer.Buffer;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CachedAudioTest {

  private static final byte[] PCM = {0x00, 0x01, (byte) 0xFF, 0x7F, (byte) 0x80, 0x00, 0x12, 0x34};

  /** The header for 24000 Hz mono, byte by byte. */
  private static final byte[] HEADER_24K_MONO = {
      'E', 'R', 'V', 'A',         // magic
      1,                          // layout version
      1,                          // encoding: PCM s16le
      1,                          // channels
      0,                          // reserved
      0x00, 0x00, 0x5D, (byte) 0xC0}; // sample rate 24000, big-endian

  @Test
  void encodeWritesHeaderThenPcmUnchanged() {
    byte[] encoded = new CachedAudio(24000, 1, Buffer.buffer(PCM)).encode().getBytes();

    assertEquals(CachedAudio.HEADER_BYTES + PCM.length, encoded.length);
    assertArrayEquals(HEADER_24K_MONO, Arrays.copyOfRange(encoded, 0, CachedAudio.HEADER_BYTES));
    assertArrayEquals(PCM, Arrays.copyOfRange(encoded, CachedAudio.HEADER_BYTES, encoded.length));
  }

  @Test
  void decodeRoundTripsByteIdentical() {
    CachedAudio decoded = CachedAudio.decode(new CachedAudio(48000, 2, Buffer.buffer(PCM)).encode());

    assertEquals(48000, decoded.sampleRate());
    assertEquals(2, decoded.channels());
    assertArrayEquals(PCM, decoded.pcm().getBytes());
  }

  @Test
  void headerOnlyEntryDecodesToEmptyPcm() {
    CachedAudio decoded = CachedAudio.decode(Buffer.buffer(HEADER_24K_MONO));

    assertEquals(24000, decoded.sampleRate());
    assertEquals(0, decoded.pcm().length());
  }

  private static byte[] withByte(int index, int value) {
    byte[] copy = HEADER_24K_MONO.clone();
    copy[index] = (byte) value;
    return copy;
  }

  static Stream<Arguments> rejected() {
    return Stream.of(
        arguments("empty", new byte[0], "not an audio cache entry"),
        arguments("shorter than the header", Arrays.copyOf(HEADER_24K_MONO, 11), "not an audio cache entry"),
        arguments("garbage", "hello, this is not audio".getBytes(), "not an audio cache entry"),
        arguments("wrong magic", withByte(3, 'B'), "not an audio cache entry"),
        arguments("newer layout version", withByte(4, 2), "unsupported cache entry version/encoding 2/1"),
        arguments("other encoding", withByte(5, 3), "unsupported cache entry version/encoding 1/3"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rejected")
  void decodeRejectsWhatEncodeDidNotWrite(String description, byte[] entry, String message) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> CachedAudio.decode(Buffer.buffer(entry)));

    assertEquals(message, e.getMessage());
  }
}
