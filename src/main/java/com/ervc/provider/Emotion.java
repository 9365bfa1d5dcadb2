package com.ervc.provider;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** The emotions a request may ask for; each provider maps them to what its engine can express. */
public enum Emotion {
  NEUTRAL, HAPPY, SAD, ANGRY, EXCITED, CALM, FEARFUL, WHISPER;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Emotion parse(String value) {
    for (Emotion e : values()) {
      if (e.wire().equals(value)) {
        return e;
      }
    }
    throw new SpeechException(ErrorCode.INVALID_REQUEST,
        "emotion '" + value + "' is not supported; use one of " + String.join("|", wireNames()));
  }

  public static List<String> wireNames() {
    return Arrays.stream(values()).map(Emotion::wire).toList();
  }
}
