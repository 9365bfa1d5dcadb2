package com.ervc.eval;

import com.ervc.audio.Pcm16;
import com.ervc.audio.WavCodec;
import com.ervc.testing.Await;
import com.ervc.testing.Browser;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The report and the blind A/B page in headless Chromium: the report opens from disk without a console error
 * (so without a blocked resource) and shows its charts; on the A/B page a listener's click records a vote, reveals
 * the two systems and updates the rating table, again without a console error (the page's CSP holds).
 */
class EvalBrowserIT {
  private static final List<MatrixCell> CELLS = List.of(
      new MatrixCell("espeak", "en-us", "en-us", "neutral", 0, "balanced"),
      new MatrixCell("espeak", "en-us", "en-us", "happy", 0.5, "balanced"));
  private static final List<ClipResult> RESULTS = new ArrayList<>();
  private static Browser browser;
  private static Vertx vertx;

  @TempDir
  static Path dir;

  @BeforeAll
  static void start() throws Exception {
    int hz = 150;
    for (MatrixCell cell : CELLS) {
      for (String id : List.of("h01", "h02", "h03")) {
        String wav = "clips/" + cell.key() + "/" + id + ".wav";
        Files.createDirectories(dir.resolve(wav).getParent());
        short[] pcm = Signals.tone(hz += 15, 0.2, 0.8);
        Files.write(dir.resolve(wav), WavCodec.encode(Pcm16.toLittleEndian(pcm), Signals.RATE, 1));
        RESULTS.add(new ClipResult(cell, new CorpusLine(id, "harvard", "en", "Sentence " + id + "."), null,
            "espeak", false, 40 + hz, 30, 90, 0.1, 1, 1, "sentence", ErrorRate.words("Sentence " + id + ".",
            "sentence"), ErrorRate.characters("Sentence " + id + ".", "sentence"), 150,
            SignalAnalysis.analyse(pcm, Signals.RATE, List.of()), wav));
      }
    }
    browser = new Browser();
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() throws Exception {
    browser.close();
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void theReportOpensWithoutErrorsAndShowsItsCharts() throws Exception {
    Report.write(dir, RESULTS, "none", "test", 4);
    browser.consoleErrors();
    browser.driver().get(dir.resolve(Report.HTML).toUri().toString());
    assertEquals("TTS evaluation", browser.driver().getTitle());
    assertTrue(browser.driver().findElements(By.cssSelector("svg.chart")).size() >= 5, "charts");
    assertEquals(6, browser.driver().findElements(By.cssSelector("svg.chart circle")).size(), "a TTFA dot per clip");
    assertEquals(6, browser.driver().findElements(By.tagName("audio")).size());
    assertEquals(List.of(), browser.consoleErrors());
  }

  @Test
  void aListenerVotesBlindAndSeesTheRatings() throws Exception {
    HttpServer server = AbServer.start(vertx, dir, RESULTS, "127.0.0.1", 0).await(10, TimeUnit.SECONDS);
    browser.consoleErrors();
    browser.driver().get("http://127.0.0.1:" + server.actualPort() + "/");
    Await.until("a pair to vote on", Duration.ofSeconds(20),
        () -> browser.driver().findElement(By.id("vote-b")).isEnabled());
    String sentence = browser.driver().findElement(By.id("text")).getText();
    assertTrue(sentence.startsWith("Sentence h0"), sentence);
    Await.until("both clips loaded", Duration.ofSeconds(20),
        () -> browser.number("document.getElementById('audio-a').duration") > 0.7
            && browser.number("document.getElementById('audio-b').duration") > 0.7);
    browser.driver().findElement(By.id("vote-b")).click();
    Await.until("the systems revealed", Duration.ofSeconds(20),
        () -> browser.driver().findElement(By.id("result")).getText().contains("A was espeak_en-us_"));
    Await.until("the ratings table", Duration.ofSeconds(20),
        () -> browser.driver().findElements(By.cssSelector("#ratings tbody tr")).size() == 2);
    List<BradleyTerry.Vote> votes = VotesFile.read(dir.resolve(VotesFile.NAME));
    assertEquals(1, votes.size());
    assertEquals("b", votes.get(0).winner());
    assertEquals(votes.get(0).b(), browser.driver().findElement(By.cssSelector("#ratings tbody tr td")).getText(),
        "the winner rates first");
    Await.until("the next pair", Duration.ofSeconds(20),
        () -> browser.driver().findElement(By.id("vote-a")).isEnabled());
    browser.driver().findElement(By.tagName("body")).sendKeys("t");
    Await.until("a tie by keyboard", Duration.ofSeconds(20),
        () -> VotesFile.read(dir.resolve(VotesFile.NAME)).size() == 2);
    assertEquals("tie", VotesFile.read(dir.resolve(VotesFile.NAME)).get(1).winner());
    // The page still fetches the ratings and the next pair after a vote: let it finish and leave it before the
    // server closes, or its requests fail in the next test's console.
    Await.until("the ratings after the tie and the next pair", Duration.ofSeconds(20),
        () -> browser.driver().findElement(By.id("votes")).getText().equals("2 votes")
            && browser.driver().findElement(By.id("vote-a")).isEnabled());
    assertEquals(List.of(), browser.consoleErrors());
    browser.driver().get("about:blank");
    server.close().await(10, TimeUnit.SECONDS);
  }
}
