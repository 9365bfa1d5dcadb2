package com.ervc.it;

import com.ervc.config.ConfigLoader;
import com.ervc.node.Node;
import com.ervc.testing.Await;
import com.ervc.testing.Scrape;
import com.ervc.testing.TestNodes;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The periodic quality check on a real espeak-ng provider: its gauges, and that it is off unless configured. */
class QualityMonitorIT {
  private static final List<String> GAUGES = List.of("tts_quality_loudness_lufs", "tts_quality_clicks",
      "tts_quality_clipping_ratio", "tts_quality_wer", "tts_quality_last_run_timestamp_seconds");

  @Test
  void isOffByDefault() {
    assertFalse(ConfigLoader.load(null, Map.of()).quality().enabled());
    Scrape scrape = new Scrape(TestNodes.single().metrics().registry().scrape());
    for (String gauge : GAUGES) {
      assertFalse(scrape.has(gauge), gauge + " is exported by a node that did not turn the check on");
    }
  }

  @Test
  void measuresTheLocalEspeakProviderAndExportsTheGauges() throws Exception {
    long before = System.currentTimeMillis() / 1000;
    Map<String, String> env = TestNodes.env(TestNodes.uniqueClusterName());
    env.put("QUALITY_MONITOR_ENABLED", "true");
    env.put("QUALITY_MONITOR_INTERVAL_MINUTES", "1");
    env.put("QUALITY_MONITOR_LINES", "h01,q01");
    env.put("QUALITY_MONITOR_RECOGNISER", "pocketsphinx");
    Node node = TestNodes.start(env);
    try {
      Scrape scrape = Await.result(() -> "the first quality run of espeak", Duration.ofMinutes(2), () -> {
        Scrape now = new Scrape(node.metrics().registry().scrape());
        return now.has("tts_quality_last_run_timestamp_seconds", "provider", "espeak") ? now : null;
      });
      for (String gauge : GAUGES) {
        assertEquals(1, scrape.count(gauge, "provider", "espeak", "node", node.metrics().node()),
            gauge + " once for espeak's default voice:\n" + scrape.text());
      }
      double loudness = scrape.sum("tts_quality_loudness_lufs", "provider", "espeak");
      assertTrue(loudness > -40 && loudness < -5, "espeak speaks at a normal level: " + loudness + " LUFS");
      double clicks = scrape.sum("tts_quality_clicks", "provider", "espeak");
      assertTrue(clicks >= 0 && clicks == Math.rint(clicks), "a count of clicks: " + clicks);
      double clipping = scrape.sum("tts_quality_clipping_ratio", "provider", "espeak");
      assertTrue(clipping >= 0 && clipping < 0.01, "espeak does not clip: " + clipping);
      double wer = scrape.sum("tts_quality_wer", "provider", "espeak");
      // pocketsphinx on a formant voice gets many words wrong (docs/evaluation.md), but not every one of them.
      assertTrue(wer >= 0 && wer < 1, "the recogniser heard some of the words: WER " + wer);
      double finished = scrape.sum("tts_quality_last_run_timestamp_seconds", "provider", "espeak");
      assertTrue(finished >= before && finished <= System.currentTimeMillis() / 1000 + 1,
          "the run finished during the test: " + finished);
    } finally {
      TestNodes.stop(node);
    }
  }
}
