package com.ervc.provider.onnx;

import ai.onnxruntime.OrtException;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Piper contract against the generated fixture model, through ONNX Runtime. */
class PiperModelTest {
  @TempDir
  Path dir;

  private PiperModel load(Path onnx) throws Exception {
    PiperConfig config = PiperConfig.parse(new JsonObject(Files.readString(Path.of(onnx + ".json"))));
    return new PiperModel(onnx, config, OnnxSessions.open(onnx, 1, false), false);
  }

  @Test
  void idsReachTheModelAsBuilt() throws Exception {
    try (PiperModel model = load(FixtureModels.writePiper(dir, "en_US-test-medium", 22050, null))) {
      long[] ids = model.ids("həlˈoʊ wˈɜːld.");
      float[] audio = model.infer(ids, 0.667f, 1.0f, 0.8f, 0);
      assertEquals(ids.length * FixtureModels.PIPER_BASE_SAMPLES, audio.length);
      assertArrayEquals(ids, FixtureModels.decodeIds(audio, FixtureModels.PIPER_BASE_SAMPLES, 0));
    }
  }

  @Test
  void lengthScaleChangesDurationProportionally() throws Exception {
    try (PiperModel model = load(FixtureModels.writePiper(dir, "en_US-test-medium", 22050, null))) {
      long[] ids = {1, 0, 20, 0, 2};
      int base = model.infer(ids, 0.667f, 1.0f, 0.8f, 0).length;
      assertEquals(2 * base, model.infer(ids, 0.667f, 2.0f, 0.8f, 0).length);
      assertEquals(base / 2, model.infer(ids, 0.667f, 0.5f, 0.8f, 0).length);
    }
  }

  @Test
  void sidSelectsTheSpeaker() throws Exception {
    JsonObject speakers = new JsonObject().put("alice", 0).put("bob", 3);
    try (PiperModel model = load(FixtureModels.writePiper(dir, "en_US-multi-medium", 22050, speakers))) {
      assertEquals(java.util.List.of("alice", "bob"), model.speakers());
      long[] ids = {1, 0, 20, 0, 2};
      assertEquals(4, FixtureModels.toneCycles(model.infer(ids, 0.667f, 1f, 0.8f, 0), 256, 256));
      assertEquals(7, FixtureModels.toneCycles(model.infer(ids, 0.667f, 1f, 0.8f, model.config().speakerId("bob")), 256, 256));
    }
  }

  @Test
  void singleSpeakerModelGetsNoSid() throws Exception {
    try (PiperModel model = load(FixtureModels.writePiper(dir, "en_US-test-low", 16000, null))) {
      assertEquals(java.util.List.of(""), model.speakers());
      assertEquals(16000, model.sampleRate());
    }
  }

  @Test
  void configSpeakersWithoutSidInputIsRejectedNamingTheFile() throws Exception {
    Path onnx = FixtureModels.writePiper(dir, "en_US-bad-medium", 22050, null);
    JsonObject config = new JsonObject(Files.readString(Path.of(onnx + ".json"))).put("num_speakers", 2);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new PiperModel(onnx, PiperConfig.parse(config), OnnxSessions.open(onnx, 1, false), false));
    assertTrue(e.getMessage().contains("en_US-bad-medium.onnx"), e.getMessage());
  }

  @Test
  void kokoroGraphIsNotAPiperModel() throws Exception {
    Path onnx = dir.resolve("k.onnx");
    Files.write(onnx, FixtureModels.kokoro("tokens", OnnxGraph.FLOAT));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new PiperModel(onnx,
        PiperConfig.parse(new JsonObject().put("phoneme_id_map", FixtureModels.idMap())), OnnxSessions.open(onnx, 1, false), false));
    assertTrue(e.getMessage().contains("k.onnx") && e.getMessage().contains("input_lengths"), e.getMessage());
  }

  @Test
  void outputIsPeakNormalised() throws OrtException {
    float[] out = PiperModel.normalize(new float[] {0.25f, -0.5f, 0.1f});
    assertArrayEquals(new float[] {0.5f, -1f, 0.2f}, out, 1e-6f);
  }
}
