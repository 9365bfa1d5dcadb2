package com.ervc.config;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Builds the node configuration: embedded defaults, then an optional JSON file, then environment variables,
 * then validation of every key against {@link Settings}. Any problem becomes one {@link ConfigException} line.
 */
public final class ConfigLoader {
  private static final String DEFAULTS = "/config/defaults.json";

  private ConfigLoader() {
  }

  public static JsonObject defaults() {
    try (InputStream in = ConfigLoader.class.getResourceAsStream(DEFAULTS)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + DEFAULTS);
      }
      return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * @param file optional JSON overlay (null for none)
   * @param env  environment variables (System.getenv() in production)
   */
  public static JsonObject load(Path file, Map<String, String> env) {
    JsonObject config = defaults();
    if (file != null) {
      overlay(config, readFile(file), "", file.toString());
    }
    for (Setting setting : Settings.ALL) {
      String raw = setting.env() == null ? null : env.get(setting.env());
      if (raw != null) {
        put(config, setting.path(), setting.parseEnv(raw));
      }
    }
    return validate(config);
  }

  /** Validates and normalises a full configuration tree; returns it for chaining. */
  public static JsonObject validate(JsonObject config) {
    for (Setting setting : Settings.ALL) {
      put(config, setting.path(), setting.validate(get(config, setting.path())));
    }
    checkRelations(config);
    return config;
  }

  private static void checkRelations(JsonObject config) {
    Setting roles = setting("node.roles");
    JsonArray roleList = config.getJsonObject("node").getJsonArray("roles");
    if (roleList.isEmpty()) {
      throw roles.invalid(roleList, "at least one of " + String.join(",", Settings.ROLES));
    }
    for (Object role : roleList) {
      if (!Settings.ROLES.contains(role)) {
        throw roles.invalid(roleList, "a comma-separated subset of " + String.join(",", Settings.ROLES));
      }
    }
    resolveAuthMode(config);
    for (Object proxy : config.getJsonObject("limits").getJsonArray("trustedProxies")) {
      if (!String.valueOf(proxy).matches("[0-9A-Fa-f:.]+(/\\d{1,3})?")) {
        throw setting("limits.trustedProxies").invalid(config.getJsonObject("limits").getJsonArray("trustedProxies"),
            "IP addresses or CIDR ranges such as 10.0.0.0/8");
      }
    }
    Integer metricsPort = config.getJsonObject("metrics").getInteger("port");
    int httpPort = config.getJsonObject("http").getInteger("port");
    if (metricsPort != null && metricsPort != 0 && metricsPort == httpPort) {
      throw setting("metrics.port").invalid(metricsPort, "a port other than HTTP_PORT (" + httpPort + ")");
    }
    JsonObject tts = config.getJsonObject("tts");
    if (tts.getLong("streamStallTimeoutMs") <= tts.getLong("providerTimeoutMs")) {
      throw setting("tts.streamStallTimeoutMs").invalid(tts.getLong("streamStallTimeoutMs"),
          "more than PROVIDER_TIMEOUT_MS (" + tts.getLong("providerTimeoutMs") + "), or slow sentences look like dead nodes");
    }
    long cloudTotal = config.getJsonObject("providers").getJsonObject("cloud").getLong("totalTimeoutMs");
    if (cloudTotal >= tts.getLong("providerTimeoutMs")) {
      throw setting("providers.cloud.totalTimeoutMs").invalid(cloudTotal, "less than PROVIDER_TIMEOUT_MS ("
          + tts.getLong("providerTimeoutMs") + "), so a cloud provider's own error reaches the client");
    }
    if (tts.getInteger("firstChunkMaxChars") > tts.getInteger("maxChunkChars")) {
      throw setting("tts.firstChunkMaxChars").invalid(tts.getInteger("firstChunkMaxChars"),
          "at most MAX_CHUNK_CHARS (" + tts.getInteger("maxChunkChars") + ")");
    }
  }

