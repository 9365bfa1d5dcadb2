package com.ervc.audio;

import com.ervc.testing.Correlation;
import com.ervc.testing.Ffmpeg;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The Java encoders fed the way the endpoint feeds them (100 ms chunks of 24 kHz PCM), their output decoded by
 * Debian's ffmpeg as an independent decoder: codec, rate, duration, and the decoded signal against the input.
 */
class StreamEncodersTest {
  private static final int RATE = 24_000;
  private static final int CHUNK = RATE / 10;

  /** 1.7 s of a voice-like test signal: a gliding 150-300 Hz tone with harmonics, loud and soft syllables. */
  static short[] signal() {
    short[] samples = new short[RATE * 17 / 10];
    double phase = 0;
    for (int i = 0; i < samples.length; i++) {
      double t = (double) i / RATE;
      phase += 2 * Math.PI * (150 + 150 * t / 1.7) / RATE;
      double envelope = 0.35 + 0.65 * Math.abs(Math.sin(2 * Math.PI * 2.5 * t));
      double value = Math.sin(phase) + 0.5 * Math.sin(2 * phase) + 0.25 * Math.sin(3 * phase);
      samples[i] = (short) (9000 * envelope * value);
    }
    return samples;
  }

  @ParameterizedTest
  @CsvSource({"mp3, mp3, 24000, 0.08, 0.9", "opus, opus, 48000, 0.01, 0.9", "flac, flac, 24000, 0, 1"})
  void decodesToTheInputAtItsRateAndLength(String format, String codec, int codecRate, double lengthTolerance,
                                           double minCorrelation) throws Exception {
    assumeTrue(Ffmpeg.present(), "ffmpeg is not installed (scripts/test.sh installs it)");
    short[] input = signal();
    StreamEncoder encoder = encoder(format);
    ByteArrayOutputStream encoded = new ByteArrayOutputStream();
    for (int offset = 0; offset < input.length; offset += CHUNK) {
      byte[] bytes = encoder.encode(java.util.Arrays.copyOfRange(input, offset, Math.min(input.length, offset + CHUNK)));
      assertTrue(bytes.length > 0, format + ": bytes leave with every chunk, chunk " + offset / CHUNK);
      encoded.writeBytes(bytes);
    }
    encoded.writeBytes(encoder.finish());

    Path file = Files.createTempFile("encoded-", "." + format);
    try {
      Files.write(file, encoded.toByteArray());
      Map<String, String> stream = Ffmpeg.probe(file);
      assertEquals(codec, stream.get("codec_name"));
      assertEquals(String.valueOf(codecRate), stream.get("sample_rate"));
      assertEquals("1", stream.get("channels"));
      short[] decoded = Pcm16.fromLittleEndian(Ffmpeg.decodeToPcm(file, RATE));
      double expected = (double) input.length / RATE;
      double actual = (double) decoded.length / RATE;
      assertTrue(actual >= expected && actual <= expected + lengthTolerance,
          format + " decodes to " + actual + " s of " + expected + " s");
      if (format.equals("flac")) {
        assertArrayEquals(input, decoded, "flac is lossless");
      }
      double correlation = Correlation.best(input, decoded, 1500);
      assertTrue(correlation >= minCorrelation, format + " correlation with the input: " + correlation);
    } finally {
      Files.delete(file);
    }
  }

  @ParameterizedTest
  @CsvSource({"mp3", "opus", "flac"})
  void noInputIsStillAStreamThatDecodes(String format) throws Exception {
    assumeTrue(Ffmpeg.present(), "ffmpeg is not installed (scripts/test.sh installs it)");
    StreamEncoder empty = encoder(format);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    bytes.writeBytes(empty.encode(new short[0]));
    bytes.writeBytes(empty.finish());
    Path file = Files.createTempFile("empty-", "." + format);
    try {
      Files.write(file, bytes.toByteArray());
      assertTrue(Ffmpeg.decodeToPcm(file, RATE).length <= 2 * 1152 * 2, format + ": at most a frame of padding");
    } finally {
      Files.delete(file);
    }
  }

  private static StreamEncoder encoder(String format) {
    return switch (format) {
      case "mp3" -> new Mp3Encoder(RATE, 128);
      case "opus" -> new OggOpusEncoder(RATE, 64_000);
      case "flac" -> new FlacEncoder(RATE);
      default -> throw new IllegalArgumentException(format);
    };
  }
}
