package com.ervc.provider.onnx;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Admission and load numbers of one model's worker pool: at most {@code workers} inferences run and
 * {@code maxQueue} wait; beyond that a request is refused at once. The numbers feed the load balancer.
 */
public final class ModelLoad {
  /** Weight of the newest latency in the moving average (about the last 10 requests). */
  private static final double EWMA_WEIGHT = 0.2;

  private final int workers;
  private final int maxQueue;
  private final AtomicInteger admitted = new AtomicInteger();
  private final AtomicInteger running = new AtomicInteger();
  private volatile double recentLatencyMs;

  /** In flight (running), waiting for a worker, and the recent latency (moving average, ms). */
  public record Snapshot(int inFlight, int queued, double recentLatencyMs, int workers, int maxQueue) {
  }

  public ModelLoad(int workers, int maxQueue) {
    this.workers = workers;
    this.maxQueue = maxQueue;
  }

  /** Takes a place in the pool or its queue; false when both are full. */
  public boolean tryAdmit() {
    if (admitted.incrementAndGet() > workers + maxQueue) {
      admitted.decrementAndGet();
      return false;
    }
    return true;
  }

  public void started() {
    running.incrementAndGet();
  }

  /** The admitted request ended; {@code ran} when it had started on a worker. */
  public void finished(boolean ran, long nanos) {
    if (ran) {
      running.decrementAndGet();
      double ms = nanos / 1e6;
      double previous = recentLatencyMs;
      recentLatencyMs = previous == 0 ? ms : previous + EWMA_WEIGHT * (ms - previous);
    }
    admitted.decrementAndGet();
  }

  public Snapshot snapshot() {
    int inFlight = running.get();
    return new Snapshot(inFlight, Math.max(0, admitted.get() - inFlight), recentLatencyMs, workers, maxQueue);
  }
}
