package com.ervc.it;

import com.ervc.config.ConfigLoader;
import com.ervc.node.Node;
import com.ervc.testing.Await;
import com.ervc.testing.Scrape;
import com.ervc.testing.TestNodes;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The periodic quality check on a real espeak-ng provider with two selected voices: its gauges per voice, the same
 * figures in {@code GET /api/v1/providers}, and that it is off unless configured.
 */
class QualityMonitorIT {
  private static final List<String> GAUGES = List.of("tts_quality_loudness_lufs", "tts_quality_clicks",
      "tts_quality_clipping_ratio", "tts_quality_wer", "tts_quality_cer", "tts_quality_ttfa_ms",
      "tts_quality_last_run_timestamp_seconds");
  private static final List<String> VOICES = List.of("en-us", "en-gb");

  @Test
  void isOffByDefault() {
    assertFalse(ConfigLoader.load(null, Map.of()).quality().enabled());
    Scrape scrape = new Scrape(TestNodes.single().metrics().registry().scrape());
    for (String gauge : GAUGES) {
      assertFalse(scrape.has(gauge), gauge + " is exported by a node that did not turn the check on");
    }
  }

  @Test
  void measuresTheSelectedVoicesAndShowsTheirFiguresInTheGaugesAndTheProvidersApi() throws Exception {
    long before = System.currentTimeMillis() / 1000;
    Map<String, String> env = TestNodes.env(TestNodes.uniqueClusterName());
    env.put("QUALITY_MONITOR_ENABLED", "true");
    env.put("QUALITY_MONITOR_INTERVAL_MINUTES", "1");
    env.put("QUALITY_MONITOR_LINES", "h01,q01");
    env.put("QUALITY_MONITOR_RECOGNISER", "pocketsphinx");
    env.put("QUALITY_MONITOR_VOICES", "espeak:en-us,espeak:en-gb,espeak:no-such-voice");
    Node node = TestNodes.start(env);
    Vertx vertx = Vertx.vertx();
    try {
      Scrape scrape = Await.result(() -> "the first quality run of both espeak voices", Duration.ofMinutes(3), () -> {
        Scrape now = new Scrape(node.metrics().registry().scrape());
        return VOICES.stream().allMatch(v -> now.has("tts_quality_last_run_timestamp_seconds", "provider", "espeak",
            "voice", v)) ? now : null;
      });
      for (String voice : VOICES) {
        for (String gauge : GAUGES) {
          assertEquals(1, scrape.count(gauge, "provider", "espeak", "voice", voice, "node", node.metrics().node()),
              gauge + " once for espeak voice " + voice + ":\n" + scrape.text());
        }
        double loudness = scrape.sum("tts_quality_loudness_lufs", "provider", "espeak", "voice", voice);
        assertTrue(loudness > -40 && loudness < -5, "espeak speaks at a normal level: " + loudness + " LUFS");
        double clicks = scrape.sum("tts_quality_clicks", "provider", "espeak", "voice", voice);
        assertTrue(clicks >= 0 && clicks == Math.rint(clicks), "a count of clicks: " + clicks);
        double clipping = scrape.sum("tts_quality_clipping_ratio", "provider", "espeak", "voice", voice);
        assertTrue(clipping >= 0 && clipping < 0.01, "espeak does not clip: " + clipping);
        double wer = scrape.sum("tts_quality_wer", "provider", "espeak", "voice", voice);
        // pocketsphinx on a formant voice gets many words wrong (docs/evaluation.md), but not every one of them.
        assertTrue(wer >= 0 && wer < 1, "the recogniser heard some of the words: WER " + wer);
        double cer = scrape.sum("tts_quality_cer", "provider", "espeak", "voice", voice);
        assertTrue(cer >= 0 && cer < wer, "fewer characters than words are wrong: CER " + cer + ", WER " + wer);
        assertTrue(scrape.sum("tts_quality_ttfa_ms", "provider", "espeak", "voice", voice) > 0);
        double finished = scrape.sum("tts_quality_last_run_timestamp_seconds", "provider", "espeak", "voice", voice);
        assertTrue(finished >= before && finished <= System.currentTimeMillis() / 1000 + 1,
            "the run finished during the test: " + finished);
      }
      assertFalse(scrape.has("tts_quality_last_run_timestamp_seconds", "provider", "espeak", "voice", "en-029"),
          "a voice not selected is not checked");

      // The providers API shows the same figures, cluster-wide, with the node and run that measured them.
      String apiToken = TestNodes.devTokens(vertx, node.httpPort()).getString("apiToken");
      WebClient http = WebClient.create(vertx);
      for (String voice : VOICES) {
        // A later run may finish between the two reads: compare a pair of the same run.
        JsonObject[] pair = Await.result(() -> "the API and the gauges on the same run of " + voice,
            Duration.ofMinutes(3), () -> {
              JsonArray providers = http.get(node.httpPort(), "127.0.0.1", "/api/v1/providers")
                  .bearerTokenAuthentication(apiToken).send().await(10, TimeUnit.SECONDS).bodyAsJsonObject()
                  .getJsonArray("providers");
              JsonObject espeak = providers.stream().map(JsonObject.class::cast)
                  .filter(p -> p.getString("name").equals("espeak")).findFirst().orElseThrow();
              JsonObject quality = espeak.getJsonObject("quality");
              if (quality == null || !quality.containsKey(voice)) {
                return null; // the map is written just after the gauges
              }
              assertTrue(Set.copyOf(VOICES).containsAll(quality.fieldNames()), "the checked voices only: " + quality);
              JsonObject entry = quality.getJsonArray(voice).getJsonObject(0);
              Scrape now = new Scrape(node.metrics().registry().scrape());
              long gaugeRun = (long) now.sum("tts_quality_last_run_timestamp_seconds", "provider", "espeak",
                  "voice", voice);
              long apiRun = Instant.parse(entry.getString("measuredAt")).getEpochSecond();
              return gaugeRun == apiRun ? new JsonObject[] {entry, new JsonObject()
                  .put("wer", now.sum("tts_quality_wer", "provider", "espeak", "voice", voice))
                  .put("cer", now.sum("tts_quality_cer", "provider", "espeak", "voice", voice))
                  .put("clicks", (int) now.sum("tts_quality_clicks", "provider", "espeak", "voice", voice))
                  .put("loudnessLufs", now.sum("tts_quality_loudness_lufs", "provider", "espeak", "voice", voice))
                  .put("ttfaMs", now.sum("tts_quality_ttfa_ms", "provider", "espeak", "voice", voice))} : null;
            });
        JsonObject entry = pair[0];
        JsonObject gauges = pair[1];
        assertEquals(voice, entry.getString("voice"));
        assertEquals(node.state().nodeId(), entry.getString("node"));
        assertTrue(entry.getString("run").startsWith("quality-check:"), entry.encode());
        assertEquals(2, entry.getInteger("clips"));
        for (String figure : List.of("wer", "cer", "loudnessLufs", "ttfaMs")) {
          assertEquals(gauges.getDouble(figure), entry.getDouble(figure), 1e-9, figure + " of " + voice);
        }
        assertEquals(gauges.getInteger("clicks"), entry.getInteger("clicks"));
        assertEquals(0.0, entry.getDouble("clippingRatio"), 0.01);
      }
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
      TestNodes.stop(node);
    }
  }
}
