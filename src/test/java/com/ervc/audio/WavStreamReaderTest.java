package com.ervc.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class WavStreamReaderTest {

  private static final byte[] PCM = Pcm16.toLittleEndian(new short[] {0, 1000, -1000, 32767, -32768, 7, 12, -12, 99});

  /** The stream fed in pieces of the given sizes (cycled); returns the concatenated output. */
  private static byte[] read(byte[] wav, int... pieceSizes) {
    WavStreamReader reader = new WavStreamReader();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int at = 0;
    for (int i = 0; at < wav.length; i++) {
      int size = Math.min(pieceSizes[i % pieceSizes.length], wav.length - at);
      // A piece arrives in a buffer larger than what was read, as from InputStream.read.
      byte[] buffer = Arrays.copyOf(Arrays.copyOfRange(wav, at, at + size), size + 5);
      out.writeBytes(reader.push(buffer, size));
      at += size;
    }
    reader.finish();
    return out.toByteArray();
  }

  private static byte[] withDataSize(byte[] wav, long dataBytes) {
    byte[] copy = wav.clone();
    for (int i = 0; i < 4; i++) {
      copy[40 + i] = (byte) (dataBytes >>> (8 * i));
    }
    return copy;
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }

  @Test
  void anySplitOfTheStreamGivesTheDecodedPcm() {
    byte[] wav = WavCodec.encode(PCM, 22050, 1);
    for (int[] sizes : new int[][] {{1}, {3}, {43, 1}, {44}, {45}, {7, 2, 5}, {wav.length}}) {
      assertArrayEquals(WavCodec.decode(wav).pcm(), read(wav, sizes), Arrays.toString(sizes));
    }
  }

  @Test
  void aPlaceholderOrZeroDataSizeMeansUpToTheEndAsInDecode() {
    byte[] pcm = concat(PCM, new byte[] {5}); // a trailing half sample, as a killed writer may leave
    byte[] wav = concat(WavCodec.header(22050, 1, 0x7ffff000L), pcm);
    for (long declared : new long[] {0x7ffff000L, 0, 0xFFFFFFFFL}) {
      byte[] stream = withDataSize(wav, declared);
      byte[] expected = WavCodec.decode(stream).pcm();
      assertArrayEquals(PCM, expected);
      assertArrayEquals(expected, read(stream, 3), "declared " + declared);
    }
  }

  @Test
  void aDeclaredDataSizeEndsTheAudioBeforeTheChunksAfterIt() {
    byte[] list = concat("LIST".getBytes(StandardCharsets.US_ASCII), new byte[] {4, 0, 0, 0}, new byte[] {1, 2, 3, 4});
    byte[] wav = concat(WavCodec.encode(PCM, 16000, 1), list);

    assertArrayEquals(PCM, read(wav, 5));
  }

  @Test
  void chunksBeforeTheDataAndStereoFramesSplitAnywhere() {
    byte[] fmtAndData = Arrays.copyOfRange(WavCodec.encode(Arrays.copyOf(PCM, 16), 8000, 2), 12, 44 + 16);
    byte[] list = concat("LIST".getBytes(StandardCharsets.US_ASCII), new byte[] {3, 0, 0, 0}, new byte[] {9, 9, 9, 0});
    byte[] wav = concat(Arrays.copyOf(WavCodec.header(8000, 2, 16), 12), list, fmtAndData);
    WavAudio whole = WavCodec.decode(wav);
    Random random = new Random(7);
    for (int round = 0; round < 20; round++) {
      int[] sizes = random.ints(6, 1, 9).toArray();
      assertArrayEquals(whole.pcm(), read(wav, sizes), Arrays.toString(sizes));
    }
    assertEquals(16, whole.pcm().length);
  }

  @Test
  void theHeaderIsReadOnceAndAudioFlowsFromTheFirstDataByte() {
    WavStreamReader reader = new WavStreamReader();
    byte[] wav = WavCodec.encode(PCM, 22050, 1);

    assertEquals(0, reader.push(wav, 43).length);
    assertFalse(reader.started());
    assertEquals(0, reader.push(new byte[] {wav[43], wav[44]}, 1).length);
    assertTrue(reader.started());
    assertEquals(22050, reader.sampleRate());
    assertEquals(1, reader.channels());
    assertArrayEquals(Arrays.copyOfRange(wav, 44, 46), reader.push(new byte[] {wav[44], wav[45]}, 2));
  }

  @Test
  void notAWavStreamFailsWithDecodesMessage() {
    WavStreamReader garbage = new WavStreamReader();
    byte[] text = "this is not audio at all".getBytes(StandardCharsets.US_ASCII);
    IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> garbage.push(text, text.length));
    assertEquals("not a WAV file: missing RIFF/WAVE signature", refused.getMessage());

    WavStreamReader cut = new WavStreamReader();
    byte[] header = WavCodec.header(22050, 1, 0);
    cut.push(header, 30);
    IllegalArgumentException ended = assertThrows(IllegalArgumentException.class, cut::finish);
    assertEquals("truncated fmt chunk: declares 16 bytes but only 10 remain", ended.getMessage());

    WavStreamReader empty = new WavStreamReader();
    assertThrows(IllegalArgumentException.class, empty::finish);
  }

  @Test
  void aHeaderThatNeverEndsIsRefusedInsteadOfBuffered() {
    WavStreamReader reader = new WavStreamReader();
    byte[] start = Arrays.copyOf(WavCodec.header(22050, 1, 0), 12);
    // A chunk that declares more bytes than the limit, so the data chunk never comes.
    byte[] junk = concat("junk".getBytes(StandardCharsets.US_ASCII), new byte[] {0, 0, 0, 1});
    reader.push(concat(start, junk), 20);
    byte[] filler = new byte[4096];
    IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> {
      for (int i = 0; i <= WavStreamReader.MAX_HEADER_BYTES / filler.length; i++) {
        reader.push(filler, filler.length);
      }
    });
    assertEquals("no WAV data chunk within the first 65536 bytes", refused.getMessage());
  }

  @Test
  void a24BitStreamIsRefusedOnceItsFormatIsKnown() {
    byte[] header = WavCodec.header(22050, 1, 0);
    header[34] = 24;
    WavStreamReader reader = new WavStreamReader();
    IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> reader.push(header, 44));
    assertEquals("unsupported WAV sample size: 24 bits, only 16-bit is supported", refused.getMessage());
  }
}
