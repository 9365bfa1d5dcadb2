package com.ervc.provider.espeak;

import com.ervc.protocol.Emotion;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.ToIntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class EspeakProsodyTest {

  private static final EspeakProsody NEUTRAL = new EspeakProsody(175, 50, 100, null);

  @ParameterizedTest
  @ValueSource(doubles = {0.0, 0.5, 1.0})
  void neutralIgnoresIntensity(double intensity) {
    assertEquals(NEUTRAL, EspeakProsody.of(Emotion.NEUTRAL, intensity, 1.0, 0.0));
  }

  // Rate, pitch and amplitude are neutral at intensity 0. (The whisper variant is a voice switch, not a level,
  // and stays on: see whisperUsesTheWhisperVariant.)
  @ParameterizedTest
  @EnumSource(Emotion.class)
  void intensityZeroLeavesEveryLevelNeutral(Emotion emotion) {
    EspeakProsody prosody = EspeakProsody.of(emotion, 0.0, 1.0, 0.0);

    assertEquals(175, prosody.wordsPerMinute());
    assertEquals(50, prosody.pitch());
    assertEquals(100, prosody.amplitude());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "HAPPY,   193, 65, 110,",
      "EXCITED, 219, 75, 130,",
      "SAD,     140, 35,  75,",
      "ANGRY,   193, 42, 150,",
      "CALM,    154, 42,  85,",
      "FEARFUL, 210, 70,  90,",
      "WHISPER, 166, 50, 100, whisper"})
  void fullIntensityShapes(Emotion emotion, int wpm, int pitch, int amplitude, String variant) {
    assertEquals(new EspeakProsody(wpm, pitch, amplitude, variant), EspeakProsody.of(emotion, 1.0, 1.0, 0.0));
  }

  @ParameterizedTest
  @EnumSource(value = Emotion.class, names = {"HAPPY", "EXCITED", "FEARFUL"})
  void brightEmotionsRaisePitchAndRate(Emotion emotion) {
    EspeakProsody prosody = EspeakProsody.of(emotion, 1.0, 1.0, 0.0);

    assertTrue(prosody.pitch() > 50, prosody::toString);
    assertTrue(prosody.wordsPerMinute() > 175, prosody::toString);
  }

  @ParameterizedTest
  @EnumSource(value = Emotion.class, names = {"SAD", "CALM"})
  void subduedEmotionsLowerPitchRateAndAmplitude(Emotion emotion) {
    EspeakProsody prosody = EspeakProsody.of(emotion, 1.0, 1.0, 0.0);

    assertTrue(prosody.pitch() < 50, prosody::toString);
    assertTrue(prosody.wordsPerMinute() < 175, prosody::toString);
    assertTrue(prosody.amplitude() < 100, prosody::toString);
  }

  @ParameterizedTest
  @ValueSource(doubles = {0.01, 0.5, 1.0})
  void whisperUsesTheWhisperVariant(double intensity) {
    assertEquals("whisper", EspeakProsody.of(Emotion.WHISPER, intensity, 1.0, 0.0).variant());
  }

  @ParameterizedTest(name = "{0} at intensity {1}, speed {2} -> {3} wpm")
  @CsvSource({
      "NEUTRAL, 0.0, 2.0,  350",  // speed scales words per minute linearly
      "NEUTRAL, 0.0, 0.5,   88",  // 87.5 rounds half up
      "NEUTRAL, 0.0, 0.25,  80",  // 43.75 clamps to espeak's usable minimum
      "SAD,     1.0, 0.25,  80",
      "NEUTRAL, 0.0, 4.0,  450",  // 700 clamps to the maximum
      "EXCITED, 1.0, 4.0,  450",
      "HAPPY,   1.0, 2.0,  385"})
  void speedScalesAndClampsRate(Emotion emotion, double intensity, double speed, int wpm) {
    assertEquals(wpm, EspeakProsody.of(emotion, intensity, speed, 0.0).wordsPerMinute());
  }

  @ParameterizedTest
  @EnumSource(Emotion.class)
  void intensityOutsideZeroToOneIsClamped(Emotion emotion) {
    assertEquals(EspeakProsody.of(emotion, 1.0, 1.0, 0.0), EspeakProsody.of(emotion, 7.0, 1.0, 0.0));
    assertEquals(EspeakProsody.of(emotion, 0.0, 1.0, 0.0), EspeakProsody.of(emotion, -2.0, 1.0, 0.0));
  }

  @ParameterizedTest
  @EnumSource(Emotion.class)
  void everyLevelMovesMonotonicallyWithIntensity(Emotion emotion) {
    assertMonotonic(emotion, EspeakProsody::wordsPerMinute);
    assertMonotonic(emotion, EspeakProsody::pitch);
    assertMonotonic(emotion, EspeakProsody::amplitude);
  }

  /** Steps intensity 0 → 1 and checks the level never moves back against its full-intensity direction. */
  private static void assertMonotonic(Emotion emotion, ToIntFunction<EspeakProsody> level) {
    int direction = Integer.signum(level.applyAsInt(EspeakProsody.of(emotion, 1.0, 1.0, 0.0))
        - level.applyAsInt(EspeakProsody.of(emotion, 0.0, 1.0, 0.0)));
    int previous = level.applyAsInt(EspeakProsody.of(emotion, 0.0, 1.0, 0.0));
    for (int step = 1; step <= 100; step++) {
      int current = level.applyAsInt(EspeakProsody.of(emotion, step / 100.0, 1.0, 0.0));
      assertTrue(Integer.signum(current - previous) * direction >= 0,
          emotion + " went from " + previous + " to " + current + " at intensity " + step / 100.0);
      previous = current;
    }
  }

  @Test
  void pitchOffsetMovesPitchWithinEspeaksScale() {
    assertEquals(50 + EspeakProsody.PITCH_RANGE / 2, EspeakProsody.of(Emotion.NEUTRAL, 0.5, 1.0, 0.5).pitch());
    assertEquals(0, EspeakProsody.of(Emotion.SAD, 1.0, 1.0, -1.0).pitch(), "clamped at the bottom");
    assertEquals(99, EspeakProsody.of(Emotion.EXCITED, 1.0, 1.0, 1.0).pitch(), "clamped at the top");
  }
}
