package com.ervc.metrics;

import com.ervc.protocol.ErrorCode;
import com.ervc.testing.Scrape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ServiceMetricsTest {
  @ParameterizedTest
  @CsvSource({"espeak,espeak", "openai,openai", "evil{label},other", "none,none"})
  void providerLabelsAreClosed(String given, String label) {
    assertEquals(label, ServiceMetrics.provider(given));
  }

  @ParameterizedTest
  @CsvSource({"en-us,en-us", "custom:alice,custom", "clone-42,custom", "a b c,other",
      "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa,other"})
  void voiceLabelsAreBounded(String given, String label) {
    assertEquals(label, ServiceMetrics.voice(given));
  }

  @ParameterizedTest
  @CsvSource({"ok,ok", "cancelled,cancelled", "rate_limited,rate_limited", "exploded,other"})
  void outcomeLabelsAreClosed(String given, String label) {
    assertEquals(label, ServiceMetrics.outcome(given));
  }

  @Test
  void encodeTimesArePerFormatAndFfmpegFailureReasonsAreClosed() {
    ServiceMetrics metrics = ServiceMetrics.create("n1");
    metrics.encoded("opus", 30_000_000);
    metrics.encoded("opus", 10_000_000);
    metrics.encoded("mp3", 5_000_000);
    metrics.ffmpegFailure("exit");
    metrics.ffmpegFailure("start");
    metrics.ffmpegFailure("anything{else}");
    Scrape scrape = new Scrape(metrics.registry().scrape());

    assertEquals(2, scrape.sum("tts_encode_duration_seconds_count", "format", "opus"));
    assertEquals(0.04, scrape.sum("tts_encode_duration_seconds_sum", "format", "opus"), 1e-9);
    assertEquals(0.005, scrape.sum("tts_encode_duration_seconds_sum", "format", "mp3"), 1e-9);
    assertEquals(1, scrape.sum("tts_ffmpeg_failures_total", "reason", "exit"));
    assertEquals(1, scrape.sum("tts_ffmpeg_failures_total", "reason", "start"));
    assertEquals(1, scrape.sum("tts_ffmpeg_failures_total", "reason", "other"));
  }

  @Test
  void aTraceCountsOneOutcomeAndTheFirstAudioOnce() {
    ServiceMetrics metrics = ServiceMetrics.create("n1");
    RequestTrace trace = metrics.request("high", 42, true);
    trace.audio("espeak");
    trace.audio("espeak");
    trace.completed("espeak", 48_000, 24_000);
    trace.failed("espeak", ErrorCode.INTERNAL);
    Scrape scrape = new Scrape(metrics.registry().scrape());

    assertEquals(1, scrape.sum("tts_time_to_first_audio_seconds_count", "provider", "espeak", "tier", "high"));
    assertEquals(1, scrape.sum("tts_requests_total", "provider", "espeak", "outcome", "ok"));
    assertEquals(0, scrape.sum("tts_requests_total", "outcome", "internal"), "the first outcome wins");
    assertEquals(2.0, scrape.sum("tts_audio_seconds_total", "provider", "espeak"), 1e-9);
    assertEquals(42, scrape.sum("tts_characters_total", "provider", "espeak"), 1e-9);
    assertEquals(1, scrape.sum("voice_chat_requests_total", "method", "WS", "status", "200"));
  }

  @Test
  void httpTracesLeaveRequestCountingToTheRouter() {
    ServiceMetrics metrics = ServiceMetrics.create("n1");
    metrics.request("fast", 3, false).failed(null, ErrorCode.PROVIDER_UNAVAILABLE);
    Scrape scrape = new Scrape(metrics.registry().scrape());
    assertEquals(1, scrape.sum("tts_requests_total", "provider", "none", "outcome", "provider_unavailable"));
    assertFalse(scrape.has("voice_chat_requests_total"));
  }

  @Test
  void cacheHitRateFollowsHitsAndMissesButNotErrors() {
    ServiceMetrics metrics = ServiceMetrics.create("n1");
    metrics.registerNodeMeters(List.of("pipeline"), false);
    for (String result : List.of("hit", "hit", "hit", "miss", "error")) {
      metrics.cacheRequest(result);
    }
    Scrape scrape = new Scrape(metrics.registry().scrape());
    assertEquals(0.75, scrape.sum("cache_hit_rate"), 1e-9);
    assertEquals(1, scrape.sum("tts_cache_requests_total", "result", "error"));
  }

  @Test
  void closeCodesAndMethodsOutsideTheKnownSetsCollapse() {
    ServiceMetrics metrics = ServiceMetrics.create("n1");
    metrics.webSocketClosed((short) 1000);
    metrics.webSocketClosed((short) 3999);
    metrics.webSocketClosed(null);
    metrics.httpRequest("BREW", 418);
    Scrape scrape = new Scrape(metrics.registry().scrape());
    assertEquals(1, scrape.sum("websocket_close_total", "code", "1000"));
    assertEquals(2, scrape.sum("websocket_close_total", "code", "other"));
    assertEquals(1, scrape.sum("voice_chat_requests_total", "method", "other", "status", "418"));
  }

  @Test
  void reservedFamiliesAreExportedAtZeroAndNonConformingJvmMetersAreDropped() {
    ServiceMetrics metrics = ServiceMetrics.create("n1");
    metrics.registerNodeMeters(List.of("gateway", "pipeline"), false);
    new io.micrometer.core.instrument.binder.jvm.JvmCompilationMetrics().bindTo(metrics.registry());
    Scrape scrape = new Scrape(metrics.registry().scrape());
    assertTrue(scrape.has("voice_cloning_attempts_total", "success", "false"));
    assertTrue(scrape.has("voice_cloning_quality_failures_total", "check", "noisy"));
    assertTrue(scrape.has("voice_profile_resolutions_total", "result", "unknown"));
    assertTrue(scrape.has("tts_quality_changes_total", "direction", "up"));
    assertTrue(scrape.has("tts_auth_failures_total", "reason", "expired"));
    assertFalse(scrape.hasFamily("jvm_compilation_time"));
    assertEquals(1, scrape.sum("tts_node_info", "node", "n1", "roles", "gateway,pipeline", "cuda", "false"));
  }
}
