package com.ervc.protocol;

import java.util.List;

/** Quality tiers: a provider trades latency for fidelity along these. */
public enum QualityTier {
  FAST, BALANCED, HIGH;

  public String wire() {
    return WireNames.of(this);
  }

  public static QualityTier parse(String value) {
    return WireNames.parse(QualityTier.class, "quality", value);
  }

  public static List<String> wireNames() {
    return WireNames.all(QualityTier.class);
  }
}
