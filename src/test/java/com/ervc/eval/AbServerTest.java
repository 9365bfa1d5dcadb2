package com.ervc.eval;

import com.ervc.audio.Pcm16;
import com.ervc.audio.WavCodec;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AbServerTest {
  private static final MatrixCell ESPEAK = new MatrixCell("espeak", "en-us", "en-us", "neutral", 0, "balanced");
  private static final MatrixCell HAPPY = new MatrixCell("espeak", "en-us", "en-us", "happy", 0.5, "balanced");
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static Vertx vertx;
  private static String base;
  private static final List<ClipResult> RESULTS = new ArrayList<>();

  @TempDir
  static Path dir;

  @BeforeAll
  static void start() throws Exception {
    int hz = 200;
    for (MatrixCell cell : List.of(ESPEAK, HAPPY)) {
      for (String id : List.of("h01", "h02")) {
        String wav = "clips/" + cell.key() + "/" + id + ".wav";
        Files.createDirectories(dir.resolve(wav).getParent());
        short[] pcm = Signals.tone(hz += 20, 0.2, 0.3);
        Files.write(dir.resolve(wav), WavCodec.encode(Pcm16.toLittleEndian(pcm), Signals.RATE, 1));
        RESULTS.add(new ClipResult(cell, new CorpusLine(id, "harvard", "en", "Sentence " + id + "."), null, "espeak",
            false, 30, 30, 60, 0.1, 1, 1, null, null, null, 150, SignalAnalysis.analyse(pcm, Signals.RATE,
            List.of()), wav));
      }
    }
    RESULTS.add(ClipResult.failed(HAPPY, new CorpusLine("h03", "harvard", "en", "Only failed."), "timeout"));
    vertx = Vertx.vertx();
    HttpServer server = AbServer.start(vertx, dir, RESULTS, "127.0.0.1", 0).await(10, TimeUnit.SECONDS);
    base = "http://127.0.0.1:" + server.actualPort();
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private static HttpResponse<byte[]> get(String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static HttpResponse<String> post(String path, String body) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A pair names no system; its audio is two different cells' readings of its sentence; the vote reveals them. */
  @Test
  void aPairIsBlindUntilItsVoteIsIn() throws Exception {
    HttpResponse<byte[]> page = get("/ab/");
    assertEquals(200, page.statusCode());
    assertTrue(new String(page.body()).contains("<script src=\"ab.js\" defer></script>"));
    assertTrue(page.headers().firstValue("Content-Security-Policy").orElseThrow().contains("script-src 'self'"));
    assertEquals(200, get("/ab/ab.js").statusCode());

    JsonObject pair = new JsonObject(new String(get("/ab/api/pair").body()));
    String text = pair.encode();
    assertFalse(text.contains("espeak") || text.contains("happy") || text.contains("neutral"), text);
    assertTrue(List.of("Sentence h01.", "Sentence h02.").contains(pair.getString("text")), text);
    byte[] a = get(pair.getString("a")).body();
    byte[] b = get(pair.getString("b")).body();
    String id = pair.getString("text").substring(9, 12);
    List<byte[]> readings = List.of(Files.readAllBytes(dir.resolve("clips/" + ESPEAK.key() + "/" + id + ".wav")),
        Files.readAllBytes(dir.resolve("clips/" + HAPPY.key() + "/" + id + ".wav")));
    assertTrue(readings.stream().anyMatch(r -> Arrays.equals(r, a)));
    assertTrue(readings.stream().anyMatch(r -> Arrays.equals(r, b)));
    assertFalse(Arrays.equals(a, b));

    HttpResponse<String> voted = post("/ab/api/vote", new JsonObject().put("pair", pair.getString("pair"))
        .put("winner", "b").encode());
    assertEquals(200, voted.statusCode(), voted.body());
    JsonObject reveal = new JsonObject(voted.body());
    assertNotEquals(reveal.getString("a"), reveal.getString("b"));
    String bWasHappy = Arrays.equals(b, readings.get(1)) ? HAPPY.key() : ESPEAK.key();
    assertEquals(bWasHappy, reveal.getString("b"));
    List<BradleyTerry.Vote> votes = VotesFile.read(dir.resolve(VotesFile.NAME));
    BradleyTerry.Vote last = votes.get(votes.size() - 1);
    assertEquals(new BradleyTerry.Vote(id, reveal.getString("a"), bWasHappy, "b"), last);

    assertEquals(404, post("/ab/api/vote", new JsonObject().put("pair", pair.getString("pair"))
        .put("winner", "a").encode()).statusCode(), "one vote per pair");
    assertEquals(404, get(pair.getString("a")).statusCode(), "a voted pair's audio is gone");
    JsonObject ratings = new JsonObject(new String(get("/ab/api/ratings").body()));
    assertEquals(votes.size(), ratings.getInteger("votes"));
    assertEquals(bWasHappy, ratings.getJsonArray("ratings").getJsonObject(0).getString("system"));
  }

  @Test
  void badVotesAreRefused() throws Exception {
    JsonObject pair = new JsonObject(new String(get("/ab/api/pair").body()));
    assertEquals(400, post("/ab/api/vote", "{not json").statusCode());
    assertEquals(400, post("/ab/api/vote", new JsonObject().put("pair", pair.getString("pair"))
        .put("winner", "c").encode()).statusCode());
    assertEquals(400, post("/ab/api/vote", new JsonObject().put("winner", "a").encode()).statusCode());
    assertEquals(404, post("/ab/api/vote", new JsonObject().put("pair", "no-such-pair").put("winner", "a")
        .encode()).statusCode());
    assertEquals(404, get("/ab/api/audio/" + pair.getString("pair") + "/c").statusCode());
  }

  /** The report built after voting carries the ratings table. */
  @Test
  void theReportRatesTheVotes() throws Exception {
    Path other = Files.createTempDirectory(dir, "report");
    VotesFile.append(other.resolve(VotesFile.NAME), new BradleyTerry.Vote("h01", ESPEAK.key(), HAPPY.key(), "a"));
    VotesFile.append(other.resolve(VotesFile.NAME), new BradleyTerry.Vote("h02", HAPPY.key(), ESPEAK.key(), "b"));
    Report.write(other, RESULTS, "none", "test", 4);
    JsonObject report = new JsonObject(Files.readString(other.resolve(Report.JSON)));
    assertEquals(2, report.getJsonObject("listening").getInteger("votes"));
    assertEquals(ESPEAK.key(), report.getJsonObject("listening").getJsonArray("ratings").getJsonObject(0)
        .getString("system"));
    String html = Files.readString(other.resolve(Report.HTML));
    assertTrue(html.contains("Blind A/B ratings") && html.contains("2 votes"), "ratings table in the page");
  }
}
