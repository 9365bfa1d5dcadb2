package com.ervc.health;

import java.util.Collection;

/** healthy / degraded / unhealthy, from what a node knows about itself and the providers. */
enum HealthStatus {
  HEALTHY, DEGRADED, UNHEALTHY;

  String wire() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  /**
   * Unhealthy when nothing in the cluster can speak (no provider, or every probed one failing). Degraded when a
   * component of this node did not start, a provider fails its probe, the cache is unreachable, or memory or
   * disk is nearly full.
   */
  static HealthStatus evaluate(boolean componentsUp, int providersKnown, Collection<ProbeResult> probes,
                               boolean cacheAvailable, SystemUsage system) {
    boolean anyProbeHealthy = probes.stream().anyMatch(ProbeResult::healthy);
    boolean anyProbeFailing = probes.stream().anyMatch(p -> !p.healthy());
    if (providersKnown == 0 || (!probes.isEmpty() && !anyProbeHealthy && probes.size() >= providersKnown)) {
      return UNHEALTHY;
    }
    if (!componentsUp || anyProbeFailing || !cacheAvailable || system.critical()) {
      return DEGRADED;
    }
    return HEALTHY;
  }
}
