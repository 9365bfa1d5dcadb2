package com.ervc.admin;

import com.ervc.config.ConfigLoader;
import com.ervc.security.TokenService;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The admin API's evaluation options become the evaluation command's arguments, within the API's bounds; a run
 * cancelled before its runner took it ends at once.
 */
class EvaluationsTest {
  @Test
  void optionsBecomeTheCommandsArguments() {
    JsonObject body = new JsonObject().put("confirm", "node-1").put("providers", new JsonArray().add("espeak"))
        .put("voices", new JsonArray().add("espeak:en-gb").add("en-us")).put("emotions", new JsonArray().add("sad"))
        .put("intensities", new JsonArray().add(0.25).add(1)).put("categories", new JsonArray().add("numbers"))
        .put("limit", 3).put("recogniser", "none").put("concurrency", 1);

    assertEquals(List.of("--providers", "espeak", "--voices", "espeak:en-gb,en-us", "--emotions", "sad",
        "--categories", "numbers", "--intensities", "0.25,1", "--limit", "3", "--concurrency", "1",
        "--recogniser", "none"), Evaluations.arguments(body));
  }

  @Test
  void theDefaultsAreASmallPocketsphinxRun() {
    assertEquals(List.of("--limit", "5", "--concurrency", "2", "--recogniser", "pocketsphinx"),
        Evaluations.arguments(new JsonObject().put("confirm", "node-1")));
  }

  @Test
  void valuesOutsideTheBoundsAreRefusedWith400() {
    for (JsonObject bad : List.of(new JsonObject().put("limit", 41), new JsonObject().put("limit", "5"),
        new JsonObject().put("concurrency", 5), new JsonObject().put("recogniser", "command"),
        new JsonObject().put("intensities", new JsonArray().add(1.5)),
        new JsonObject().put("intensities", new JsonArray()),
        new JsonObject().put("emotions", "neutral"), new JsonObject().put("tiers", new JsonArray().add("a b")),
        new JsonObject().put("providers", new JsonArray().add("x,y")), new JsonObject().put("corpus", "/etc/passwd"))) {
      Evaluations.Refused refused = assertThrows(Evaluations.Refused.class, () -> Evaluations.arguments(bad),
          bad.encode());
      assertEquals(400, refused.status, bad.encode());
    }
  }

  @Test
  void aRunCancelledBeforeItsRunnerTookItEndsAtOnceAndTheNextMayStart() throws Exception {
    Vertx vertx = Vertx.vertx();
    ExecutorService runner = Executors.newSingleThreadExecutor();
    CountDownLatch busy = new CountDownLatch(1);
    try {
      // The runner is still busy (a slow machine: the previous run's thread has not come back yet).
      runner.execute(() -> {
        try {
          busy.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      TokenService tokens = TokenService.create(vertx, ConfigLoader.load(null, Map.of()).auth());
      Evaluations runs = new Evaluations("node-1", tokens, () -> URI.create("ws://127.0.0.1:9/"), () -> 1_000,
          runner);
      String id = runs.start("admin", new JsonObject().put("confirm", "node-1")).getString("id");

      JsonObject cancelled = runs.cancel(id);
      assertEquals("cancelled", cancelled.getString("state"));
      assertEquals(2, cancelled.getInteger("exitStatus"), "it ends as an interrupted run does");
      assertEquals("1970-01-01T00:00:01Z", cancelled.getString("finishedAt"));
      assertTrue(cancelled.getJsonArray("log").contains("eval: cancelled before it started"), cancelled.encode());
      assertEquals(Optional.empty(), runs.report(id, "report.json"), "it never made a report");
      assertEquals(409, assertThrows(Evaluations.Refused.class, () -> runs.cancel(id)).status, "it has ended");
      String next = runs.start("admin", new JsonObject().put("confirm", "node-1")).getString("id");
      assertEquals("cancelled", runs.cancel(next).getString("state"), "the next one may start, and is cancelled too");

      busy.countDown();
      runner.shutdown();
      assertTrue(runner.awaitTermination(10, TimeUnit.SECONDS));
      assertEquals(cancelled, runs.status(id), "its task never ran, so nothing changed it afterwards");
      assertEquals(List.of(next, id), runs.list().getJsonArray("evaluations").stream()
          .map(e -> ((JsonObject) e).getString("id")).toList());
    } finally {
      busy.countDown();
      runner.shutdownNow();
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }
}
