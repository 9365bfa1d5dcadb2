package com.ervc.gateway;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;

class AudioResponseFormatTest {

  @ParameterizedTest(name = "[{0}]")
  @NullAndEmptySource
  void missingAcceptMeansWav(String accept) {
    assertEquals(AudioResponseFormat.WAV, AudioResponseFormat.negotiate(accept));
  }

  // An empty expected column is null: nothing acceptable (the API answers 406).
  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
      "*/*                          | WAV",
      "audio/*                      | WAV",
      "audio/wav                    | WAV",
      "audio/x-wav                  | WAV",
      "audio/L16;rate=24000         | L16",
      "audio/l16                    | L16",
      "audio/pcm                    | PCM",
      "text/html, */*;q=0.1         | WAV",
      "text/html                    | ",
      "application/json             | "})
  void negotiateChoosesFromAcceptHeader(String accept, AudioResponseFormat expected) {
    assertEquals(expected, AudioResponseFormat.negotiate(accept));
  }

  @Test
  void l16ChunkIsByteSwappedToNetworkOrder() {
    Buffer littleEndian = Buffer.buffer(new byte[] {0x34, 0x12, (byte) 0xCD, (byte) 0xAB});

    assertArrayEquals(new byte[] {0x12, 0x34, (byte) 0xAB, (byte) 0xCD},
        AudioResponseFormat.L16.encodeChunk(littleEndian).getBytes());
  }

  @Test
  void wavAndPcmChunksPassThroughUntouched() {
    Buffer chunk = Buffer.buffer(new byte[] {0x34, 0x12});

    assertSame(chunk, AudioResponseFormat.PCM.encodeChunk(chunk));
    assertSame(chunk, AudioResponseFormat.WAV.encodeChunk(chunk));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "WAV | audio/wav",
      "L16 | audio/L16;rate=16000;channels=1",
      "PCM | audio/pcm;rate=16000;channels=1;format=s16le"})
  void contentTypeNamesRate(AudioResponseFormat format, String expected) {
    assertEquals(expected, format.contentType(16000));
  }
}
