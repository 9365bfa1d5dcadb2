package com.ervc.profile;

/**
 * What a reference clip must meet for a target provider. The defaults follow the checks open-source cloning servers
 * apply (at least 1 s, at most 1 % clipped samples, at most 30 % silence, RMS at least 0.05, SNR at least 20 dB, a
 * common sample rate of 16 kHz or more); Azure personal voice and OpenAI custom voices add their documented
 * duration limits (5-90 s and at most 30 s).
 */
public record QualityLimits(long minDurationMs, long maxDurationMs, double maxClippingRatio, double maxSilenceRatio,
                            double minRms, double minSnrDb, double maxDcOffset, int minSampleRate) {
  public static final QualityLimits DEFAULT = new QualityLimits(1_000, 120_000, 0.01, 0.3, 0.05, 20, 0.05, 16_000);

  public static QualityLimits forProvider(String provider) {
    return switch (provider) {
      case "azure" -> new QualityLimits(5_000, 90_000, DEFAULT.maxClippingRatio, DEFAULT.maxSilenceRatio,
          DEFAULT.minRms, DEFAULT.minSnrDb, DEFAULT.maxDcOffset, DEFAULT.minSampleRate);
      case "openai" -> new QualityLimits(DEFAULT.minDurationMs, 30_000, DEFAULT.maxClippingRatio,
          DEFAULT.maxSilenceRatio, DEFAULT.minRms, DEFAULT.minSnrDb, DEFAULT.maxDcOffset, DEFAULT.minSampleRate);
      default -> DEFAULT;
    };
  }
}