  /**
   * "auto" becomes dev on a loopback bind address (the embedded default) and jwt everywhere else; jwt mode
   * refuses to start without a usable key.
   */
  private static void resolveAuthMode(JsonObject config) {
    JsonObject auth = config.getJsonObject("auth");
    String host = config.getJsonObject("http").getString("host");
    if ("auto".equals(auth.getString("mode"))) {
      auth.put("mode", isLoopback(host) ? "dev" : "jwt");
    }
    if ("dev".equals(auth.getString("mode")) && !isLoopback(host)) {
      throw new ConfigException("config: AUTH_MODE=dev is only allowed on a loopback HTTP_HOST (got " + host
          + "): anyone who reaches the node could mint tokens; use AUTH_MODE=jwt");
    }
    String secret = auth.getString("jwtSecret");
    if (secret != null && secret.getBytes(java.nio.charset.StandardCharsets.UTF_8).length < 32) {
      throw new ConfigException("config: JWT_SECRET (auth.jwtSecret) is too short; expected at least 32 bytes");
    }
    if ("jwt".equals(auth.getString("mode"))) {
      boolean hmac = "HS256".equals(auth.getString("jwtAlgorithm"));
      if (hmac && secret == null) {
        throw new ConfigException("config: AUTH_MODE=jwt (bind address " + host
            + ") needs JWT_SECRET (at least 32 bytes) for JWT_ALGORITHM=HS256");
      }
      if (!hmac && auth.getString("jwtPublicKey") == null) {
        throw new ConfigException("config: AUTH_MODE=jwt needs JWT_PUBLIC_KEY for JWT_ALGORITHM="
            + auth.getString("jwtAlgorithm"));
      }
    }
  }

  static boolean isLoopback(String host) {
    return host.equals("localhost") || host.startsWith("127.") || host.equals("::1") || host.equals("[::1]");
  }

  private static Setting setting(String path) {
    return Settings.ALL.stream().filter(s -> s.path().equals(path)).findFirst().orElseThrow();
  }

  private static JsonObject readFile(Path file) {
    try {
      return new JsonObject(Files.readString(file));
    } catch (IOException e) {
      throw new ConfigException("config: cannot read --config file " + file + ": " + e.getMessage());
    } catch (DecodeException e) {
      throw new ConfigException("config: --config file " + file + " is not a JSON object: " + e.getMessage().lines().findFirst().orElse(""));
    }
  }

  /** Merges {@code source} into {@code target}, refusing keys the defaults do not have (catches typos). */
  private static void overlay(JsonObject target, JsonObject source, String prefix, String origin) {
    for (Map.Entry<String, Object> entry : source) {
      String path = prefix + entry.getKey();
      if (!target.containsKey(entry.getKey())) {
        throw new ConfigException("config: unknown key '" + path + "' in " + origin
            + " (every key is listed in docs/configuration.md)");
      }
      Object existing = target.getValue(entry.getKey());
      if (existing instanceof JsonObject nested && entry.getValue() instanceof JsonObject incoming) {
        overlay(nested, incoming, path + ".", origin);
      } else if (existing instanceof JsonObject) {
        throw new ConfigException("config: key '" + path + "' in " + origin + " must be an object");
      } else {
        target.put(entry.getKey(), entry.getValue());
      }
    }
  }

  static Object get(JsonObject config, String path) {
    String[] parts = path.split("\\.");
    JsonObject node = config;
    for (int i = 0; i < parts.length - 1; i++) {
      node = node.getJsonObject(parts[i]);
      if (node == null) {
        return null;
      }
    }
    return node.getValue(parts[parts.length - 1]);
  }

  static void put(JsonObject config, String path, Object value) {
    String[] parts = path.split("\\.");
    JsonObject node = config;
    for (int i = 0; i < parts.length - 1; i++) {
      JsonObject next = node.getJsonObject(parts[i]);
      if (next == null) {
        next = new JsonObject();
        node.put(parts[i], next);
      }
      node = next;
    }
    node.put(parts[parts.length - 1], value);
  }
}
