package com.ervc.it;

import com.ervc.eval.EvalMain;
import com.ervc.eval.MatrixCell;
import com.ervc.node.Node;
import com.ervc.testing.TestNodes;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The evaluation CLI end to end: a node with espeak, five Harvard sentences neutral and happy through the real
 * WebSocket API, pocketsphinx recognising espeak's speech, the report, a resumed run, and the gate.
 */
class EvalIT {
  /** Pocketsphinx's general English model on espeak-ng's formant voice: most words come back wrong (about 0.8). */
  private static final double CLEAN_WER_BOUND = 0.9;
  private static final String NEUTRAL = "espeak_en-us_neutral_0.00_balanced";
  private static final String HAPPY = "espeak_en-us_happy_0.50_balanced";

  @TempDir
  Path out;

  private record Run(int exit, String stdout, String stderr) {
  }

  private Run eval(String... extra) {
    Node node = TestNodes.single();
    List<String> args = new ArrayList<>(List.of("--url", "http://127.0.0.1:" + node.httpPort(), "--out",
        out.toString(), "--categories", "harvard", "--limit", "5", "--emotions", "neutral,happy"));
    args.addAll(List.of(extra));
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    int exit = EvalMain.run(args.toArray(String[]::new), new PrintStream(stdout, true, StandardCharsets.UTF_8),
        new PrintStream(stderr, true, StandardCharsets.UTF_8));
    return new Run(exit, stdout.toString(StandardCharsets.UTF_8), stderr.toString(StandardCharsets.UTF_8));
  }

  private JsonObject cell(JsonObject report, String key) {
    return report.getJsonArray("cells").stream().map(JsonObject.class::cast)
        .filter(c -> c.getString("key").equals(key)).findFirst().orElseThrow().getJsonObject("summary");
  }

  @Test
  void aTinyMatrixIsMeasuredReportedResumedAndGated() throws Exception {
    Run first = eval("--concurrency", "2");
    assertEquals(0, first.exit(), first.stderr());
    assertTrue(first.stdout().contains("2 cells x corpus lines in their voices' languages = 10 clips"), first.stdout());
    assertTrue(first.stdout().contains("] 10/10 "), "progress reaches the end: " + first.stdout());
    assertTrue(first.stdout().contains("throughput: 10 clips in "), first.stdout());

    JsonObject report = new JsonObject(Files.readString(out.resolve("report.json")));
    assertEquals(2, report.getJsonArray("cells").size());
    for (String key : List.of(NEUTRAL, HAPPY)) {
      JsonObject s = cell(report, key);
      assertEquals(5, s.getInteger("clips"), key);
      assertEquals(0, s.getInteger("failed"), key);
      assertEquals(0, s.getInteger("joinClicks"), key + ": espeak's chunk joins are continuous");
      assertEquals(0.0, s.getDouble("clippedRatio"), key);
      assertTrue(s.getDouble("ttfaP95Ms") > 0 && s.getDouble("realTimeFactor") > 0, key + " " + s);
    }
    double wer = cell(report, NEUTRAL).getDouble("wer");
    assertTrue(wer < CLEAN_WER_BOUND, "neutral Harvard sentences WER " + wer);
    JsonArray shifts = report.getJsonArray("emotionShifts");
    assertEquals(1, shifts.size());
    JsonObject happy = shifts.getJsonObject(0);
    assertEquals(5, happy.getInteger("pairs"));
    assertTrue(happy.getJsonObject("f0Semitones").getDouble("mean") > 0.5, "espeak's happy is higher: " + happy);

    String html = Files.readString(out.resolve("report.html"));
    for (String key : List.of(NEUTRAL, HAPPY)) {
      for (String id : List.of("h01", "h02", "h03", "h04", "h05")) {
        String wav = "clips/" + key + "/" + id + ".wav";
        assertTrue(html.contains("src=\"" + wav + "\""), wav);
        assertTrue(Files.size(out.resolve(wav)) > 10_000, wav);
      }
    }
    assertTrue(!html.contains("http://") && !html.contains("https://") && !html.contains("<script"),
        "the page is self-contained");

    // Interrupted run: the last clip's line lost, half a line written instead. Only that clip runs again.
    Path results = out.resolve("results.jsonl");
    List<String> lines = Files.readAllLines(results);
    assertEquals(10, lines.size());
    String last = lines.get(9);
    Files.write(results, lines.subList(0, 9));
    Files.writeString(results, last.substring(0, last.length() / 2), java.nio.file.StandardOpenOption.APPEND);
    Run resumed = eval();
    assertEquals(0, resumed.exit(), resumed.stderr());
    assertTrue(resumed.stdout().contains("resuming: 9 of 10 clips already done"), resumed.stdout());
    assertEquals(1, Stream.of(resumed.stdout().split("\n")).filter(l -> l.contains("] 10/10 ")).count());

    // The gate: the run against itself passes; against a baseline that was 20 points better it fails.
    Path baseline = out.resolve("baseline.json");
    Files.copy(out.resolve("report.json"), baseline);
    Run same = eval("--baseline", baseline.toString());
    assertEquals(0, same.exit(), same.stderr());
    assertTrue(same.stdout().contains("gate: no regression"), same.stdout());
    JsonObject better = new JsonObject(Files.readString(baseline));
    cell(better, NEUTRAL).put("wer", wer - 0.2);
    Files.writeString(baseline, better.encode());
    Run regressed = eval("--baseline", baseline.toString());
    assertEquals(1, regressed.exit(), regressed.stdout());
    assertTrue(regressed.stderr().contains(NEUTRAL + ": wer "), regressed.stderr());
  }

  /** Speed 2 and pitch +0.5 in espeak: measured against speed 1 and pitch 0 of the same sentences. */
  @Test
  void speedAndPitchAreMeasuredAgainstTheRequest() throws Exception {
    Run run = eval("--emotions", "neutral", "--limit", "3", "--speeds", "1,2", "--pitches", "0,0.5",
        "--recogniser", "none");
    assertEquals(0, run.exit(), run.stderr());
    assertTrue(run.stdout().contains("4 cells x corpus lines in their voices' languages = 12 clips"), run.stdout());
    JsonObject report = new JsonObject(Files.readString(out.resolve("report.json")));
    Map<String, JsonObject> shifts = report.getJsonArray("settingShifts").stream().map(JsonObject.class::cast)
        .collect(java.util.stream.Collectors.toMap(s -> MatrixCell.fromJson(s.getJsonObject("cell")).key(), s -> s));
    assertEquals(3, shifts.size(), shifts.keySet().toString());
    JsonObject fast = shifts.get(NEUTRAL + "_s2.00_p+0.00");
    assertEquals(2.0, fast.getDouble("speedMeasured"), 0.5, "espeak speaks twice as fast: " + fast);
    assertEquals(0, fast.getJsonObject("f0Semitones").getDouble("mean"), 1.5, "at its own pitch: " + fast);
    JsonObject high = shifts.get(NEUTRAL + "_s1.00_p+0.50");
    assertEquals(1.0, high.getDouble("speedMeasured"), 0.15, "at its own speed: " + high);
    assertTrue(high.getJsonObject("f0Semitones").getDouble("mean") > 1, "pitch +0.5 is higher: " + high);
    assertEquals(2.0, high.getDouble("pitchExpectedSemitones"));
    assertEquals(cell(report, NEUTRAL + "_s1.00_p+0.50").getDouble("pitchErrorPercent"),
        high.getDouble("pitchErrorPercent"));
  }
}
