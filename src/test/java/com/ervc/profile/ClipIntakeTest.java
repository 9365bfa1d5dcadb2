package com.ervc.profile;

import com.ervc.audio.AudioFileDecoder;
import com.ervc.audio.Loudness;
import com.ervc.audio.WavCodec;
import com.ervc.protocol.ErrorCode;
import com.ervc.protocol.SpeechException;
import com.ervc.testing.Signals;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The quality gate on generated audio: what passes, what fails which check, and what is refused outright. */
class ClipIntakeTest {
  private static final int RATE = 44100;
  private final ClipIntake intake = new ClipIntake(new AudioFileDecoder("/nonexistent/ffmpeg"), 10 << 20, 3);

  private ClipIntake.Prepared one(float[] samples, int rate, String provider) {
    return intake.prepare(List.of(Signals.wav16(samples, rate)), provider).get(0);
  }

  private static List<String> codes(ClipIntake.Prepared prepared) {
    return prepared.failures().stream().map(QualityGate.Failure::code).toList();
  }

  @Test
  void cleanSpeechPassesAndIsStoredTrimmedAt24kHzAndNormalised() {
    float[] speech = Signals.speechLike(0.3, 6, RATE);
    float[] padded = Signals.concat(new float[RATE], speech, new float[RATE]);

    ClipIntake.Prepared prepared = one(padded, RATE, "elevenlabs");

    assertEquals(List.of(), codes(prepared), prepared.report().encodePrettily());
    JsonObject report = prepared.report();
    assertEquals(true, report.getBoolean("passed"));
    assertEquals(RATE, report.getInteger("originalSampleRate"));
    assertEquals("pcm16", report.getString("encoding"));
    assertEquals(6000, report.getLong("durationMs"), 300, "the silent second at each end is trimmed");
    assertTrue(report.getDouble("snrDb") > 40, report.encode());
    var stored = WavCodec.decodeSamples(prepared.wav(), true);
    assertEquals(24000, stored.sampleRate());
    assertEquals(1, stored.channels());
    assertEquals(-20.0, Loudness.integratedLufs(stored.samples(), 24000), 0.5);
    assertEquals(VoiceProfileStore.sha256(prepared.wav()), prepared.sha256());
  }

  @Test
  void silenceFailsEveryCheckItCanAndSaysSo() {
    ClipIntake.Prepared prepared = one(new float[RATE * 5], RATE, "elevenlabs");

    assertEquals(List.of("too_short", "mostly_silence", "too_quiet", "noisy"), codes(prepared));
    QualityGate.Failure tooShort = prepared.failures().get(0);
    assertEquals(0, tooShort.value());
    assertEquals(1000, tooShort.limit());
    assertEquals("Only 0.0 s of sound; record at least 1.0 s.", tooShort.message());
    assertEquals(4, prepared.report().getJsonArray("failures").size());
  }

  @Test
  void aZeroSecondClipIsTooShort() {
    assertEquals(List.of("too_short", "mostly_silence", "too_quiet", "noisy"), codes(one(new float[0], RATE,
        "espeak")));
  }

  @Test
  void aTenMinuteClipIsTooLong() {
    ClipIntake roomy = new ClipIntake(new AudioFileDecoder("ffmpeg"), 32 << 20, 1);
    ClipIntake.Prepared prepared = roomy.prepare(List.of(Signals.wav16(Signals.speechLike(0.3, 600, 16000), 16000)),
        "elevenlabs").get(0);

    assertEquals(List.of("too_long"), codes(prepared));
    assertEquals(120_000, prepared.failures().get(0).limit());
  }

  @Test
  void limitsFollowTheTargetProvider() {
    float[] fortySeconds = Signals.speechLike(0.3, 40, 16000);
    float[] threeSeconds = Signals.speechLike(0.3, 3, 16000);

    assertEquals(List.of(), codes(one(fortySeconds, 16000, "elevenlabs")));
    assertEquals(List.of("too_long"), codes(one(fortySeconds, 16000, "openai")));
    assertEquals(List.of("too_short"), codes(one(threeSeconds, 16000, "azure")));
  }

