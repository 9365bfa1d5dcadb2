package com.ervc.cluster;

import io.vertx.core.Future;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NodeStateTest {
  /** An intake that only says whether it is open: the node state's rules are under test, not a component's. */
  private static final class Intake implements Drainable {
    boolean open = true;
    int resumed;

    @Override
    public Future<Void> stopIntake() {
      open = false;
      return Future.succeededFuture();
    }

    @Override
    public Future<Void> resumeIntake() {
      open = true;
      resumed++;
      return Future.succeededFuture();
    }

    @Override
    public int inFlight() {
      return 0;
    }
  }

  @Test
  void undrainReopensEveryIntakeOnceAndIsIdempotent() throws Exception {
    NodeState node = new NodeState("n1", List.of("providers"));
    Intake intake = new Intake();
    node.register("provider.espeak", intake);
    assertEquals(false, node.undrain().await(5, TimeUnit.SECONDS).getBoolean("draining"));
    assertEquals(0, intake.resumed, "a node that does not drain is left as it is");

    node.drain().await(5, TimeUnit.SECONDS);
    assertTrue(node.draining());
    assertFalse(intake.open);
    assertEquals(false, node.undrain().await(5, TimeUnit.SECONDS).getBoolean("draining"));
    assertTrue(intake.open);
    assertFalse(node.draining());
    node.undrain().await(5, TimeUnit.SECONDS);
    assertEquals(1, intake.resumed);
  }

  @Test
  void aStoppingNodeCannotBeUndrained() {
    NodeState node = new NodeState("n1", List.of("gateway"));
    Intake intake = new Intake();
    node.register("gateway", intake);
    node.markStopping();
    assertThrows(IllegalStateException.class, () -> node.undrain().await(5, TimeUnit.SECONDS));
    assertTrue(node.draining());
    assertEquals(0, intake.resumed);
  }
}
