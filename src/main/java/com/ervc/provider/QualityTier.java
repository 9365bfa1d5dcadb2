package com.ervc.provider;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** Quality tiers: a provider trades latency for fidelity along these. */
public enum QualityTier {
  FAST, BALANCED, HIGH;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static QualityTier parse(String value) {
    for (QualityTier t : values()) {
      if (t.wire().equals(value)) {
        return t;
      }
    }
    throw new SpeechException(ErrorCode.INVALID_REQUEST,
        "quality '" + value + "' is not supported; use one of " + String.join("|", wireNames()));
  }

  public static List<String> wireNames() {
    return Arrays.stream(values()).map(QualityTier::wire).toList();
  }
}
