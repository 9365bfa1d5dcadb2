package com.ervc.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntFunction;

/**
 * Opens the load generator's sessions as a bounded ramp: at most {@code concurrency} connects in flight, each session
 * tried at most {@code attempts} times, every retry and every final failure counted with its reason. Opening
 * hundreds of WebSocket sessions at once is what a server's accept queue and a starved machine handle worst (a
 * burst of handshakes that time out or are reset), and a run must say how many sessions it really drove. Each
 * attempt bounds its own time (the caller's per-connection timeout), so the ramp as a whole is bounded too.
 * <p>
 * A small hand-written queue rather than a library: it only counts and re-queues Vert.x futures; the callbacks may
 * come from different event loops (each session has its own context), so the state is guarded by this object.
 */
final class SessionOpener {
  /** What the ramp did: sessions opened, retries made, and the sessions given up on by the reason of their last try. */
  record Outcome(int opened, int retries, Map<String, Integer> failures) {
    int failed() {
      return failures.values().stream().mapToInt(Integer::intValue).sum();
    }

    @Override
    public String toString() {
      return opened + " opened, " + retries + " retries, " + failed() + " failed"
          + (failures.isEmpty() ? "" : " " + failures);
    }
  }

  private final int concurrency;
  private final int attempts;
  private final Deque<Integer> waiting = new ArrayDeque<>();
  private final Map<String, Integer> failures = new TreeMap<>();
  private final Promise<Outcome> done = Promise.promise();
  private int[] tries;
  private int inFlight;
  private int opened;
  private int retries;
  private int settled;

  SessionOpener(int concurrency, int attempts) {
    if (concurrency < 1 || attempts < 1) {
      throw new IllegalArgumentException("concurrency and attempts must be at least 1");
    }
    this.concurrency = concurrency;
    this.attempts = attempts;
  }

  /**
   * Opens sessions {@code 0..count-1}; {@code attempt} starts one connect of a session and returns its outcome (it
   * must fail by itself after its timeout). The future completes once every session is opened or given up on.
   */
  Future<Outcome> open(int count, IntFunction<Future<?>> attempt) {
    synchronized (this) {
      if (tries != null) {
        throw new IllegalStateException("a SessionOpener opens one set of sessions");
      }
      tries = new int[count];
      for (int i = 0; i < count; i++) {
        waiting.add(i);
      }
    }
    pump(count, attempt);
    return done.future();
  }

  private void pump(int count, IntFunction<Future<?>> attempt) {
    while (true) {
      int session;
      synchronized (this) {
        if (settled == count) {
          done.tryComplete(new Outcome(opened, retries, new TreeMap<>(failures)));
          return;
        }
        if (inFlight >= concurrency || waiting.isEmpty()) {
          return;
        }
        session = waiting.poll();
        inFlight++;
        tries[session]++;
      }
      Future<?> connect;
      try {
        connect = attempt.apply(session);
      } catch (RuntimeException e) {
        connect = Future.failedFuture(e);
      }
      connect.onComplete((result, failure) -> {
        synchronized (this) {
          inFlight--;
          if (failure == null) {
            opened++;
            settled++;
          } else if (tries[session] < attempts) {
            retries++;
            waiting.add(session);
          } else {
            failures.merge(reason(failure), 1, Integer::sum);
            settled++;
          }
        }
        pump(count, attempt);
      });
    }
  }

  private static String reason(Throwable failure) {
    String message = failure.getMessage();
    return failure.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }
}
