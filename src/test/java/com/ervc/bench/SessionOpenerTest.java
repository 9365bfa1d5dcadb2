package com.ervc.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The load generator's connect ramp: bounded connects in flight, bounded retries, every outcome counted. */
class SessionOpenerTest {
  /** The attempts the ramp started, in order, each left open until the test settles it. */
  private final List<Integer> started = new ArrayList<>();
  private final List<Promise<Void>> pending = new ArrayList<>();

  private Future<?> attempt(int session) {
    Promise<Void> promise = Promise.promise();
    started.add(session);
    pending.add(promise);
    return promise.future();
  }

  private int inFlight() {
    return (int) pending.stream().filter(p -> !p.future().isComplete()).count();
  }

  @Test
  void neverMoreConnectsInFlightThanTheBoundAndEverySessionOnce() {
    Future<SessionOpener.Outcome> outcome = new SessionOpener(8, 3).open(50, this::attempt);
    int maxInFlight = 0;
    for (int settled = 0; settled < 50; settled++) {
      maxInFlight = Math.max(maxInFlight, inFlight());
      pending.get(settled).complete();
    }
    assertEquals(8, maxInFlight);
    assertEquals(50, started.size());
    assertEquals(50, started.stream().distinct().count());
    assertTrue(outcome.succeeded());
    assertEquals(new SessionOpener.Outcome(50, 0, Map.of()), outcome.result());
  }

  @Test
  void aFailedConnectIsRetriedUpToTheAttemptsAndThenCountedWithItsReason() {
    Future<SessionOpener.Outcome> outcome = new SessionOpener(2, 3).open(3, this::attempt);
    assertEquals(List.of(0, 1), started);
    pending.get(0).fail(new TimeoutException("no handshake in 20000 ms")); // session 0, try 1
    pending.get(1).complete(); // session 1 opened
    assertEquals(List.of(0, 1, 2, 0), started); // session 2 first, the retry of 0 behind it
    pending.get(2).fail(new IllegalStateException("Connection reset")); // session 2, try 1
    pending.get(3).fail(new TimeoutException("no handshake in 20000 ms")); // session 0, try 2
    assertEquals(List.of(0, 1, 2, 0, 2, 0), started);
    pending.get(4).complete(); // session 2 opened at its second try
    assertFalse(outcome.isComplete());
    pending.get(5).fail(new TimeoutException("no handshake in 20000 ms")); // session 0, try 3: given up
    assertEquals(6, started.size());
    assertTrue(outcome.succeeded());
    SessionOpener.Outcome result = outcome.result();
    assertEquals(2, result.opened());
    assertEquals(3, result.retries());
    assertEquals(Map.of("TimeoutException: no handshake in 20000 ms", 1), result.failures());
    assertEquals(1, result.failed());
  }

  @Test
  void anAttemptThatThrowsCountsAsAFailedTry() {
    Future<SessionOpener.Outcome> outcome = new SessionOpener(4, 2).open(2, session -> {
      if (session == 1) {
        throw new IllegalStateException("no context");
      }
      return Future.succeededFuture();
    });
    assertEquals(new SessionOpener.Outcome(1, 1, Map.of("IllegalStateException: no context", 1)),
        outcome.result());
  }

  @Test
  void noSessionsIsDoneAtOnceAndAnOpenerServesOneSet() {
    SessionOpener opener = new SessionOpener(4, 2);
    assertEquals(new SessionOpener.Outcome(0, 0, Map.of()), opener.open(0, this::attempt).result());
    assertThrows(IllegalStateException.class, () -> opener.open(1, this::attempt));
    assertThrows(IllegalArgumentException.class, () -> new SessionOpener(0, 1));
  }
}
