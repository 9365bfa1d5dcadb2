package com.ervc.provider.onnx;

import com.ervc.audio.Pcm16;
import com.ervc.protocol.QualityTier;
import com.ervc.protocol.TtsRequest;
import com.ervc.provider.espeak.EspeakSynthesizer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Scanning a model directory and synthesizing through the loaded fixtures. */
class OnnxVoicesTest {
  private static final EspeakPhonemizer PHONEMIZER =
      new EspeakPhonemizer(new EspeakSynthesizer("espeak-ng", 10_000, false)::ipa);

  @TempDir
  Path dir;

  private static TtsRequest request(String text, String voice, int sampleRate) {
    return TtsRequest.parse(new JsonObject().put("text", text), 5000, sampleRate).withProvider("onnx", voice);
  }

  @Test
  void scanDetectsFormatsAndRejectsBadModelsNamingTheFile() throws Exception {
    FixtureModels.writePiper(dir.resolve("piper"), "en_US-test-medium", 22050, null);
    FixtureModels.writePiper(dir.resolve("piper"), "en_US-duo-low", 16000, new JsonObject().put("ann", 0).put("ben", 1));
    FixtureModels.writeKokoro(dir.resolve("kokoro"), "tokens", OnnxGraph.FLOAT, "af_test", "bm_test");
    Files.createDirectories(dir.resolve("bad"));
    Files.write(dir.resolve("bad/broken.onnx"), new byte[] {1, 2, 3, 4, 5});
    Files.writeString(dir.resolve("bad/broken.onnx.json"), new JsonObject().put("phoneme_id_map", FixtureModels.idMap()).encode());
    Files.write(dir.resolve("bad/stray.onnx"), FixtureModels.piper(false));
    Files.writeString(dir.resolve("bad/orphan.onnx.json"), "{}");
    Files.createDirectories(dir.resolve("kokoro-bad"));
    Files.write(dir.resolve("kokoro-bad/kokoro-v1.0.onnx"), FixtureModels.kokoro("tokens", OnnxGraph.FLOAT));
    Files.write(dir.resolve("kokoro-bad/voices-v1.0.bin"), "not a zip".getBytes());

    try (OnnxVoices voices = OnnxVoices.load(dir, 1, false, 2, 4)) {
      assertEquals(List.of("en_US-duo-low:ann", "en_US-duo-low:ben", "en_US-test-medium", "kokoro-v1.0:af_test",
          "kokoro-v1.0:bm_test"), voices.voices().stream().map(OnnxVoices.Voice::id).sorted().toList());
      List<String> rejected = voices.rejected();
      assertEquals(4, rejected.size(), rejected.toString());
      assertTrue(rejected.stream().anyMatch(r -> r.contains("broken.onnx") && r.contains("ONNX Runtime cannot load it")), rejected.toString());
      assertTrue(rejected.stream().anyMatch(r -> r.contains("stray.onnx") && r.contains("neither a Piper voice")), rejected.toString());
      assertTrue(rejected.stream().anyMatch(r -> r.contains("orphan.onnx.json")), rejected.toString());
      assertTrue(rejected.stream().anyMatch(r -> r.contains("kokoro-bad") && r.contains("voices-v1.0.bin")), rejected.toString());
      assertEquals("en_US-test-medium", voices.defaultVoice());
      assertEquals("en-gb", voices.find("kokoro-v1.0:bm_test").orElseThrow().language());
      assertEquals(List.of("en_US-lessac-low", "en_US-lessac-medium", "en_US-lessac-high"), voices.missing(), "kokoro-v1.0 is installed");
    }
  }

  @Test
  void outputIsResampledToTheRequestRate() throws Exception {
    FixtureModels.writePiper(dir, "en_US-test-medium", 22050, null);
    try (OnnxVoices voices = OnnxVoices.load(dir, 1, false, 1, 1)) {
      OnnxVoices.Voice voice = voices.find("en_US-test-medium").orElseThrow();
      PiperModel model = (PiperModel) voice.model();
      int ids = model.ids(PHONEMIZER.sentences("Hello world.", "en-us").get(0)).length;
      for (int rate : new int[] {16000, 22050, 48000}) {
        byte[] pcm = voices.synthesize(voice, request("Hello world.", voice.id(), rate), false, PHONEMIZER);
        assertEquals((long) ids * 256 * rate / 22050, pcm.length / 2, "samples at " + rate);
      }
    }
  }

