package com.ervc.gateway;

import com.ervc.protocol.Emotion;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;

/**
 * Reads an emotion and its intensity from OpenAI's free-text {@code instructions}, only where the text clearly asks
 * for one (docs/openai-compatible.md#instructions): exactly one emotion's words occur, not negated. Words such as
 * "very" raise the intensity, words such as "slightly" lower it.
 */
final class SpeechInstructions {
  /** The emotion with its intensity (0..1). */
  record Reading(Emotion emotion, double intensity) {
  }

  static final double PLAIN = 0.6;
  static final double STRONG = 0.9;
  static final double MILD = 0.3;

  private static final Map<Emotion, List<String>> WORDS = Map.of(
      Emotion.HAPPY, List.of("happy", "cheerful", "joyful", "upbeat", "delighted", "glad", "happily", "cheerfully"),
      Emotion.SAD, List.of("sad", "sadly", "sorrowful", "melancholy", "melancholic", "gloomy", "mournful", "somber",
          "sombre", "unhappy"),
      Emotion.ANGRY, List.of("angry", "angrily", "furious", "irritated", "annoyed", "enraged", "mad"),
      Emotion.EXCITED, List.of("excited", "excitedly", "enthusiastic", "enthusiastically", "energetic", "thrilled"),
      Emotion.CALM, List.of("calm", "calmly", "soothing", "relaxed", "serene", "gentle", "gently", "peaceful"),
      Emotion.FEARFUL, List.of("fearful", "afraid", "scared", "frightened", "nervous", "nervously", "anxious",
          "terrified"),
      Emotion.WHISPER, List.of("whisper", "whispers", "whispering", "whispered", "hushed"));
  private static final Pattern WORD = Pattern.compile("[a-z']+");
  private static final Set<String> NEGATIONS = Set.of("not", "no", "never", "don't", "dont", "without", "nor",
      "isn't", "avoid");
  private static final Set<String> STRONG_WORDS = Set.of("very", "extremely", "really", "super", "highly",
      "intensely", "incredibly", "deeply", "totally", "so");
  private static final Set<String> MILD_WORDS = Set.of("slightly", "somewhat", "mildly", "subtly", "little", "bit",
      "faintly", "touch");
  /** How many words before an emotion word a negation cancels it. */
  private static final int NEGATION_REACH = 3;

  private SpeechInstructions() {
  }

  /** The emotion the instructions ask for, or empty when they name none, or several (then they are ambiguous). */
  static Optional<Reading> read(String instructions) {
    if (instructions == null || instructions.isBlank()) {
      return Optional.empty();
    }
    List<String> words = WORD.matcher(instructions.toLowerCase(Locale.ROOT)).results().map(MatchResult::group).toList();
    Set<Emotion> found = new LinkedHashSet<>();
    double intensity = PLAIN;
    for (int i = 0; i < words.size(); i++) {
      Emotion emotion = emotionOf(words.get(i));
      if (emotion == null || negated(words, i)) {
        continue;
      }
      found.add(emotion);
      String before = i > 0 ? words.get(i - 1) : "";
      intensity = STRONG_WORDS.contains(before) ? STRONG : MILD_WORDS.contains(before) ? MILD : PLAIN;
    }
    return found.size() == 1 ? Optional.of(new Reading(found.iterator().next(), intensity)) : Optional.empty();
  }

  private static Emotion emotionOf(String word) {
    return WORDS.entrySet().stream().filter(e -> e.getValue().contains(word)).map(Map.Entry::getKey).findFirst()
        .orElse(null);
  }

  private static boolean negated(List<String> words, int index) {
    for (int i = Math.max(0, index - NEGATION_REACH); i < index; i++) {
      if (NEGATIONS.contains(words.get(i))) {
        return true;
      }
    }
    return false;
  }
}
