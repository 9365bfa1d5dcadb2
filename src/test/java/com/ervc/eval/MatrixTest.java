package com.ervc.eval;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class MatrixTest {
  private static final ServiceClient.Offer OFFER = new ServiceClient.Offer(List.of(
      new ServiceClient.Voice("espeak", "af", "af", false),
      new ServiceClient.Voice("espeak", "en-gb", "en-gb", false),
      new ServiceClient.Voice("espeak", "en-us", "en-us", true),
      new ServiceClient.Voice("espeak", "de", "de", false),
      new ServiceClient.Voice("onnx", "af_heart", "en-us", false)),
      Map.of("espeak", List.of("neutral", "happy", "sad"), "onnx", List.of("neutral")));

  @Test
  void defaultsAreEachProvidersDefaultVoiceAndTheEmotionsItSupports() {
    List<MatrixCell> cells = Matrix.cells(OFFER, List.of(), List.of(), List.of(), List.of(0.5), List.of("balanced"));
    assertEquals(List.of("espeak_en-us_neutral_0.00_balanced", "espeak_en-us_happy_0.50_balanced",
        "espeak_en-us_sad_0.50_balanced", "onnx_af_heart_neutral_0.00_balanced"),
        cells.stream().map(MatrixCell::key).toList());
  }

  @Test
  void namedVoicesIntensitiesAndTiersMultiply() {
    List<MatrixCell> cells = Matrix.cells(OFFER, List.of("espeak"), List.of("en-gb", "espeak:de"),
        List.of("neutral", "happy"), List.of(0.5, 1.0), List.of("fast", "high"));
    // 2 voices x 2 tiers x (neutral once + happy twice)
    assertEquals(12, cells.size());
    assertEquals("espeak_de_happy_1.00_high", cells.get(11).key());
  }

  @Test
  void unknownProvidersAndVoicesAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> Matrix.cells(OFFER, List.of("azure"), List.of(), List.of(),
        List.of(0.5), List.of("balanced")));
    assertThrows(IllegalArgumentException.class, () -> Matrix.cells(OFFER, List.of("espeak"), List.of("xx"),
        List.of(), List.of(0.5), List.of("balanced")));
  }

  @Test
  void eachCellGetsTheLinesOfItsVoicesLanguage() {
    List<MatrixCell> cells = Matrix.cells(OFFER, List.of("espeak"), List.of("en-us", "de"), List.of("neutral"),
        List.of(0.5), List.of("balanced"));
    List<CorpusLine> corpus = List.of(new CorpusLine("a", "c", "en", "One."), new CorpusLine("b", "c", "de", "Eins."),
        new CorpusLine("c", "c", "en-gb", "Two."));
    assertEquals(List.of("espeak_en-us_neutral_0.00_balanced/a", "espeak_en-us_neutral_0.00_balanced/c",
        "espeak_de_neutral_0.00_balanced/b"), EvalRunner.jobs(cells, corpus).stream().map(EvalRunner.Job::key)
        .toList());
  }
}
