package com.ervc.eval;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResultsFileTest {
  private static final MatrixCell CELL = new MatrixCell("espeak", "en-us", "en-us", "happy", 0.5, "balanced");

  private static ClipResult clip(String id) {
    SignalStats signal = SignalAnalysis.analyse(Signals.tone(180, 0.3, 0.5), Signals.RATE, List.of());
    return new ClipResult(CELL, new CorpusLine(id, "harvard", "en", "Kick the ball."), null, "espeak", false, 30,
        28, 80, 0.16, 5, 1, "kick the ball", new ErrorRate(0, 0, 0, 3), new ErrorRate(0, 0, 0, 13), 120, signal,
        "clips/" + CELL.key() + "/" + id + ".wav");
  }

  @Test
  void resultsSurviveTheRoundTrip(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("results.jsonl");
    try (ResultsFile results = ResultsFile.append(file)) {
      results.write(clip("a"));
      results.write(ClipResult.failed(CELL, new CorpusLine("b", "harvard", "en", "Two."), "internal: boom"));
    }
    Map<String, ClipResult> read = ResultsFile.read(file);
    assertEquals(List.of(CELL.key() + "/a", CELL.key() + "/b"), List.copyOf(read.keySet()));
    assertEquals(clip("a").toJson(), read.get(CELL.key() + "/a").toJson());
    assertFalse(read.get(CELL.key() + "/b").ok());
  }

  /** A run killed mid-write leaves half a line; the next run skips it, starts on a new line, and its retry wins. */
  @Test
  void aTornLineIsIgnoredAndALaterResultReplacesAnEarlierOne(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("results.jsonl");
    try (ResultsFile results = ResultsFile.append(file)) {
      results.write(ClipResult.failed(CELL, new CorpusLine("a", "harvard", "en", "One."), "rate_limited: slow"));
    }
    String torn = clip("b").toJson().encode();
    Files.writeString(file, torn.substring(0, torn.length() / 2), StandardOpenOption.APPEND);
    assertEquals(1, ResultsFile.read(file).size());
    try (ResultsFile results = ResultsFile.append(file)) {
      results.write(clip("a"));
    }
    Map<String, ClipResult> read = ResultsFile.read(file);
    assertEquals(1, read.size());
    assertTrue(read.get(CELL.key() + "/a").ok());
  }
}
