package com.ervc.eval;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class MatrixTest {
  private static final ServiceClient.Offer OFFER = new ServiceClient.Offer(List.of(
      new ServiceClient.Voice("espeak", "af", "af", false),
      new ServiceClient.Voice("espeak", "en-gb", "en-gb", false),
      new ServiceClient.Voice("espeak", "en-us", "en-us", true),
      new ServiceClient.Voice("espeak", "de", "de", false),
      new ServiceClient.Voice("onnx", "af_heart", "en-us", false)),
      Map.of("espeak", List.of("neutral", "happy", "sad"), "onnx", List.of("neutral")), Set.of("espeak"));
  private static final List<Double> OWN_SPEED = List.of(1.0);
  private static final List<Double> OWN_PITCH = List.of(0.0);

  @Test
  void defaultsAreEachProvidersDefaultVoiceAndTheEmotionsItSupports() {
    List<MatrixCell> cells = Matrix.cells(OFFER, List.of(), List.of(), List.of(), List.of(0.5), List.of("balanced"),
        OWN_SPEED, OWN_PITCH);
    assertEquals(List.of("espeak_en-us_neutral_0.00_balanced", "espeak_en-us_happy_0.50_balanced",
        "espeak_en-us_sad_0.50_balanced", "onnx_af_heart_neutral_0.00_balanced"),
        cells.stream().map(MatrixCell::key).toList());
  }

  @Test
  void namedVoicesIntensitiesAndTiersMultiply() {
    List<MatrixCell> cells = Matrix.cells(OFFER, List.of("espeak"), List.of("en-gb", "espeak:de"),
        List.of("neutral", "happy"), List.of(0.5, 1.0), List.of("fast", "high"), OWN_SPEED, OWN_PITCH);
    // 2 voices x 2 tiers x (neutral once + happy twice)
    assertEquals(12, cells.size());
    assertEquals("espeak_de_happy_1.00_high", cells.get(11).key());
  }

  @Test
  void unknownProvidersAndVoicesAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> Matrix.cells(OFFER, List.of("azure"), List.of(), List.of(),
        List.of(0.5), List.of("balanced"), OWN_SPEED, OWN_PITCH));
    assertThrows(IllegalArgumentException.class, () -> Matrix.cells(OFFER, List.of("espeak"), List.of("xx"),
        List.of(), List.of(0.5), List.of("balanced"), OWN_SPEED, OWN_PITCH));
  }

  @Test
  void eachCellGetsTheLinesOfItsVoicesLanguage() {
    List<MatrixCell> cells = Matrix.cells(OFFER, List.of("espeak"), List.of("en-us", "de"), List.of("neutral"),
        List.of(0.5), List.of("balanced"), OWN_SPEED, OWN_PITCH);
    List<CorpusLine> corpus = List.of(new CorpusLine("a", "c", "en", "One."), new CorpusLine("b", "c", "de", "Eins."),
        new CorpusLine("c", "c", "en-gb", "Two."));
    assertEquals(List.of("espeak_en-us_neutral_0.00_balanced/a", "espeak_en-us_neutral_0.00_balanced/c",
        "espeak_de_neutral_0.00_balanced/b"), EvalRunner.jobs(cells, corpus).stream().map(EvalRunner.Job::key)
        .toList());
  }

  /** Speeds and pitches are extra neutral cells; pitch only where the provider supports it. */
  @Test
  void speedAndPitchAreExtraNeutralCellsWherePitchIsOffered() {
    List<MatrixCell> cells = Matrix.cells(OFFER, List.of(), List.of(), List.of("neutral", "happy"), List.of(0.5),
        List.of("balanced"), List.of(1.0, 1.5), List.of(0.0, -0.5));
    assertEquals(List.of("espeak_en-us_neutral_0.00_balanced", "espeak_en-us_neutral_0.00_balanced_s1.00_p-0.50",
        "espeak_en-us_neutral_0.00_balanced_s1.50_p+0.00", "espeak_en-us_neutral_0.00_balanced_s1.50_p-0.50",
        "espeak_en-us_happy_0.50_balanced",
        "onnx_af_heart_neutral_0.00_balanced", "onnx_af_heart_neutral_0.00_balanced_s1.50_p+0.00",
        "onnx_af_heart_happy_0.50_balanced"), cells.stream().map(MatrixCell::key).toList());
    MatrixCell slow = cells.get(3);
    assertEquals(1.5, slow.speed());
    assertEquals(-0.5, slow.pitch());
    assertEquals(slow, MatrixCell.fromJson(slow.toJson()));
  }
}
