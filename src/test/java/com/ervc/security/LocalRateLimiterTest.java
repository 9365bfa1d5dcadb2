package com.ervc.security;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LocalRateLimiterTest {
  private final AtomicLong now = new AtomicLong(1_000_000);
  private final LocalRateLimiter limiter = new LocalRateLimiter(now::get);

  @Test
  void aFullBucketAllowsItsCapacityThenSaysHowLongToWait() {
    for (int i = 0; i < 5; i++) {
      assertEquals(0, limiter.tryAcquire("k", 5, 60_000, 1));
    }
    assertEquals(12_000, limiter.tryAcquire("k", 5, 60_000, 1), "one token refills every 12 s");
    now.addAndGet(12_000);
    assertEquals(0, limiter.tryAcquire("k", 5, 60_000, 1));
  }

  @Test
  void costsAreChargedAndKeysAreIndependent() {
    assertEquals(0, limiter.tryAcquire("alice", 100, 60_000, 60));
    assertTrue(limiter.tryAcquire("alice", 100, 60_000, 60) > 0);
    assertEquals(0, limiter.tryAcquire("bob", 100, 60_000, 60));
  }

  @Test
  void aCostAboveCapacityNeedsAFullBucketRatherThanNeverPassing() {
    assertEquals(0, limiter.tryAcquire("big", 10, 60_000, 50));
    assertTrue(limiter.tryAcquire("big", 10, 60_000, 50) > 0);
  }

  @Test
  void theNumberOfBucketsIsBounded() {
    for (int i = 0; i < LocalRateLimiter.MAX_KEYS + 500; i++) {
      limiter.tryAcquire("ip-" + i, 10, 60_000, 1);
    }
    assertEquals(LocalRateLimiter.MAX_KEYS, limiter.size());
  }
}