  @Test
  void speedAndPitchChangeTheModelsLengthScale() throws Exception {
    FixtureModels.writePiper(dir, "en_US-test-medium", 22050, null);
    try (OnnxVoices voices = OnnxVoices.load(dir, 1, false, 1, 1)) {
      OnnxVoices.Voice voice = voices.voices().get(0);
      int normal = voices.synthesize(voice, request("Hi.", voice.id(), 22050), false, PHONEMIZER).length;
      TtsRequest slow = TtsRequest.parse(new JsonObject().put("text", "Hi.").put("speed", 0.5), 5000, 22050)
          .withProvider("onnx", voice.id());
      assertEquals(2 * normal, voices.synthesize(voice, slow, false, PHONEMIZER).length);
      TtsRequest higher = TtsRequest.parse(new JsonObject().put("text", "Hi.").put("pitch", 1.0), 5000, 22050)
          .withProvider("onnx", voice.id());
      // Synthesized longer by the pitch factor, then resampled back: about the same duration.
      assertEquals(normal, voices.synthesize(voice, higher, false, PHONEMIZER).length, normal * 0.03);
    }
  }

  @Test
  void longTextIsSynthesizedSentenceBySentence() throws Exception {
    FixtureModels.writePiper(dir, "en_US-test-medium", 22050, null);
    try (OnnxVoices voices = OnnxVoices.load(dir, 1, false, 1, 1)) {
      PiperModel model = (PiperModel) voices.voices().get(0).model();
      String text = "One two three. Four five six! Seven eight nine?";
      List<String> sentences = PHONEMIZER.sentences(text, "en-us");
      assertEquals(3, sentences.size());
      int expected = sentences.stream().mapToInt(s -> model.ids(s).length * 256).sum();
      float[] audio = model.synthesize(text, "", Prosody.NEUTRAL, PHONEMIZER);
      assertEquals(expected, audio.length, "one inference per sentence, each with its own BOS/EOS");
    }
  }

  @Test
  void concurrentRequestsEachGetTheirOwnAudio() throws Exception {
    FixtureModels.writePiper(dir, "en_US-multi-medium", 22050, new JsonObject().put("a", 0).put("b", 1).put("c", 2));
    ExecutorService pool = Executors.newFixedThreadPool(6);
    try (OnnxVoices voices = OnnxVoices.load(dir, 1, false, 4, 4)) {
      List<Future<float[]>> results = new ArrayList<>();
      List<long[]> sent = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        long[] ids = {1, 0, 20 + i, 0, 30 + i, 0, 2};
        sent.add(ids);
        int sid = i % 3;
        PiperModel model = (PiperModel) voices.voices().get(0).model();
        results.add(pool.submit(() -> model.infer(ids, 0.667f, 1f + (sid * 0.25f), 0.8f, sid)));
      }
      for (int i = 0; i < results.size(); i++) {
        int perId = Math.round(256 * (1f + (i % 3) * 0.25f));
        float[] audio = results.get(i).get(30, TimeUnit.SECONDS);
        assertArrayEquals(sent.get(i), FixtureModels.decodeIds(audio, perId, 0), "request " + i);
        assertEquals(4 + i % 3, FixtureModels.toneCycles(audio, perId, perId), "speaker of request " + i);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void closingReleasesTheSessions() throws Exception {
    FixtureModels.writePiper(dir, "en_US-test-medium", 22050, null);
    OnnxVoices voices = OnnxVoices.load(dir, 1, false, 1, 1);
    OnnxVoices.Voice voice = voices.voices().get(0);
    voices.close();
    assertTrue(voices.closed());
    assertThrows(IllegalStateException.class, () -> voices.synthesize(voice, request("Hi.", voice.id(), 16000), false, PHONEMIZER));
    assertThrows(IllegalStateException.class, () -> ((PiperModel) voice.model()).infer(new long[] {1, 0, 2}, 0.6f, 1f, 0.8f, 0));
  }

  @Test
  void tierPicksTheQualityLevelForTheDefaultVoice() throws Exception {
    FixtureModels.writePiper(dir, "en_US-test-medium", 22050, null);
    FixtureModels.writePiper(dir, "en_US-test-high", 22050, null);
    try (OnnxVoices voices = OnnxVoices.load(dir, 1, false, 1, 1)) {
      assertEquals("en_US-test-medium", voices.defaultVoice());
      assertEquals("en_US-test-high", voices.select("en_US-test-medium", QualityTier.HIGH).id());
      assertEquals("en_US-test-medium", voices.select("en_US-test-medium", QualityTier.BALANCED).id());
      assertEquals("en_US-test-high", voices.select("en_US-test-high", QualityTier.FAST).id(), "an explicit voice is kept");
    }
  }

  @Test
  void pcmIsClippedSixteenBit() {
    assertArrayEquals(new short[] {32767, -32767, 16384, 32767}, Pcm16.fromFloat(new float[] {1f, -1f, 0.5f, 2f}));
  }
}