  @Test
  void clippedAudioIsReported() {
    float[] overdriven = Signals.speechLike(3.0, 5, RATE);
    for (int i = 0; i < overdriven.length; i++) {
      overdriven[i] = Math.max(-1f, Math.min(1f, overdriven[i]));
    }

    ClipIntake.Prepared prepared = one(overdriven, RATE, "espeak");

    assertEquals(List.of("clipping"), codes(prepared));
    assertTrue(prepared.failures().get(0).value() > 0.1, prepared.report().encode());
  }

  @Test
  void noisyAudioIsReported() {
    float[] speech = Signals.speechLike(0.3, 5, RATE);
    float[] noisy = Signals.plus(speech, Signals.noise(0.03, speech.length, 1));

    ClipIntake.Prepared prepared = one(noisy, RATE, "espeak");

    assertEquals(List.of("noisy"), codes(prepared));
    assertTrue(prepared.failures().get(0).value() < 20, prepared.report().encode());
  }

  @Test
  void quietAudioLowRateAndDcOffsetAreReported() {
    float[] speech = Signals.speechLike(0.3, 5, 8000);
    float[] offset = new float[5 * RATE];
    Arrays.fill(offset, 0.2f);

    assertEquals(List.of("too_quiet"), codes(one(Signals.speechLike(0.15, 5, RATE), RATE, "espeak")));
    assertEquals(List.of("low_sample_rate"), codes(one(speech, 8000, "espeak")));
    ClipIntake.Prepared offsetClip = one(Signals.plus(Signals.speechLike(0.3, 5, RATE),
        offset), RATE, "espeak");
    assertEquals(List.of("dc_offset"), codes(offsetClip), offsetClip.report().encodePrettily());
  }

  @Test
  void whatCannotBeAnalysedIsRefusedNamingTheClip() {
    byte[] good = Signals.wav16(Signals.speechLike(0.3, 2, RATE), RATE);
    byte[] truncated = Arrays.copyOf(good, good.length / 3);
    byte[] hugeHeader = good.clone();
    ByteBuffer.wrap(hugeHeader).order(ByteOrder.LITTLE_ENDIAN).putInt(16, 0xFFFF_FFF0);
    byte[] ogg = ("OggS" + "x".repeat(100)).getBytes();

    assertRefused(ErrorCode.INVALID_REQUEST, "clip 2: not an audio file: expected WAV, mp3, ogg, webm, flac or m4a",
        List.of(good, "hello, I am text".getBytes()));
    assertRefused(ErrorCode.INVALID_REQUEST, "clip 1: truncated WAV file: the data chunk declares 176400 bytes but "
        + "only 58770 remain", List.of(truncated));
    assertRefused(ErrorCode.INVALID_REQUEST, "clip 1: truncated fmt chunk: declares 4294967280 bytes but only 176424 "
        + "remain", List.of(hugeHeader));
    assertRefused(ErrorCode.INVALID_REQUEST, "clip 1: this ogg file needs ffmpeg to decode, and ffmpeg "
        + "(/nonexistent/ffmpeg) is not installed on this node: install the Debian package ffmpeg, or upload WAV",
        List.of(ogg));
    assertRefused(ErrorCode.TOO_LARGE, "4 reference clips; at most 3 are accepted", List.of(good, good, good, good));
    assertRefused(ErrorCode.INVALID_REQUEST, "a voice profile needs at least one reference clip", List.of());
    ClipIntake small = new ClipIntake(new AudioFileDecoder("ffmpeg"), 1000, 3);
    SpeechException tooLarge = assertThrows(SpeechException.class, () -> small.prepare(List.of(good), "espeak"));
    assertEquals("clip 1 is " + good.length + " bytes; at most 1000 are accepted", tooLarge.getMessage());
    assertEquals(ErrorCode.TOO_LARGE, tooLarge.code());
  }

  private void assertRefused(ErrorCode code, String message, List<byte[]> uploads) {
    SpeechException refused = assertThrows(SpeechException.class, () -> intake.prepare(uploads, "espeak"));
    assertEquals(message, refused.getMessage());
    assertEquals(code, refused.code());
  }
}
