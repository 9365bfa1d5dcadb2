package com.ervc.provider.onnx;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelLoadTest {
  @Test
  void admitsWorkersPlusQueueThenRefuses() {
    ModelLoad load = new ModelLoad(2, 1);
    assertTrue(load.tryAdmit());
    assertTrue(load.tryAdmit());
    assertTrue(load.tryAdmit());
    assertFalse(load.tryAdmit(), "two running and one waiting is the limit");
    load.started();
    load.started();
    assertEquals(new ModelLoad.Snapshot(2, 1, 0, 2, 1), load.snapshot());
    load.finished(true, 10_000_000);
    assertTrue(load.tryAdmit(), "a finished request frees a place");
  }

  @Test
  void recentLatencyIsAMovingAverageOfRunsOnly() {
    ModelLoad load = new ModelLoad(1, 0);
    load.tryAdmit();
    load.started();
    load.finished(true, 100_000_000);
    assertEquals(100.0, load.snapshot().recentLatencyMs(), 1e-9);
    load.tryAdmit();
    load.started();
    load.finished(true, 200_000_000);
    assertEquals(120.0, load.snapshot().recentLatencyMs(), 1e-9);
    load.tryAdmit();
    load.finished(false, 5_000_000_000L);
    assertEquals(120.0, load.snapshot().recentLatencyMs(), 1e-9, "a request that never ran does not count");
    assertEquals(0, load.snapshot().inFlight());
    assertEquals(0, load.snapshot().queued());
  }
}
