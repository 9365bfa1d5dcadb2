package com.ervc.provider;

import com.ervc.cluster.StreamSender;
import com.ervc.protocol.Addresses;
import com.ervc.protocol.BusMessage;
import com.ervc.protocol.BusProtocol;
import com.ervc.protocol.LoadRequest;
import com.ervc.protocol.ProviderLoad;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Load reports on a local event bus, and the stream registry's cancellation. */
class LoadReporterTest {
  private static final ProviderLoad LOAD = (ProviderLoad) BusMessage.LOAD_REPORT.example();
  private final Vertx vertx = Vertx.vertx();
  private final List<JsonObject> published = new CopyOnWriteArrayList<>();
  /** One permit per report published. */
  private final Semaphore reports = new Semaphore(0);

  @AfterEach
  void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private void record() throws Exception {
    vertx.eventBus().<JsonObject>consumer(Addresses.PROVIDER_LOAD, msg -> {
      assertEquals(ProviderLoad.TYPE, msg.headers().get(BusProtocol.H_TYPE));
      assertEquals(BusProtocol.VERSION, msg.headers().get(BusProtocol.H_VERSION));
      published.add(msg.body());
      reports.release();
    }).completion().await(10, TimeUnit.SECONDS);
  }

  private void awaitReport() throws InterruptedException {
    assertTrue(reports.tryAcquire(5, TimeUnit.SECONDS), "a report was published");
  }

  private void assertNoReportWithin(long ms, String why) throws InterruptedException {
    assertFalse(reports.tryAcquire(ms, TimeUnit.MILLISECONDS), why + ": " + published);
  }

  @Test
  void aBurstOfSlotChangesIsOneReportAndALoadRequestIsAnswered() throws Exception {
    record();
    LoadReporter reporter = new LoadReporter(vertx, () -> LOAD);
    reporter.listen().await(10, TimeUnit.SECONDS);
    // On one event loop, as the provider calls it: from this thread, a pause of more than CHANGE_REPORT_MS between
    // two calls (a busy machine) would let the first call's timer fire in between and make the burst two reports.
    vertx.runOnContext(v -> {
      for (int i = 0; i < 5; i++) {
        reporter.slotsChanged();
      }
    });
    awaitReport();
    assertNoReportWithin(LoadReporter.CHANGE_REPORT_MS * 3, "coalesced");
    vertx.eventBus().publish(Addresses.PROVIDER_LOAD_REQUEST, null, BusProtocol.options(new LoadRequest()));
    awaitReport();
    assertEquals(LOAD, ProviderLoad.fromJson(published.get(1)));
  }

  @Test
  void leavingStopsTheReportsWithAFinalLeavingOne() throws Exception {
    record();
    LoadReporter reporter = new LoadReporter(vertx, () -> null);
    reporter.start(() -> { });
    reporter.publish();
    assertNoReportWithin(50, "nothing to report while draining or stopped");
    reporter.leave(LOAD);
    awaitReport();
    assertTrue(ProviderLoad.fromJson(published.get(0)).leaving());
  }

  @Test
  void onlyARunningStreamIsCancelled() throws Exception {
    StreamRegistry streams = new StreamRegistry();
    StreamedAudioOut out = new StreamedAudioOut(vertx.getOrCreateContext(),
        new StreamSender(vertx.eventBus(), "tts.pipeline.receiver.none", "s1", 4, 1_000));
    streams.add("s1", out);
    assertFalse(streams.cancel("unknown"));
    assertTrue(streams.cancel("s1"));
    assertTrue(out.cancelled());
    assertFalse(streams.cancel("s1"), "a stream is cancelled once");
    StreamedAudioOut finished = new StreamedAudioOut(vertx.getOrCreateContext(),
        new StreamSender(vertx.eventBus(), "tts.pipeline.receiver.none", "s2", 4, 1_000));
    streams.add("s2", finished);
    streams.remove("s2");
    assertFalse(streams.cancel("s2"));
    assertFalse(finished.cancelled());
  }
}
