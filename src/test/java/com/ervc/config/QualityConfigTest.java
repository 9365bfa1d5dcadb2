package com.ervc.config;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class QualityConfigTest {
  @Test
  void isOffByDefaultAndReadsItsEnvironmentNames() {
    assertEquals(new QualityConfig(false, 60, List.of("h01", "h02", "q01"), "none", List.of("*"), 3),
        ConfigLoader.load(null, Map.of()).quality());
    assertEquals(new QualityConfig(true, 5, List.of("h03", "n01"), "pocketsphinx",
            List.of("default", "espeak:en-gb", "onnx:*"), 2),
        ConfigLoader.load(null, Map.of("QUALITY_MONITOR_ENABLED", "true", "QUALITY_MONITOR_INTERVAL_MINUTES", "5",
            "QUALITY_MONITOR_LINES", "h03, n01", "QUALITY_MONITOR_RECOGNISER", "pocketsphinx",
            "QUALITY_MONITOR_VOICES", "default,espeak:en-gb,onnx:*",
            "QUALITY_MONITOR_MAX_VOICES_PER_PROVIDER", "2")).quality());
  }

  @Test
  void refusesValuesItCannotUseWithTheKeyNamed() {
    ConfigException interval = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(null, Map.of("QUALITY_MONITOR_INTERVAL_MINUTES", "0")));
    assertEquals("config: QUALITY_MONITOR_INTERVAL_MINUTES (quality.intervalMinutes) = '0' is not allowed; expected an"
        + " integer between 1 and 10080", interval.getMessage());
    ConfigException recogniser = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(null, Map.of("QUALITY_MONITOR_RECOGNISER", "whisper")));
    assertEquals("config: QUALITY_MONITOR_RECOGNISER (quality.recogniser) = 'whisper' is not allowed; expected one of"
        + " none|pocketsphinx", recogniser.getMessage());
    ConfigException empty = assertThrows(ConfigException.class,
        () -> new QualityConfig(true, 60, List.of(), "none", List.of("*"), 3));
    assertEquals("config: QUALITY_MONITOR_LINES (quality.lines) = [] is not allowed; expected at least one corpus"
        + " line id", empty.getMessage());
    assertThrows(ConfigException.class, () -> new QualityConfig(true, 60, List.of("no such/id"), "none",
        List.of("*"), 3));
    ConfigException voice = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(null, Map.of("QUALITY_MONITOR_VOICES", "en-gb")));
    assertEquals("config: QUALITY_MONITOR_VOICES (quality.voices) = 'en-gb' is not allowed; expected *, default,"
        + " <provider>:* or <provider>:<voice>", voice.getMessage());
    assertThrows(ConfigException.class, () -> new QualityConfig(true, 60, List.of("h01"), "none", List.of(), 3));
    assertThrows(ConfigException.class,
        () -> ConfigLoader.load(null, Map.of("QUALITY_MONITOR_MAX_VOICES_PER_PROVIDER", "0")));
  }
}
