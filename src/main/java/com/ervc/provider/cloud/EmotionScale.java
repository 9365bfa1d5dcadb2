package com.ervc.provider.cloud;

import com.ervc.protocol.Emotion;
import com.ervc.protocol.TtsRequest;

/** The provider-independent part of the emotion mapping (docs/providers/README.md#emotion-mapping). */
public final class EmotionScale {
  /** Intensity in three steps: low, mid, high (docs/providers/README.md#emotion-mapping). */
  public enum Step { LOW, MID, HIGH }

  private EmotionScale() {
  }

  public static Step step(double intensity) {
    return intensity < 0.34 ? Step.LOW : intensity < 0.67 ? Step.MID : Step.HIGH;
  }

  /** The emotion's speed factor m (docs/providers/README.md#emotion-mapping). */
  public static double speedFactor(Emotion emotion) {
    return switch (emotion) {
      case EXCITED, FEARFUL -> 1.08;
      case ANGRY -> 1.05;
      case HAPPY -> 1.03;
      case SAD -> 0.90;
      case CALM -> 0.92;
      case WHISPER -> 0.95;
      case NEUTRAL -> 1.0;
    };
  }

  /** {@code clamp(speed × (1 + (m_e − 1) × intensity), min, max)}, rounded to two decimals. */
  public static double speed(TtsRequest request, double min, double max) {
    double scaled = request.speed() * (1 + (speedFactor(request.emotion()) - 1) * request.intensity());
    return round2(Math.max(min, Math.min(max, scaled)));
  }

  public static double round2(double value) {
    return Math.round(value * 100) / 100.0;
  }
}
