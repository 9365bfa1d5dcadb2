package com.ervc.config;

import java.util.List;

import static com.ervc.config.Setting.bool;
import static com.ervc.config.Setting.integer;
import static com.ervc.config.Setting.list;
import static com.ervc.config.Setting.string;

/** Every configuration key the service reads. docs/configuration.md describes each one. */
public final class Settings {
  public static final List<String> ROLES = List.of("gateway", "pipeline", "cache", "providers", "gpu");
  public static final List<String> PROVIDERS = List.of("espeak", "onnx", "onnx-gpu", "elevenlabs", "azure", "openai");

  private static final String HOST = "[A-Za-z0-9.:\\-\\[\\]]+";
  private static final int MAX_PORT = 65535;
  private static final String BASE_URL = "https?://[^\\s/?#]+(/[^\\s?#]*)?";
  private static final String BASE_URL_HINT = "an http:// or https:// URL without query";

  public static final List<Setting> ALL = List.of(
      string("node.name", "NODE_NAME").orNull().matching("[A-Za-z0-9._\\-]{1,63}", "1-63 letters, digits, '.', '_' or '-'"),
      list("node.roles", "NODE_ROLES"),
      integer("node.shutdownDrainSeconds", "SHUTDOWN_DRAIN_SECONDS", 0, 300),

      string("cluster.configFile", "CLUSTER_CONFIG"),
      string("cluster.name", "CLUSTER_NAME").matching("[A-Za-z0-9._\\-]{1,64}", "1-64 letters, digits, '.', '_' or '-'"),
      list("cluster.members", "CLUSTER_MEMBERS"),
      string("cluster.host", "CLUSTER_HOST").matching(HOST, "a host name or IP address"),
      integer("cluster.port", "CLUSTER_PORT", 0, MAX_PORT),
      string("cluster.publicHost", "CLUSTER_PUBLIC_HOST").orNull().matching(HOST, "a host name or IP address"),

      string("http.host", "HTTP_HOST").matching(HOST, "a host name or IP address"),
      integer("http.port", "HTTP_PORT", 0, MAX_PORT),
      integer("http.maxWebSocketConnections", "MAX_WEBSOCKET_CONNECTIONS", 1, 1_000_000),
      string("http.webroot", "WEBROOT").matching("\\S.*", "a directory path"),
      list("http.corsOrigins", "CORS_ORIGINS"),
      list("http.allowedHosts", "ALLOWED_HOSTS"),
      bool("http.httpsRedirect", "HTTPS_REDIRECT"),
      integer("http.idleTimeoutSeconds", "IDLE_TIMEOUT_SECONDS", 5, 86_400),

      string("tts.provider", "TTS_PROVIDER").oneOf("auto", "espeak", "onnx", "onnx-gpu", "elevenlabs", "azure", "openai"),
      string("tts.qualityTier", "TTS_QUALITY_TIER").oneOf("fast", "balanced", "high"),
      integer("tts.sampleRate", "TTS_SAMPLE_RATE", 8000, 48000),
      bool("tts.enableEmotions", "ENABLE_EMOTIONS"),
      bool("tts.enableCloning", "ENABLE_CLONING"),
      bool("tts.enableProviderSwitching", "ENABLE_PROVIDER_SWITCHING"),
      integer("tts.latencyTargetMs", "LATENCY_TARGET_MS", 10, 60_000),
      bool("tts.adaptiveQuality", "ADAPTIVE_QUALITY"),
      bool("tts.gpuAcceleration", "GPU_ACCELERATION"),
      integer("tts.maxTextChars", "MAX_TEXT_CHARS", 1, 100_000),
      integer("tts.maxInFlightPerConnection", "MAX_IN_FLIGHT_PER_CONNECTION", 1, 64),
      integer("tts.chunkMillis", "CHUNK_MILLIS", 10, 1000),
      integer("tts.firstChunkMaxChars", "FIRST_CHUNK_MAX_CHARS", 10, 1000),
      integer("tts.maxChunkChars", "MAX_CHUNK_CHARS", 10, 5000),
      integer("tts.streamWindow", "STREAM_WINDOW", 1, 256),
      integer("tts.streamStallTimeoutMs", "STREAM_STALL_TIMEOUT_MS", 100, 600_000),
      integer("tts.providerTimeoutMs", "PROVIDER_TIMEOUT_MS", 100, 600_000),
      integer("tts.providerStallTimeoutMs", "PROVIDER_STALL_TIMEOUT_MS", 50, 600_000),
      integer("tts.maxLoadPerProvider", "MAX_LOAD_PER_PROVIDER", 1, 100_000),
      integer("tts.routeQueueMs", "ROUTE_QUEUE_MS", 0, 60_000),
      integer("tts.circuitFailureThreshold", "CIRCUIT_FAILURE_THRESHOLD", 1, 1000),
      integer("tts.circuitOpenMs", "CIRCUIT_OPEN_MS", 100, 600_000),

      integer("cache.maxEntries", "CACHE_SIZE", 0, 10_000_000),
      integer("cache.maxBytes", "CACHE_MAX_BYTES", 0, 64L * 1024 * 1024 * 1024),
      integer("cache.ttlSeconds", "CACHE_TTL_SECONDS", 1, 365L * 24 * 3600),
      string("cache.redisUrl", "REDIS_URL").orNull()
          .matching("(redis|rediss|unix)://.+", "a URL starting with redis://, rediss:// or unix://"),
      integer("cache.timeoutMs", "CACHE_TIMEOUT_MS", 10, 60_000),

      integer("limits.apiRateLimit", "API_RATE_LIMIT", 1, 1_000_000),
      integer("limits.websocketRateLimit", "WEBSOCKET_RATE_LIMIT", 1, 1_000_000),
      integer("limits.connectionsPerIpPerMinute", "WS_CONNECTIONS_PER_IP_PER_MINUTE", 1, 1_000_000),
      integer("limits.connectionsPerUser", "WS_CONNECTIONS_PER_USER", 1, 100_000),
      integer("limits.charactersPerUserPerMinute", "CHARACTERS_PER_USER_PER_MINUTE", 1, 100_000_000),
      list("limits.trustedProxies", "TRUSTED_PROXIES"),

      string("auth.mode", "AUTH_MODE").oneOf("auto", "dev", "jwt"),
      string("auth.jwtAlgorithm", "JWT_ALGORITHM").oneOf("HS256", "RS256", "ES256"),
      string("auth.jwtSecret", "JWT_SECRET").orNull(),
      string("auth.jwtPublicKey", "JWT_PUBLIC_KEY").orNull(),
      string("auth.issuer", "JWT_ISSUER").orNull(),
      string("auth.audience", "JWT_AUDIENCE").orNull(),
      integer("auth.leewaySeconds", "JWT_LEEWAY_SECONDS", 0, 300),
      integer("auth.devTokenTtlSeconds", "DEV_TOKEN_TTL_SECONDS", 30, 86_400),

      bool("providers.espeak.enabled", "ESPEAK_ENABLED"),
      string("providers.espeak.binary", "ESPEAK_BINARY"),
      integer("providers.espeak.workers", "ESPEAK_WORKERS", 1, 64),
      integer("providers.espeak.maxQueue", "ESPEAK_MAX_QUEUE", 1, 100_000),
      integer("providers.espeak.maxLoad", "ESPEAK_MAX_LOAD", 1, 100_000).orNull(),
      integer("providers.espeak.timeoutMs", "ESPEAK_TIMEOUT_MS", 100, 600_000),
      bool("providers.onnx.enabled", "ONNX_ENABLED"),
      string("providers.onnx.modelDir", "TTS_CACHE_DIR").matching("\\S.*", "a directory path"),
      integer("providers.onnx.workers", "ONNX_WORKERS", 1, 64),
      integer("providers.onnx.maxQueue", "ONNX_MAX_QUEUE", 0, 100_000),
      integer("providers.onnx.intraOpThreads", "ONNX_INTRA_OP_THREADS", 1, 256),
      bool("providers.onnx.gpuCpuFallback", "ONNX_GPU_CPU_FALLBACK"),
      string("providers.elevenlabs.apiKey", "ELEVENLABS_API_KEY").orNull(),
      string("providers.elevenlabs.baseUrl", "ELEVENLABS_BASE_URL").matching(BASE_URL, BASE_URL_HINT),
      string("providers.azure.key", "AZURE_SPEECH_KEY").orNull(),
      string("providers.azure.region", "AZURE_REGION").orNull().matching("[a-z0-9]+", "an Azure region id such as westeurope"),
      string("providers.azure.endpoint", "AZURE_TTS_ENDPOINT").orNull().matching(BASE_URL, BASE_URL_HINT),
      string("providers.azure.tokenEndpoint", "AZURE_TOKEN_ENDPOINT").orNull().matching(BASE_URL, BASE_URL_HINT),
      string("providers.azure.auth", "AZURE_AUTH").oneOf("key", "token"),
      string("providers.openai.apiKey", "OPENAI_API_KEY").orNull(),
      string("providers.openai.baseUrl", "OPENAI_BASE_URL").matching(BASE_URL, BASE_URL_HINT),
      string("providers.openai.realtimeUrl", "OPENAI_REALTIME_URL")
          .matching("wss?://[^\\s/?#]+(/[^\\s?#]*)?", "a ws:// or wss:// URL without query"),
      string("providers.openai.api", "OPENAI_TTS_API").oneOf("auto", "realtime", "speech"),
      string("providers.openai.verbatimMismatch", "OPENAI_VERBATIM_MISMATCH").oneOf("accept", "retry"),
      integer("providers.cloud.connectTimeoutMs", "CLOUD_CONNECT_TIMEOUT_MS", 100, 60_000),
      integer("providers.cloud.firstByteTimeoutMs", "CLOUD_FIRST_BYTE_TIMEOUT_MS", 100, 600_000),
      integer("providers.cloud.stallTimeoutMs", "CLOUD_STALL_TIMEOUT_MS", 100, 600_000),
      integer("providers.cloud.totalTimeoutMs", "CLOUD_TOTAL_TIMEOUT_MS", 100, 600_000),
      integer("providers.cloud.maxConnections", "CLOUD_MAX_CONNECTIONS", 1, 1000),
      integer("providers.cloud.maxQueue", "CLOUD_MAX_QUEUE", 1, 100_000),
      integer("providers.cloud.maxRetryWaitMs", "CLOUD_MAX_RETRY_WAIT_MS", 0, 60_000),

      bool("metrics.prometheusEnabled", "PROMETHEUS_ENABLED"),
      integer("metrics.port", "METRICS_PORT", 0, MAX_PORT).orNull(),
      string("metrics.token", "METRICS_TOKEN").orNull().matching("[!-~]{16,}", "at least 16 printable characters"),
      string("admin.token", "ADMIN_TOKEN").orNull().matching("[!-~]{16,}", "at least 16 printable characters"),
      integer("health.probeIntervalSeconds", "HEALTH_PROBE_INTERVAL_SECONDS", 1, 3600),
      integer("health.probeTimeoutMs", "HEALTH_PROBE_TIMEOUT_MS", 100, 60_000),
      string("logging.level", "LOG_LEVEL").oneOf("TRACE", "DEBUG", "INFO", "WARN", "ERROR"));

  private Settings() {
  }
}
