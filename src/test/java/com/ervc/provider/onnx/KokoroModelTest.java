package com.ervc.provider.onnx;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Kokoro: tokenizer, NPZ voices, style by token count, speed type from the model, 510-token split. */
class KokoroModelTest {
  @TempDir
  Path dir;

  private KokoroModel load(String idsName, int speedType) throws Exception {
    FixtureModels.writeKokoro(dir, idsName, speedType, "af_one", "bf_two");
    Path onnx = dir.resolve("kokoro-v1.0.onnx");
    try (OnnxVoices voices = OnnxVoices.load(dir, 1, false, 1, 1)) {
      assertEquals(List.of(), voices.rejected());
    }
    Path bin = dir.resolve("voices-v1.0.bin");
    return new KokoroModel(onnx, OnnxSessions.open(onnx, 1, false), vocab(), bin, Npz.read(bin), false);
  }

  private static KokoroVocab vocab() throws Exception {
    try (var in = KokoroModelTest.class.getResourceAsStream("/onnx/kokoro-vocab.json")) {
      return KokoroVocab.parse(new JsonObject(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)));
    }
  }

  @Test
  void tokensReachTheModelPaddedWithTheStyleOfTheirCount() throws Exception {
    for (String idsName : List.of("tokens", "input_ids")) {
      try (KokoroModel model = load(idsName, OnnxGraph.FLOAT)) {
        long[] tokens = vocab().tokens("həlˈoʊ!");
        assertArrayEquals(new long[] {50, 83, 54, 156, 57, 135, 5}, tokens);
        float[] style = model.style("bf_two", tokens.length);
        float[] audio = model.infer(tokens, style, 1f);
        long[] expected = {0, 50, 83, 54, 156, 57, 135, 5, 0};
        assertEquals(expected.length * 300, audio.length);
        assertArrayEquals(expected, FixtureModels.decodeIds(audio, 300, FixtureModels.styleMarker(tokens.length, 1)));
      }
    }
  }

  @Test
  void speedTypeIsReadFromTheModel() throws Exception {
    try (KokoroModel floats = load("tokens", OnnxGraph.FLOAT)) {
      assertEquals(150 * 3, floats.infer(new long[] {43}, floats.style("af_one", 1), 2f).length);
    }
    try (KokoroModel ints = load("input_ids", OnnxGraph.INT32)) {
      assertEquals(150 * 3, ints.infer(new long[] {43}, ints.style("af_one", 1), 2f).length);
      assertEquals(300 * 3, ints.infer(new long[] {43}, ints.style("af_one", 1), 1.2f).length, "int32 speed rounds");
    }
  }

  @Test
  void longTokenRunsAreSplitAtFiveHundredTenAfterPunctuation() throws Exception {
    KokoroVocab vocab = vocab();
    long[] tokens = new long[1200];
    java.util.Arrays.fill(tokens, 43);
    tokens[300] = 4; // "."
    tokens[700] = 16; // " "
    List<long[]> chunks = vocab.chunks(tokens);
    assertEquals(List.of(301, 400, 499), chunks.stream().map(c -> c.length).toList());
    assertTrue(chunks.stream().allMatch(c -> c.length <= KokoroVocab.MAX_TOKENS));
  }

  @Test
  void textIsPhonemizedTokenizedAndSplitIntoInferencesOfAtMost510Tokens() throws Exception {
    EspeakPhonemizer phonemizer = new EspeakPhonemizer(new com.ervc.provider.espeak.EspeakSynthesizer("espeak-ng", 10_000, false)::ipa);
    try (KokoroModel model = load("tokens", OnnxGraph.FLOAT)) {
      String shortText = "Hello world.";
      int tokens = vocab().tokens(String.join(" ", phonemizer.sentences(shortText, "en-us"))).length;
      assertEquals((tokens + 2) * 300, model.synthesize(shortText, "af_one", Prosody.NEUTRAL, phonemizer).length);

      String longText = "This is a rather long sentence that keeps going, with several clauses; and more words. ".repeat(12);
      List<long[]> chunks = vocab().chunks(vocab().tokens(String.join(" ", phonemizer.sentences(longText, "en-us"))));
      assertTrue(chunks.size() >= 2, "long text needs several inferences: " + chunks.size());
      int expected = chunks.stream().mapToInt(c -> (c.length + 2) * 300).sum();
      assertEquals(expected, model.synthesize(longText, "af_one", Prosody.NEUTRAL, phonemizer).length);
    }
  }

  @Test
  void voiceArraysOfTheWrongShapeAreRejectedNamingTheFile() throws Exception {
    Files.createDirectories(dir);
    Files.write(dir.resolve("kokoro-v1.0.onnx"), FixtureModels.kokoro("tokens", OnnxGraph.FLOAT));
    try (var zip = new java.util.zip.ZipOutputStream(Files.newOutputStream(dir.resolve("voices-v1.0.bin")))) {
      zip.putNextEntry(new java.util.zip.ZipEntry("af_bad.npy"));
      zip.write(FixtureModels.npy(new float[510 * 100], "(510, 1, 100)"));
      zip.closeEntry();
    }
    try (OnnxVoices voices = OnnxVoices.load(dir, 1, false, 1, 1)) {
      assertEquals(0, voices.voices().size());
      assertTrue(voices.rejected().get(0).contains("voices-v1.0.bin") && voices.rejected().get(0).contains("af_bad"),
          voices.rejected().toString());
    }
  }

  @Test
  void npyWithWrongLengthIsRefused() {
    byte[] npy = FixtureModels.npy(new float[10], "(5, 3)");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Npz.npy(npy));
    assertTrue(e.getMessage().contains("needs 60 bytes"), e.getMessage());
  }

  @Test
  void aBlendsStyleIsTheWeightedMeanOfItsVoicesRows() throws Exception {
    try (KokoroModel model = load("tokens", OnnxGraph.FLOAT)) {
      for (int tokens : List.of(1, 7, 600)) {
        float[] one = model.style("af_one", tokens);
        float[] two = model.style("bf_two", tokens);
        float[] mixed = model.style("af_one:2+bf_two:1", tokens);
        for (int i = 0; i < mixed.length; i++) {
          assertEquals(2.0 / 3 * one[i] + 1.0 / 3 * two[i], mixed[i], 1e-6, "element " + i + " at " + tokens);
        }
        assertArrayEquals(mixed, model.style("af_one:4+bf_two:2", tokens), "weights are normalised");
      }
      assertThrows(com.ervc.protocol.SpeechException.class, () -> model.style("af_one:1+af_nobody:1", 3));
    }
  }

  @Test
  void aBlendIsSpokenWithTheMixedStyle() throws Exception {
    FixtureModels.writeKokoro(dir, "tokens", OnnxGraph.FLOAT, "af_one", "bf_two");
    EspeakPhonemizer phonemizer = new EspeakPhonemizer(
        new com.ervc.provider.espeak.EspeakSynthesizer("espeak-ng", 10_000, false)::ipa);
    try (OnnxVoices voices = OnnxVoices.load(dir, 1, false, 1, 1)) {
      assertEquals(List.of("af_one", "bf_two"), voices.design().parts());
      OnnxVoices.Voice blend = voices.select("af_one:1+bf_two:3", com.ervc.protocol.QualityTier.BALANCED);
      assertEquals("kokoro", blend.model().format());
      assertEquals("en-us", blend.language(), "the first voice's language");
      float[] audio = blend.model().synthesize("Hi.", blend.speaker(), Prosody.NEUTRAL, phonemizer);
      int tokens = audio.length / FixtureModels.KOKORO_BASE_SAMPLES - 2;
      double marker = 0.25 * FixtureModels.styleMarker(tokens, 0) + 0.75 * FixtureModels.styleMarker(tokens, 1);
      long[] ids = FixtureModels.decodeIds(audio, FixtureModels.KOKORO_BASE_SAMPLES, marker);
      assertEquals(0, ids[0], "the pad reached the model with the blend's style offset");
      assertEquals(0, ids[ids.length - 1]);
      assertEquals(null, voices.select("af_one:1+af_nobody:1", com.ervc.protocol.QualityTier.BALANCED));
    }
  }
}
