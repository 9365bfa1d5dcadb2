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
}
