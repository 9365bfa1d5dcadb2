package com.ervc.admin;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The admin API's evaluation options become the evaluation command's arguments, within the API's bounds. */
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
}
