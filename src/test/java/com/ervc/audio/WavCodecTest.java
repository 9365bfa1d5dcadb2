package com.ervc.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class WavCodecTest {

  private static final byte[] PCM = Pcm16.toLittleEndian(new short[] {0, 1000, -1000, 32767, -32768, 7});

  @Test
  void encodeThenDecodeRoundTrips() {
    byte[] wav = WavCodec.encode(PCM, 24000, 1);

    WavAudio audio = WavCodec.decode(wav);

    assertEquals(44 + PCM.length, wav.length);
    assertEquals(24000, audio.sampleRate());
    assertEquals(1, audio.channels());
    assertEquals(16, audio.bitsPerSample());
    assertArrayEquals(PCM, audio.pcm());
    assertEquals(6, audio.frameCount());
  }

  @Test
  void stereoRoundTripCountsFrames() {
    WavAudio audio = WavCodec.decode(WavCodec.encode(PCM, 48000, 2));

    assertEquals(2, audio.channels());
    assertEquals(3, audio.frameCount());
    assertArrayEquals(PCM, audio.pcm());
  }

  @Test
  void headerHasCanonicalLayout() {
    ByteBuffer header = ByteBuffer.wrap(WavCodec.header(22050, 1, 1000)).order(ByteOrder.LITTLE_ENDIAN);

    assertEquals(44, header.capacity());
    assertEquals("RIFF", ascii(header, 0));
    assertEquals(1036, header.getInt(4));
    assertEquals("WAVE", ascii(header, 8));
    assertEquals("fmt ", ascii(header, 12));
    assertEquals(16, header.getInt(16));
    assertEquals(1, header.getShort(20));
    assertEquals(1, header.getShort(22));
    assertEquals(22050, header.getInt(24));
    assertEquals(44100, header.getInt(28));
    assertEquals(2, header.getShort(32));
    assertEquals(16, header.getShort(34));
    assertEquals("data", ascii(header, 36));
    assertEquals(1000, header.getInt(40));
  }

  @Test
  void espeakPlaceholderSizesYieldTheRealData() {
    byte[] wav = new WavBuilder(0x7ffff024)
        .fmt(1, 1, 22050, 16)
        .chunk("data", 0x7ffff000, PCM)
        .bytes();

    WavAudio audio = WavCodec.decode(wav);

    assertEquals(22050, audio.sampleRate());
    assertArrayEquals(PCM, audio.pcm());
  }

  @Test
  void unknownLengthMarkersTakeDataToEndTrimmedToWholeFrames() {
    byte[] oddTail = Arrays.copyOf(PCM, PCM.length + 1);
    for (int declared : new int[] {0, 0xFFFFFFFF}) {
      byte[] wav = new WavBuilder(declared).fmt(1, 1, 16000, 16).chunk("data", declared, oddTail).bytes();

      assertArrayEquals(PCM, WavCodec.decode(wav).pcm(), "declared size " + Integer.toHexString(declared));
    }
  }

  @Test
  void listAndOddSizedChunksAreSkipped() {
    byte[] wav = new WavBuilder(0)
        .fmt(1, 1, 24000, 16)
        .chunk("LIST", 10, "INFOISFTxx".getBytes(StandardCharsets.US_ASCII))
        .chunk("odd ", 3, new byte[] {1, 2, 3, 0}) // the fourth byte is the RIFF pad
        .chunk("data", PCM.length, PCM)
        .chunk("LIST", 4, "INFO".getBytes(StandardCharsets.US_ASCII))
        .bytes();

    assertArrayEquals(PCM, WavCodec.decode(wav).pcm());
  }

  @Test
  void extensiblePcmIsAccepted() {
    ByteBuffer fmt = ByteBuffer.allocate(40).order(ByteOrder.LITTLE_ENDIAN);
    fmt.putShort((short) 0xFFFE).putShort((short) 1).putInt(24000).putInt(48000)
        .putShort((short) 2).putShort((short) 16)
        .putShort((short) 22).putShort((short) 16).putInt(0x4)
        .put(new byte[] {1, 0, 0, 0, 0, 0, 0x10, 0, (byte) 0x80, 0, 0, (byte) 0xAA, 0, 0x38, (byte) 0x9B, 0x71});
    byte[] wav = new WavBuilder(0).chunk("fmt ", 40, fmt.array()).chunk("data", PCM.length, PCM).bytes();

    WavAudio audio = WavCodec.decode(wav);

    assertEquals(24000, audio.sampleRate());
    assertArrayEquals(PCM, audio.pcm());
  }

  @Test
  void notRiffIsRejected() {
    byte[] wav = WavCodec.encode(PCM, 24000, 1);
    wav[0] = 'X';

    assertRejected(wav, "RIFF");
    assertRejected(new byte[3], "RIFF");
  }

  @Test
  void eightBitIsRejected() {
    assertRejected(new WavBuilder(0).fmt(1, 1, 8000, 8).chunk("data", 4, new byte[4]).bytes(), "8 bits");
  }

  @Test
  void floatFormatIsRejected() {
    assertRejected(new WavBuilder(0).fmt(3, 1, 8000, 32).chunk("data", 4, new byte[4]).bytes(), "tag 0x3");
  }

  @Test
  void truncatedFmtIsRejected() {
    byte[] wav = new WavBuilder(0).chunk("fmt ", 16, new byte[6]).bytes();

    assertRejected(wav, "truncated fmt");
    assertRejected(new WavBuilder(0).chunk("fmt ", 8, new byte[8]).bytes(), "truncated fmt");
  }

  @Test
  void missingChunksAreRejected() {
    assertRejected(new WavBuilder(0).chunk("data", 2, new byte[2]).bytes(), "before the fmt");
    assertRejected(new WavBuilder(0).fmt(1, 1, 8000, 16).bytes(), "no data chunk");
    assertRejected(new WavBuilder(0).bytes(), "no fmt chunk");
  }

  @Test
  void espeakNgOutputDecodes() throws Exception {
    Optional<Path> espeak = findOnPath("espeak-ng");
    Assumptions.assumeTrue(espeak.isPresent(), "espeak-ng is not installed");

    WavAudio audio = WavCodec.decode(run(espeak.get().toString(), "--stdout", "Hello world"));

    assertEquals(22050, audio.sampleRate());
    assertEquals(1, audio.channels());
    assertEquals(16, audio.bitsPerSample());
    double seconds = Pcm16.durationMs(audio.frameCount(), audio.sampleRate()) / 1000;
    assertTrue(seconds > 0.4 && seconds < 3, "duration " + seconds + " s");
  }

  private static void assertRejected(byte[] wav, String messagePart) {
    IllegalArgumentException error =
        assertThrows(IllegalArgumentException.class, () -> WavCodec.decode(wav));
    assertTrue(error.getMessage().contains(messagePart),
        "message '" + error.getMessage() + "' should mention '" + messagePart + "'");
  }

  private static String ascii(ByteBuffer buffer, int offset) {
    byte[] bytes = new byte[4];
    buffer.get(offset, bytes);
    return new String(bytes, StandardCharsets.US_ASCII);
  }

  private static Optional<Path> findOnPath(String program) {
    String path = System.getenv().getOrDefault("PATH", "");
    return Arrays.stream(path.split(File.pathSeparator))
        .map(directory -> Path.of(directory, program))
        .filter(Files::isExecutable)
        .findFirst();
  }

  private static byte[] run(String... command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    byte[] output = process.getInputStream().readAllBytes();
    assertTrue(process.waitFor(30, TimeUnit.SECONDS), "espeak-ng did not exit");
    assertEquals(0, process.exitValue());
    return output;
  }

  /** Assembles RIFF/WAVE bytes chunk by chunk, with whatever sizes a test wants to declare. */
  private static final class WavBuilder {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    WavBuilder(int declaredRiffSize) {
      out.writeBytes("RIFF".getBytes(StandardCharsets.US_ASCII));
      out.writeBytes(uint32(declaredRiffSize));
      out.writeBytes("WAVE".getBytes(StandardCharsets.US_ASCII));
    }

    WavBuilder fmt(int formatTag, int channels, int sampleRate, int bitsPerSample) {
      int blockAlign = channels * bitsPerSample / 8;
      ByteBuffer body = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN)
          .putShort((short) formatTag).putShort((short) channels)
          .putInt(sampleRate).putInt(sampleRate * blockAlign)
          .putShort((short) blockAlign).putShort((short) bitsPerSample);
      return chunk("fmt ", 16, body.array());
    }

    WavBuilder chunk(String id, int declaredSize, byte[] body) {
      out.writeBytes(id.getBytes(StandardCharsets.US_ASCII));
      out.writeBytes(uint32(declaredSize));
      out.writeBytes(body);
      return this;
    }

    byte[] bytes() {
      return out.toByteArray();
    }

    private static byte[] uint32(int value) {
      return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(value).array();
    }
  }
}
