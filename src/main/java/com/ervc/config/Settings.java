package com.ervc.config;

import java.util.List;
import java.util.stream.Stream;

/**
 * Every configuration key the service reads, section by section in the order of docs/configuration.md, plus the
 * value sets and patterns that several sections share.
 */
public final class Settings {
  public static final List<String> ROLES = List.of("gateway", "pipeline", "cache", "providers", "gpu");
  public static final List<String> PROVIDERS = List.of("espeak", "onnx", "onnx-gpu", "elevenlabs", "azure", "openai");

  static final String HOST = "[A-Za-z0-9.:\\-\\[\\]]+";
  static final String HOST_HINT = "a host name or IP address";
  static final int MAX_PORT = 65535;
  static final String BASE_URL = "https?://[^\\s/?#]+(/[^\\s?#]*)?";
  static final String BASE_URL_HINT = "an http:// or https:// URL without query";
  static final String WS_URL = "wss?://[^\\s/?#]+(/[^\\s?#]*)?";
  static final String WS_URL_HINT = "a ws:// or wss:// URL without query";
  static final String TOKEN = "[!-~]{16,}";
  static final String TOKEN_HINT = "at least 16 printable characters";
  /** A blank path would mean the working directory itself. */
  static final String DIRECTORY = "\\S.*";
  static final String DIRECTORY_HINT = "a directory path";

  public static final List<Setting> ALL = Stream.of(NodeConfig.SETTINGS, ClusterConfig.SETTINGS, HttpConfig.SETTINGS,
          TtsConfig.SETTINGS, CacheConfig.SETTINGS, LimitsConfig.SETTINGS, AuthConfig.SETTINGS, EspeakConfig.SETTINGS,
          OnnxConfig.SETTINGS, ElevenLabsConfig.SETTINGS, AzureConfig.SETTINGS, OpenAiConfig.SETTINGS,
          CloudConfig.SETTINGS, MetricsConfig.SETTINGS, AdminConfig.SETTINGS, HealthConfig.SETTINGS,
          LoggingConfig.SETTINGS, OpenAiApiConfig.SETTINGS, CloningConfig.SETTINGS,
          QualityConfig.SETTINGS)
      .flatMap(List::stream).toList();

  private Settings() {
  }
}
