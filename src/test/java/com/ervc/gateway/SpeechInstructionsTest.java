package com.ervc.gateway;

import com.ervc.protocol.Emotion;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SpeechInstructionsTest {
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "Speak in a cheerful tone.                    | happy   | 0.6",
      "Sound VERY sad, like a eulogy.               | sad     | 0.9",
      "slightly annoyed                             | angry   | 0.3",
      "Whisper it.                                  | whisper | 0.6",
      "A calm, soothing bedtime voice.              | calm    | 0.6",
      "Be extremely enthusiastic!                   | excited | 0.9",
      "Don't sound sad; be cheerful.                | happy   | 0.6",
      "You are a little bit nervous.                | fearful | 0.3"})
  void oneClearEmotionIsRead(String instructions, String emotion, double intensity) {
    assertEquals(Optional.of(new SpeechInstructions.Reading(Emotion.parse(emotion), intensity)),
        SpeechInstructions.read(instructions));
  }

  @ParameterizedTest
  @NullSource
  @ValueSource(strings = {"", "Speak like a pirate.", "Happy but also sad.", "Do not sound angry.",
      "Accent: British. Tone: neutral."})
  void noneOrSeveralOrNegatedEmotionsLeaveTheDefault(String instructions) {
    assertEquals(Optional.empty(), SpeechInstructions.read(instructions));
  }
}
