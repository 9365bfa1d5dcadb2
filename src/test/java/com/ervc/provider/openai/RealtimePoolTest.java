package com.ervc.provider.openai;

import com.ervc.config.CloudConfig;
import com.ervc.testing.Await;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The session pool against the strict fake, with a short age limit standing in for the 55 minutes. */
class RealtimePoolTest {
  private static final String KEY = "sk-pool-test-key-0123456789";
  private static final long AGE_MS = 300;
  private Vertx vertx;
  private FakeRealtimeServer fake;
  private WebSocketClient client;
  private RealtimePool pool;
  /** The age limit of the sessions the pool opens from now on. */
  private long ageMs = AGE_MS;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    fake = (FakeRealtimeServer) new FakeRealtimeServer(vertx, KEY).start();
    client = vertx.createWebSocketClient();
    CloudConfig settings = new CloudConfig(1000, 1000, 1000, 8000, 4, 16, 1000);
    pool = new RealtimePool(vertx, (voice, speed) -> RealtimeSession.open(vertx, client,
        RealtimeRequests.url(fake.url(), RealtimeRequests.MODEL), KEY, voice, speed, settings, List.of(KEY), ageMs), 4);
  }

  @AfterEach
  void stop() throws Exception {
    assertEquals(List.of(), fake.violations());
    fake.close();
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  /** Runs {@code steps} on one context, as the provider does. */
  private <T> T onContext(Supplier<Future<T>> steps) throws Exception {
    Promise<T> result = Promise.promise();
    vertx.getOrCreateContext().runOnContext(v -> steps.get().onComplete(result));
    return result.future().await(10, TimeUnit.SECONDS);
  }

  private Future<RealtimeSession> acquire() {
    return pool.acquire("coral", 1.0, System.currentTimeMillis() + 5000);
  }

  private Future<Void> after(long ms) {
    Promise<Void> waited = Promise.promise();
    vertx.setTimer(ms, id -> waited.complete());
    return waited.future();
  }

  @Test
  void aReleasedSessionIsReusedWhileYoung() throws Exception {
    // A session's age counts from the upgrade, before the configuration's round trip: on a busy machine that trip
    // alone can outlast 300 ms, and a session already too old would be replaced at the second acquire.
    ageMs = 60_000;
    List<RealtimeSession> sessions = onContext(() -> acquire().compose(first -> {
      pool.release(first);
      return acquire().map(second -> List.of(first, second));
    }));

    assertSame(sessions.get(0), sessions.get(1));
    assertEquals(1, fake.received(FakeRealtimeServer.PATH).size());
  }

  private record Aged(RealtimeSession old, RealtimeSession fresh, boolean oldOpenWhileBusy) {
  }

  @Test
  void aSessionPastItsAgeLimitTakesNoNewSentenceAndIsClosedOnceItsLastOneEnds() throws Exception {
    Aged aged = onContext(() -> acquire().compose(old -> after(AGE_MS + 100)
        .compose(v -> acquire())
        .map(fresh -> {
          boolean openWhileBusy = old.open();
          pool.release(old);
          return new Aged(old, fresh, openWhileBusy);
        })));

    assertNotSame(aged.old(), aged.fresh(), "the old session took no new sentence");
    assertTrue(aged.oldOpenWhileBusy(), "it stayed open while busy");
    Await.until("the retired session closes once idle", Duration.ofSeconds(5), () -> !aged.old().open());
    assertTrue(aged.fresh().open());
    assertEquals(2, fake.received(FakeRealtimeServer.PATH).size());
  }

  @Test
  void aClosedSessionLeavesThePoolAndTheNextSentenceOpensAnother() throws Exception {
    RealtimeSession first = onContext(() -> acquire().map(s -> {
      pool.release(s);
      return s;
    }));
    fake.closeAllSessions();
    Await.until("the client sees the close", Duration.ofSeconds(5), () -> !first.open());

    RealtimeSession second = onContext(this::acquire);

    assertNotSame(first, second);
    assertEquals(1, pool.size("coral"));
  }
}
