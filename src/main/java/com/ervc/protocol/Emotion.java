package com.ervc.protocol;

import java.util.List;

/** The emotions a request may ask for; each provider maps them to what its engine can express. */
public enum Emotion {
  NEUTRAL, HAPPY, SAD, ANGRY, EXCITED, CALM, FEARFUL, WHISPER;

  public String wire() {
    return WireNames.of(this);
  }

  public static Emotion parse(String value) {
    return WireNames.parse(Emotion.class, "emotion", value);
  }

  public static List<String> wireNames() {
    return WireNames.all(Emotion.class);
  }
}
