package com.ervc.health;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class HealthStatusTest {
  private static final SystemUsage CALM = new SystemUsage(0.2, 0.5, 0.5);
  private static final ProbeResult OK = new ProbeResult(true, 12, null, Instant.EPOCH);
  private static final ProbeResult FAILING = new ProbeResult(false, 5000, "timeout", Instant.EPOCH);

  @Test
  void allGoodIsHealthy() {
    assertEquals(HealthStatus.HEALTHY, HealthStatus.evaluate(true, 1, List.of(OK), true, CALM));
  }

  @Test
  void noProviderAnywhereIsUnhealthy() {
    assertEquals(HealthStatus.UNHEALTHY, HealthStatus.evaluate(true, 0, List.of(), true, CALM));
  }

  @Test
  void everyProviderFailingIsUnhealthyButOneOfTwoIsDegraded() {
    assertEquals(HealthStatus.UNHEALTHY, HealthStatus.evaluate(true, 1, List.of(FAILING), true, CALM));
    assertEquals(HealthStatus.DEGRADED, HealthStatus.evaluate(true, 2, List.of(OK, FAILING), true, CALM));
  }

  @Test
  void providersNotProbedYetDoNotCountAsFailing() {
    assertEquals(HealthStatus.HEALTHY, HealthStatus.evaluate(true, 2, List.of(OK), true, CALM));
  }

  @Test
  void aDownComponentAnUnreachableCacheOrAFullDiskDegrade() {
    assertEquals(HealthStatus.DEGRADED, HealthStatus.evaluate(false, 1, List.of(OK), true, CALM));
    assertEquals(HealthStatus.DEGRADED, HealthStatus.evaluate(true, 1, List.of(OK), false, CALM));
    assertEquals(HealthStatus.DEGRADED, HealthStatus.evaluate(true, 1, List.of(OK), true, new SystemUsage(0.1, 0.5, 0.97)));
    assertEquals(HealthStatus.DEGRADED, HealthStatus.evaluate(true, 1, List.of(OK), true, new SystemUsage(0.1, 0.96, 0.2)));
  }
}
