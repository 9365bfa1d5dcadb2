package com.ervc.provider.onnx;

import com.ervc.provider.espeak.EspeakSynthesizer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Piper's text → phonemes → ids, checked against the golden cases of the contract (real espeak-ng). */
class PhonemeIdsTest {
  private static final PiperConfig CONFIG = PiperConfig.parse(new JsonObject().put("phoneme_id_map", FixtureModels.idMap()));
  private static final EspeakPhonemizer PHONEMIZER =
      new EspeakPhonemizer(new EspeakSynthesizer("espeak-ng", 10_000, false)::ipa);

  private static long[] ids(String phonemes) {
    return PhonemeIds.build(PhonemeIds.phonemes(phonemes), CONFIG.phonemeIdMap(), CONFIG.phonemeMap(), m -> { });
  }

  @Test
  void helloWorldGolden() {
    List<String> sentences = PHONEMIZER.sentences("Hello world.", "en-us");
    assertEquals(List.of("həlˈoʊ wˈɜːld."), sentences);
    assertArrayEquals(new long[] {1, 0, 20, 0, 59, 0, 24, 0, 120, 0, 27, 0, 100, 0, 3, 0, 35, 0, 120, 0, 62, 0, 122, 0,
        24, 0, 17, 0, 10, 0, 2}, ids(sentences.get(0)));
  }

  @Test
  void howAreYouGolden() {
    List<String> sentences = PHONEMIZER.sentences("How are you?", "en-us");
    assertEquals(List.of("hˈaʊ ɑːɹ juː?"), sentences);
    assertArrayEquals(new long[] {1, 0, 20, 0, 120, 0, 14, 0, 100, 0, 3, 0, 51, 0, 122, 0, 88, 0, 3, 0, 22, 0, 33, 0,
        122, 0, 13, 0, 2}, ids(sentences.get(0)));
  }

  @Test
  void clausePunctuationAndSentencesFollowPiper() {
    List<String> sentences = PHONEMIZER.sentences("Well, I think: yes; no! Really? Fine", "en-us");
    assertEquals(3, sentences.size(), sentences.toString());
    assertTrue(sentences.get(0).matches("\\S+, \\S+ \\S+: \\S+; \\S+!"), sentences.get(0));
    assertEquals('!', sentences.get(0).charAt(sentences.get(0).length() - 1));
    assertEquals('?', sentences.get(1).charAt(sentences.get(1).length() - 1));
    assertEquals('.', sentences.get(2).charAt(sentences.get(2).length() - 1), "end of text counts as a full stop");
  }

  @Test
  void clausesKeepTheirMarks() {
    assertEquals(List.of(new Clauses.Clause("Wait", '.', true), new Clauses.Clause("what", '!', true),
        new Clauses.Clause("3.5 dollars", ',', false), new Clauses.Clause("ok", '.', true)),
        Clauses.split("Wait... what?! 3.5 dollars, ok"));
  }

  @Test
  void unknownPhonemesAreSkippedWithoutPadAndMapped() {
    List<String> missing = new ArrayList<>();
    long[] ids = PhonemeIds.build(List.of("a", "☃", "b"), CONFIG.phonemeIdMap(), Map.of("b", List.of("a", "a")), missing::add);
    assertArrayEquals(new long[] {1, 0, 14, 0, 14, 0, 14, 0, 2}, ids);
    assertEquals(List.of("☃"), missing);
  }

  @Test
  void phonemesAreNfdCodePoints() {
    assertEquals(List.of("c", "\u0327", " ", "a"), PhonemeIds.phonemes("ç a"));
  }

  @Test
  void espeakClauseCountMismatchFallsBackPerClause() {
    List<String> calls = new ArrayList<>();
    EspeakPhonemizer ph = new EspeakPhonemizer((voice, text) -> {
      calls.add(text);
      return calls.size() == 1 ? List.of("a", "b", "c") : List.of("x" + calls.size(), "(en)y");
    });
    assertEquals(List.of("x2 y, x3 y."), ph.sentences("one, two", "en-us"));
    assertEquals(List.of("one, two.", "one", "two"), calls);
  }
}
