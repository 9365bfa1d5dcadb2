package com.ervc.eval;

import com.ervc.audio.Pcm16;
import com.ervc.audio.WavAudio;
import com.ervc.audio.WavCodec;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The gate against real speech: espeak-ng reads Harvard sentences, pocketsphinx recognises them, and each defect
 * a broken provider could produce (noise instead of speech, silence, a truncated sentence, clicks at chunk joins)
 * is injected into the same audio. Each must fail the default gate on the measures that describe it.
 */
class InjectedDefectsTest {
  private static final int CHUNK = 2205;
  private static final MatrixCell CELL = new MatrixCell("espeak", "en-us", "en-us", "neutral", 0, "balanced");
  private static final Transcriber SPHINX = new PocketsphinxTranscriber("pocketsphinx_continuous");
  private static final List<CorpusLine> LINES = List.of(
      new CorpusLine("h01", "harvard", "en", "The birch canoe slid on the smooth planks."),
      new CorpusLine("h05", "harvard", "en", "Rice is often served in round bowls."),
      new CorpusLine("h07", "harvard", "en", "The box was thrown beside the parked truck."),
      new CorpusLine("h15", "harvard", "en", "Help the woman get back to her feet."));
  private static final List<short[]> SPEECH = new ArrayList<>();
  private static int rate;
  private static Map<String, CellSummary> baseline;

  @TempDir
  static Path out;

  @BeforeAll
  static void speakAndMeasureTheCleanRun() throws Exception {
    for (CorpusLine line : LINES) {
      Process espeak = new ProcessBuilder("espeak-ng", "-v", "en-us", "--stdout", line.text()).start();
      WavAudio wav = WavCodec.decode(espeak.getInputStream().readAllBytes());
      assertEquals(0, espeak.waitFor());
      rate = wav.sampleRate();
      SPEECH.add(Pcm16.fromLittleEndian(wav.pcm()));
    }
    baseline = run(UnaryOperator.identity());
  }

  private static Map<String, CellSummary> run(UnaryOperator<short[]> defect) throws Exception {
    ClipEvaluator evaluator = new ClipEvaluator(SPHINX, out);
    List<ClipResult> results = new ArrayList<>();
    for (int i = 0; i < LINES.size(); i++) {
      short[] pcm = defect.apply(SPEECH.get(i).clone());
      List<Integer> joins = new ArrayList<>();
      for (int j = CHUNK; j < pcm.length; j += CHUNK) {
        joins.add(j);
      }
      SpeechSession.Reply reply = new SpeechSession.Reply(new JsonObject().put("sampleRate", rate),
          new JsonObject().put("provider", "espeak").put("ttfaMs", 20), null, pcm, joins, List.of(), 25, 60);
      results.add(evaluator.evaluate(CELL, LINES.get(i), reply));
    }
    return Map.of(CELL.key(), CellSummary.of(results));
  }

  private static List<String> regressions(UnaryOperator<short[]> defect) throws Exception {
    return Gate.withOverrides(List.of()).regressions(baseline, run(defect));
  }

  @Test
  void cleanSpeechIsRecognisedAndMeasuredTheSameTwice() throws Exception {
    CellSummary clean = baseline.get(CELL.key());
    assertTrue(clean.wer() < 0.9, "espeak speech is partly recognised: WER " + clean.wer());
    assertEquals(0, clean.joinClicks());
    assertEquals(List.of(), regressions(UnaryOperator.identity()));
  }

  @Test
  void noiseInsteadOfSpeechFailsOnWer() throws Exception {
    List<String> found = regressions(pcm -> {
      Random random = new Random(1);
      for (int i = 0; i < pcm.length; i++) {
        pcm[i] = (short) Math.round(random.nextGaussian() * 3000);
      }
      return pcm;
    });
    assertTrue(found.stream().anyMatch(r -> r.contains(": wer ")), found.toString());
  }

  @Test
  void silenceFailsOnWerAndLoudness() throws Exception {
    List<String> found = regressions(pcm -> new short[pcm.length]);
    assertTrue(found.stream().anyMatch(r -> r.contains(": wer ")), found.toString());
    assertTrue(found.stream().anyMatch(r -> r.contains(": loudnessLufs ")), found.toString());
  }

  /** Pocketsphinx's WER on espeak is high already, so the lost words show in CER and duration. */
  @Test
  void aTruncatedSentenceFailsOnCerAndDuration() throws Exception {
    List<String> found = regressions(pcm -> java.util.Arrays.copyOf(pcm, pcm.length * 2 / 5));
    assertTrue(found.stream().anyMatch(r -> r.contains(": cer ")), found.toString());
    assertTrue(found.stream().anyMatch(r -> r.contains(": durationSec ")), found.toString());
  }

  @Test
  void clicksAtChunkJoinsFailOnJoinClicks() throws Exception {
    List<String> found = regressions(pcm -> {
      for (int j = 4 * CHUNK; j < pcm.length; j += 4 * CHUNK) {
        pcm[j] = (short) (pcm[j - 1] > 0 ? -30000 : 30000);
      }
      return pcm;
    });
    assertTrue(found.stream().anyMatch(r -> r.contains(": joinClicks ")), found.toString());
  }
}
