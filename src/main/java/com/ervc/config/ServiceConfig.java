package com.ervc.config;

import io.vertx.core.json.JsonObject;

/**
 * The whole configuration of a node, typed: built once at start by {@link ConfigLoader#load} and handed to each
 * component as the sections it needs. Building it checks the rules within each section and those between them.
 */
public record ServiceConfig(NodeConfig node, ClusterConfig cluster, HttpConfig http, TtsConfig tts, CacheConfig cache,
                            LimitsConfig limits, AuthConfig auth, ProvidersConfig providers, MetricsConfig metrics,
                            AdminConfig admin, HealthConfig health, LoggingConfig logging,
                            OpenAiApiConfig openaiApi, CloningConfig cloning, QualityConfig quality) {

  public ServiceConfig {
    Integer metricsPort = metrics.port();
    if (metricsPort != null && metricsPort != 0 && metricsPort == http.port()) {
      throw MetricsConfig.PORT.invalid(metricsPort, "a port other than HTTP_PORT (" + http.port() + ")");
    }
    int cloudTotal = providers.cloud().totalTimeoutMs();
    if (cloudTotal >= tts.providerTimeoutMs()) {
      throw CloudConfig.TOTAL_TIMEOUT_MS.invalid(cloudTotal, "less than PROVIDER_TIMEOUT_MS ("
          + tts.providerTimeoutMs() + "), so a cloud provider's own error reaches the client");
    }
  }

  /** This configuration as the node that joined the cluster as {@code nodeId} sees it ({@link NodeConfig#joined}). */
  public ServiceConfig joined(String nodeId, String nodeName) {
    return new ServiceConfig(node.joined(nodeId, nodeName), cluster, http, tts, cache, limits, auth, providers, metrics,
        admin, health, logging, openaiApi, cloning, quality);
  }

  /** How many replies one instance of {@code provider} works on at once: its own maxLoad where it has one. */
  public int providerCapacity(String provider) {
    Integer own = "espeak".equals(provider) ? providers.espeak().maxLoad() : null;
    return own != null ? own : tts.maxLoadPerProvider();
  }

  /** Builds the sections from a tree whose every key {@link ConfigLoader} already validated. */
  static ServiceConfig from(JsonObject config) {
    HttpConfig http = HttpConfig.from(config);
    return new ServiceConfig(NodeConfig.from(config), ClusterConfig.from(config), http, TtsConfig.from(config),
        CacheConfig.from(config), LimitsConfig.from(config), AuthConfig.from(config, http.host()),
        ProvidersConfig.from(config), MetricsConfig.from(config), AdminConfig.from(config), HealthConfig.from(config),
        LoggingConfig.from(config), OpenAiApiConfig.from(config), CloningConfig.from(config),
        QualityConfig.from(config));
  }
}
