package com.ervc.provider;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CircuitBreakerTest {
  private final AtomicLong now = new AtomicLong(1_000);
  private final CircuitBreaker breaker = new CircuitBreaker(3, 500, now::get);

  @Test
  void opensAfterRepeatedFailuresOnly() {
    assertFalse(breaker.failure());
    assertFalse(breaker.failure());
    breaker.success();
    assertFalse(breaker.failure(), "a success resets the count");
    assertFalse(breaker.failure());
    assertTrue(breaker.failure());
    assertEquals(CircuitBreaker.State.OPEN, breaker.state());
    assertFalse(breaker.allows());
    assertFalse(breaker.tryProbe(), "no probe while open");
  }

  @Test
  void halfOpenAllowsOneProbeWhoseOutcomeDecides() {
    for (int i = 0; i < 3; i++) {
      breaker.failure();
    }
    now.addAndGet(500);
    assertEquals(CircuitBreaker.State.HALF_OPEN, breaker.state());
    assertFalse(breaker.allows(), "requests still wait for the probe");
    assertTrue(breaker.tryProbe());
    assertFalse(breaker.tryProbe(), "one probe at a time");
    assertTrue(breaker.failure(), "a failed probe opens it again");
    assertEquals(CircuitBreaker.State.OPEN, breaker.state());
    now.addAndGet(499);
    assertEquals(CircuitBreaker.State.OPEN, breaker.state());
    now.addAndGet(1);
    assertTrue(breaker.tryProbe());
    breaker.success();
    assertEquals(CircuitBreaker.State.CLOSED, breaker.state());
    assertTrue(breaker.allows());
    assertEquals("closed", breaker.state().wire());
  }
}
