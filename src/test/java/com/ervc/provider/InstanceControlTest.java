package com.ervc.provider;

import com.ervc.protocol.AdminMessage;
import com.ervc.protocol.SpeechException;
import io.vertx.core.Future;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InstanceControlTest {
  private final AtomicLong now = new AtomicLong(1_000);
  private final CircuitBreaker breaker = new CircuitBreaker(3, 5_000, now::get);
  private final Admission admission = new Admission(2, 6, now::get);
  private final InstanceStats stats = new InstanceStats();
  private final AtomicInteger probes = new AtomicInteger();
  private final InstanceControl control = new InstanceControl(breaker, admission, stats, () -> {
    probes.incrementAndGet();
    breaker.success();
    return Future.succeededFuture();
  });

  @Test
  void anOpenedCircuitStaysOpenWithoutProbesUntilClosed() {
    assertTrue(control.apply(new AdminMessage.Circuit("open")).succeeded());
    now.addAndGet(60_000);
    assertEquals(CircuitBreaker.State.OPEN, breaker.state(), "held open past the open time");
    assertEquals(false, breaker.tryProbe());
    breaker.success();
    assertEquals(CircuitBreaker.State.OPEN, breaker.state(), "a probe's success does not undo the operator's open");
    assertTrue(control.apply(new AdminMessage.Circuit("open")).succeeded(), "idempotent");
    assertTrue(control.apply(new AdminMessage.Circuit("close")).succeeded());
    assertEquals(CircuitBreaker.State.CLOSED, breaker.state());
    assertTrue(control.apply(new AdminMessage.Circuit("close")).succeeded(), "idempotent");
    assertEquals(CircuitBreaker.State.CLOSED, breaker.state());
  }

  @Test
  void resetClosesAndForgetsTheErrorRate() {
    for (int i = 0; i < 3; i++) {
      stats.finished(true);
      breaker.failure();
    }
    assertEquals(CircuitBreaker.State.OPEN, breaker.state());
    assertTrue(stats.errorRate() > 0);
    assertTrue(control.apply(new AdminMessage.Circuit("reset")).succeeded());
    assertEquals(CircuitBreaker.State.CLOSED, breaker.state());
    assertEquals(0.0, stats.errorRate());
  }

  @Test
  void capacityChangesWhatIsAdmittedWithinItsBounds() {
    assertNull(admission.admit("a"));
    assertNull(admission.admit("b"));
    assertEquals("it is at capacity (2 requests)", admission.admit("c"));
    assertTrue(control.apply(new AdminMessage.Capacity(3)).succeeded());
    assertEquals(3, admission.capacity());
    assertNull(admission.admit("c"));
    assertTrue(control.apply(new AdminMessage.Capacity(1)).succeeded());
    assertEquals("it is at capacity (1 requests)", admission.admit("d"), "admitted replies keep their slots");
    for (int refused : new int[] {0, -1, Admission.MAX_CAPACITY + 1}) {
      Future<Void> bad = control.apply(new AdminMessage.Capacity(refused));
      assertInstanceOf(SpeechException.class, bad.cause(), "capacity " + refused);
      assertEquals(1, admission.capacity());
    }
  }

  @Test
  void aBadCircuitActionChangesNothingAndReprobeProbesNow() {
    Future<Void> bad = control.apply(new AdminMessage.Circuit("explode"));
    assertInstanceOf(SpeechException.class, bad.cause());
    assertEquals(CircuitBreaker.State.CLOSED, breaker.state());
    breaker.failure();
    breaker.failure();
    breaker.failure();
    assertTrue(control.apply(new AdminMessage.Reprobe()).succeeded());
    assertEquals(1, probes.get());
    assertEquals(CircuitBreaker.State.CLOSED, breaker.state());
  }
}
