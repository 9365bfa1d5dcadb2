package com.ervc.provider.espeak;

import com.ervc.protocol.Emotion;
import com.ervc.protocol.QualityTier;
import com.ervc.protocol.TtsRequest;
import com.ervc.protocol.SpeechException;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EspeakSynthesizerTest {

  private static final EspeakSynthesizer WITH_EMOTIONS = new EspeakSynthesizer("espeak-ng", 1_000, true);
  private static final EspeakSynthesizer WITHOUT_EMOTIONS = new EspeakSynthesizer("espeak-ng", 1_000, false);

  private static TtsRequest request(String text, Emotion emotion, double intensity, double speed) {
    return new TtsRequest(text, "espeak", "en-us", emotion, intensity, QualityTier.BALANCED, speed, 0.0, 24000);
  }

  private static List<String> expected(String voice, int wpm, int pitch, int amplitude) {
    return List.of("espeak-ng", "--stdout", "-b", "1", "-v", voice, "-s", Integer.toString(wpm),
        "-p", Integer.toString(pitch), "-a", Integer.toString(amplitude), "--stdin");
  }

  @Test
  void aBinaryThatExitsBeforeReadingItsInputIsReportedByItsExitStatus(@TempDir Path dir) throws Exception {
    Path broken = dir.resolve("espeak-ng");
    Files.writeString(broken, "#!/bin/sh\nexit 3\n");
    Files.setPosixFilePermissions(broken, PosixFilePermissions.fromString("rwx------"));
    // Far more text than a pipe buffers, so writing it fails with a broken pipe once the process has exited.
    String text = "Hello there. ".repeat(20_000);
    SpeechException failure = assertThrows(SpeechException.class,
        () -> new EspeakSynthesizer(broken.toString(), 5_000, true).synthesize(request(text, Emotion.NEUTRAL, 0.5, 1.0)));
    assertEquals("espeak-ng exited with status 3", failure.getMessage());
  }

  @Test
  void neutralCommandReadsTextFromStdin() {
    assertEquals(expected("en-us", 175, 50, 100),
        WITH_EMOTIONS.command(request("Hello.", Emotion.NEUTRAL, 0.5, 1.0)));
  }

  @Test
  void textNeverBecomesAnArgument() {
    // Text that looks like options must not reach the command line, where espeak-ng would parse it.
    String text = "--help -w /tmp/owned.wav";

    List<String> command = WITH_EMOTIONS.command(request(text, Emotion.HAPPY, 1.0, 1.0));

    assertFalse(command.stream().anyMatch(arg -> arg.contains("help") || arg.contains("owned")), command::toString);
  }

  @Test
  void emotionSetsProsody() {
    assertEquals(expected("en-us", 140, 35, 75), WITH_EMOTIONS.command(request("Oh.", Emotion.SAD, 1.0, 1.0)));
  }

  @Test
  void whisperAppendsTheVariantToTheVoice() {
    assertEquals(expected("en-us+whisper", 166, 50, 100),
        WITH_EMOTIONS.command(request("Psst.", Emotion.WHISPER, 1.0, 1.0)));
  }

  @Test
  void disabledEmotionsGiveNeutralProsodyButKeepSpeed() {
    assertEquals(expected("en-us", 263, 50, 100),
        WITHOUT_EMOTIONS.command(request("Hi.", Emotion.EXCITED, 1.0, 1.5)));
    assertEquals(expected("en-us", 175, 50, 100),
        WITHOUT_EMOTIONS.command(request("Hi.", Emotion.WHISPER, 1.0, 1.0)));
  }

  private static TtsRequest voiced(String voice, Emotion emotion, double pitch) {
    return new TtsRequest("The quick brown fox jumps over the lazy dog, and then it rests in the warm sun.",
        "espeak", voice, emotion, 1.0, QualityTier.BALANCED, 1.0, pitch, 24000);
  }

  private static double meanPitchHz(TtsRequest request) {
    short[] pcm = com.ervc.audio.Pcm16.fromLittleEndian(WITH_EMOTIONS.synthesize(request));
    return com.ervc.eval.SignalAnalysis.analyse(pcm, request.sampleRate(), List.of()).f0MeanHz();
  }

  @Test
  void aDesignedVoiceIsTheBaseVoiceWithItsVariant() {
    assertEquals(expected("en-gb+f3", 175, 50, 100),
        WITH_EMOTIONS.command(voiced("en-gb+f3", Emotion.NEUTRAL, 0)));
    // espeak-ng takes one variant: whispering replaces the designed voice's own.
    assertEquals(expected("en-gb+whisper", 166, 50, 100),
        WITH_EMOTIONS.command(voiced("en-gb+f3", Emotion.WHISPER, 0)));
  }

  @Test
  void theInstalledVariantsAreListed() {
    List<String> variants = WITH_EMOTIONS.variants();
    assertTrue(variants.containsAll(List.of("f3", "m3", "klatt", "whisper")), variants::toString);
  }

  @Test
  void aFemaleVariantRaisesThePitchAndAProfilesPitchMovesItFurther() {
    double base = meanPitchHz(voiced("en-us", Emotion.NEUTRAL, 0));
    double female = meanPitchHz(voiced("en-us+f3", Emotion.NEUTRAL, 0));
    double lower = meanPitchHz(voiced("en-us+f3", Emotion.NEUTRAL, -0.5));
    // espeak-ng's default en-us voice speaks around 120 Hz, its f3 variant well above; measured, not assumed.
    assertTrue(female > base * 1.4, "f3 " + female + " Hz vs base " + base + " Hz");
    assertTrue(lower < female * 0.9 && lower > base, "f3 lowered " + lower + " Hz, f3 " + female + " Hz");
  }
}
