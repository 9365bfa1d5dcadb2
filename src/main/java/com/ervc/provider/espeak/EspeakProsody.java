package com.ervc.provider.espeak;

import com.ervc.protocol.Emotion;

/**
 * espeak-ng's knobs for one request: speed in words per minute ({@code -s}), pitch 0-99 ({@code -p}),
 * amplitude 0-200 ({@code -a}) and an optional voice variant such as whisper. Emotions move these away from the
 * neutral values in proportion to the requested intensity.
 */
public record EspeakProsody(int wordsPerMinute, int pitch, int amplitude, String variant) {
  static final int NEUTRAL_WPM = 175;
  static final int NEUTRAL_PITCH = 50;
  static final int NEUTRAL_AMPLITUDE = 100;
  /** How far pitch = ±1 moves espeak's 0-99 pitch scale from neutral. */
  static final int PITCH_RANGE = 40;

  /** Full-intensity shape of each emotion: rate and amplitude factors and a pitch offset. */
  private record Shape(double rate, int pitchOffset, double amplitude, String variant) {
  }

  private static Shape shape(Emotion emotion) {
    return switch (emotion) {
      case NEUTRAL -> new Shape(1.0, 0, 1.0, null);
      case HAPPY -> new Shape(1.10, 15, 1.10, null);
      case EXCITED -> new Shape(1.25, 25, 1.30, null);
      case SAD -> new Shape(0.80, -15, 0.75, null);
      case ANGRY -> new Shape(1.10, -8, 1.50, null);
      case CALM -> new Shape(0.88, -8, 0.85, null);
      case FEARFUL -> new Shape(1.20, 20, 0.90, null);
      case WHISPER -> new Shape(0.95, 0, 1.0, "whisper");
    };
  }

  /** Pitch is the request's -1..1 offset (0 = the voice's own), added on top of the emotion's. */
  public static EspeakProsody of(Emotion emotion, double intensity, double speed, double pitchOffset) {
    Shape s = shape(emotion);
    double k = Math.max(0.0, Math.min(1.0, intensity));
    double rate = 1.0 + (s.rate - 1.0) * k;
    int wpm = clamp((int) Math.round(NEUTRAL_WPM * speed * rate), 80, 450);
    int pitch = clamp((int) Math.round(NEUTRAL_PITCH + s.pitchOffset * k + PITCH_RANGE * pitchOffset), 0, 99);
    int amplitude = clamp((int) Math.round(NEUTRAL_AMPLITUDE * (1.0 + (s.amplitude - 1.0) * k)), 0, 200);
    return new EspeakProsody(wpm, pitch, amplitude, k > 0 ? s.variant : null);
  }

  private static int clamp(int value, int min, int max) {
    return Math.max(min, Math.min(max, value));
  }
}
