package com.ervc.quality;

import com.ervc.config.ConfigLoader;
import com.ervc.config.QualityConfig;
import com.ervc.config.ServiceConfig;
import com.ervc.metrics.ServiceMetrics;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class QualityMonitorTest {
  @Test
  void aLineIdTheBuiltInCorpusDoesNotHoldIsRefusedByName() {
    ServiceConfig config = ConfigLoader.load(null, Map.of());
    Vertx vertx = Vertx.vertx();
    try {
      IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
          () -> QualityMonitor.create(vertx, "node-1", new QualityConfig(true, 60, List.of("h01", "zz99"), "none",
              List.of("*"), 3),
              config.tts(), ServiceMetrics.create("test")));
      assertEquals("QUALITY_MONITOR_LINES (quality.lines) names lines the built-in corpus does not hold: [zz99]",
          refused.getMessage());
    } finally {
      vertx.close();
    }
  }
}
