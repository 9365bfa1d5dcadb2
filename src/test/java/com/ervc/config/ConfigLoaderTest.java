package com.ervc.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ConfigLoaderTest {

  /** Stands for the temp config file's path inside expected messages. */
  private static final String FILE = "{file}";

  @TempDir
  Path dir;

  private Path writeConfig(String json) throws IOException {
    return Files.writeString(dir.resolve("config.json"), json);
  }

  @Test
  void defaultsLoadAndValidateUnchanged() {
    JsonObject config = ConfigLoader.load(null, Map.of());

    // The shipped defaults must already be valid and normalised: validation changes nothing but resolving
    // AUTH_MODE=auto, which on the default loopback bind address means dev.
    JsonObject expected = ConfigLoader.defaults();
    expected.getJsonObject("auth").put("mode", "dev");
    assertEquals(expected, config);
    assertEquals(8000, ConfigLoader.get(config, "http.port"));
    assertEquals("balanced", ConfigLoader.get(config, "tts.qualityTier"));
    assertEquals(true, ConfigLoader.get(config, "tts.enableEmotions"));
    assertEquals(new JsonArray(List.of("gateway", "pipeline", "cache", "providers")),
        ConfigLoader.get(config, "node.roles"));
    assertNull(ConfigLoader.get(config, "cache.redisUrl"));
  }

  static Stream<Arguments> envOverrides() {
    return Stream.of(
        arguments("TTS_QUALITY_TIER", "high", "tts.qualityTier", "high"),
        // Enum values are matched case-insensitively and stored in their canonical spelling.
        arguments("TTS_QUALITY_TIER", "HIGH", "tts.qualityTier", "high"),
        arguments("LOG_LEVEL", "debug", "logging.level", "DEBUG"),
        arguments("HTTP_PORT", " 9090 ", "http.port", 9090),
        // Values beyond int range stay longs rather than overflowing.
        arguments("CACHE_MAX_BYTES", "68719476736", "cache.maxBytes", 68_719_476_736L),
        arguments("ENABLE_EMOTIONS", "no", "tts.enableEmotions", false),
        arguments("ENABLE_EMOTIONS", "OFF", "tts.enableEmotions", false),
        arguments("ENABLE_CLONING", "yes", "tts.enableCloning", true),
        arguments("ENABLE_CLONING", "1", "tts.enableCloning", true),
        arguments("CORS_ORIGINS", "a, b", "http.corsOrigins", new JsonArray(List.of("a", "b"))),
        arguments("CORS_ORIGINS", " a,, b ,", "http.corsOrigins", new JsonArray(List.of("a", "b"))),
        arguments("NODE_ROLES", "gateway,cache", "node.roles", new JsonArray(List.of("gateway", "cache"))),
        arguments("REDIS_URL", "redis://cache:6379/0", "cache.redisUrl", "redis://cache:6379/0"),
        arguments("CLUSTER_PUBLIC_HOST", "10.0.0.7", "cluster.publicHost", "10.0.0.7"));
  }

  @ParameterizedTest(name = "{0}={1}")
  @MethodSource("envOverrides")
  void environmentOverridesDefault(String env, String raw, String path, Object expected) {
    JsonObject config = ConfigLoader.load(null, Map.of(env, raw));

    assertEquals(expected, ConfigLoader.get(config, path));
  }

  @Test
  void fileOverlaysNestedKeysAndKeepsTheirSiblings() throws IOException {
    Path file = writeConfig("""
        {"http": {"port": 9001},
         "tts": {"qualityTier": "HIGH"},
         "providers": {"espeak": {"workers": 4}}}""");

    JsonObject config = ConfigLoader.load(file, Map.of());

    assertEquals(9001, ConfigLoader.get(config, "http.port"));
    assertEquals("high", ConfigLoader.get(config, "tts.qualityTier"));
    assertEquals(4, ConfigLoader.get(config, "providers.espeak.workers"));
    assertEquals("127.0.0.1", ConfigLoader.get(config, "http.host"));
    assertEquals("espeak-ng", ConfigLoader.get(config, "providers.espeak.binary"));
    assertEquals(64, ConfigLoader.get(config, "providers.espeak.maxQueue"));
  }

  @Test
  void environmentBeatsFile() throws IOException {
    Path file = writeConfig("{\"http\": {\"port\": 9001}, \"cache\": {\"redisUrl\": \"redis://a:6379\"}}");

    JsonObject config = ConfigLoader.load(file, Map.of("HTTP_PORT", "9002", "REDIS_URL", ""));

    assertEquals(9002, ConfigLoader.get(config, "http.port"));
    // An empty value for a nullable key clears what the file set.
    assertTrue(config.getJsonObject("cache").containsKey("redisUrl"));
    assertNull(ConfigLoader.get(config, "cache.redisUrl"));
  }

  static Stream<Arguments> invalidConfigs() {
    return Stream.of(
        arguments("TTS_QUALITY_TIER=ultra", null, Map.of("TTS_QUALITY_TIER", "ultra"),
            "config: TTS_QUALITY_TIER (tts.qualityTier) = 'ultra' is not allowed; expected one of balanced|fast|high"),
        arguments("HTTP_PORT=70000", null, Map.of("HTTP_PORT", "70000"),
            "config: HTTP_PORT (http.port) = '70000' is not allowed; expected an integer between 0 and 65535"),
        arguments("HTTP_PORT=abc", null, Map.of("HTTP_PORT", "abc"),
            "config: HTTP_PORT (http.port) = 'abc' is not allowed; expected an integer"),
        arguments("ENABLE_EMOTIONS=maybe", null, Map.of("ENABLE_EMOTIONS", "maybe"),
            "config: ENABLE_EMOTIONS (tts.enableEmotions) = 'maybe' is not allowed; expected true|false"),
        arguments("REDIS_URL=http://x", null, Map.of("REDIS_URL", "http://x"),
            "config: REDIS_URL (cache.redisUrl) = '***' is not allowed; "
                + "expected a URL starting with redis://, rediss:// or unix://"),
        arguments("LOG_LEVEL=loud", null, Map.of("LOG_LEVEL", "loud"),
            "config: LOG_LEVEL (logging.level) = 'loud' is not allowed; expected one of DEBUG|ERROR|INFO|TRACE|WARN"),
        arguments("NODE_ROLES=gateway,bogus", null, Map.of("NODE_ROLES", "gateway,bogus"),
            "config: NODE_ROLES (node.roles) = [\"gateway\",\"bogus\"] is not allowed; "
                + "expected a comma-separated subset of gateway,pipeline,cache,providers,gpu"),
        arguments("NODE_ROLES empty", null, Map.of("NODE_ROLES", " , "),
            "config: NODE_ROLES (node.roles) = [] is not allowed; "
                + "expected at least one of gateway,pipeline,cache,providers,gpu"),
        arguments("first chunk longer than max chunk", null,
            Map.of("FIRST_CHUNK_MAX_CHARS", "300", "MAX_CHUNK_CHARS", "200"),
            "config: FIRST_CHUNK_MAX_CHARS (tts.firstChunkMaxChars) = '300' is not allowed; "
                + "expected at most MAX_CHUNK_CHARS (200)"),
        arguments("stall timeout not above provider timeout", null,
            Map.of("STREAM_STALL_TIMEOUT_MS", "30000", "PROVIDER_TIMEOUT_MS", "30000"),
            "config: STREAM_STALL_TIMEOUT_MS (tts.streamStallTimeoutMs) = '30000' is not allowed; "
                + "expected more than PROVIDER_TIMEOUT_MS (30000), or slow sentences look like dead nodes"),
        arguments("cloud deadline not below the provider timeout", null,
            Map.of("CLOUD_TOTAL_TIMEOUT_MS", "30000"),
            "config: CLOUD_TOTAL_TIMEOUT_MS (providers.cloud.totalTimeoutMs) = '30000' is not allowed; "
                + "expected less than PROVIDER_TIMEOUT_MS (30000), so a cloud provider's own error reaches the client"),
        arguments("metrics port equal to the HTTP port", null, Map.of("METRICS_PORT", "8000"),
            "config: METRICS_PORT (metrics.port) = '8000' is not allowed; expected a port other than HTTP_PORT (8000)"),
        arguments("blank webroot would serve the working directory", null, Map.of("WEBROOT", ""),
            "config: WEBROOT (http.webroot) = '' is not allowed; expected a directory path"),
        arguments("unknown nested key in file", "{\"tts\": {\"qualtyTier\": \"high\"}}", Map.of(),
            "config: unknown key 'tts.qualtyTier' in " + FILE + " (every key is listed in docs/configuration.md)"),
        arguments("scalar where the file needs an object", "{\"http\": 8080}", Map.of(),
            "config: key 'http' in " + FILE + " must be an object"),
        arguments("string where the file needs an integer", "{\"http\": {\"port\": \"8080\"}}", Map.of(),
            "config: HTTP_PORT (http.port) = '8080' is not allowed; expected an integer between 0 and 65535"),
        arguments("null for a required key in file", "{\"cache\": {\"ttlSeconds\": null}}", Map.of(),
            "config: CACHE_TTL_SECONDS (cache.ttlSeconds) = 'null' is not allowed; "
                + "expected a value (it may not be null)"),
        arguments("file holds a JSON array, not an object", "[1, 2]", Map.of(),
            "config: --config file " + FILE + " is not a JSON object: Failed to decode"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidConfigs")
  void invalidConfigurationFailsWithExactOneLineMessage(String description, String fileJson, Map<String, String> env,
                                                        String expected) throws IOException {
    Path file = fileJson == null ? null : writeConfig(fileJson);

    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file, env));

    assertEquals(expected.replace(FILE, String.valueOf(file)), e.getMessage());
  }

  @Test
  void missingFileNamesThePath() {
    Path missing = dir.resolve("missing.json");

    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(missing, Map.of()));

    // NoSuchFileException's own message is the path, hence it appears twice.
    assertEquals("config: cannot read --config file " + missing + ": " + missing, e.getMessage());
  }

  /**
   * Every setting whose env value can be rejected, with one value it must reject. Free-form strings and lists
   * (paths, API keys, CORS origins) accept anything, so they have no such value.
   */
  static Stream<Arguments> rejectableSettings() {
    List<Arguments> cases = new ArrayList<>();
    for (Setting setting : Settings.ALL) {
      String bad = switch (setting.type()) {
        case INT, DOUBLE -> "twelve";
        case BOOL -> "perhaps";
        // The directory patterns only refuse blank paths; every other pattern refuses this free text.
        case STRING -> setting.path().equals("http.webroot") || setting.path().equals("providers.onnx.modelDir") ? " "
            : !setting.allowed().isEmpty() || setting.pattern() != null ? "no such value!" : null;
        case STRING_LIST -> setting.path().equals("node.roles") ? "gateway,nobody" : null;
      };
      if (bad != null) {
        cases.add(arguments(setting.env(), setting.path(), bad));
      }
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0}={2}")
  @MethodSource("rejectableSettings")
  void everyEnvErrorIsOneLineNamingKeyAndValue(String env, String path, String bad) {
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(null, Map.of(env, bad)));

    String message = e.getMessage();
    assertFalse(message.contains("\n") || message.contains("\r"), message);
    assertTrue(message.startsWith("config: " + env + " (" + path + ") = "), message);
    if (Setting.SECRETS.contains(path)) {
      // Credentials are never echoed, not even invalid ones.
      assertTrue(message.contains("= '***'") && !message.contains(bad), message);
      return;
    }
    // A list is shown as JSON (["gateway","nobody"]), so look for each item rather than the raw string.
    for (String part : bad.split(",")) {
      assertTrue(message.contains(part), message);
    }
  }

  @Test
  void settingsTableCoversEveryDefaultKeyExactlyOnce() {
    Set<String> defaultKeys = new TreeSet<>();
    collectLeaves(ConfigLoader.defaults(), "", defaultKeys);
    List<String> settingPaths = Settings.ALL.stream().map(Setting::path).toList();
    List<String> envNames = Settings.ALL.stream().map(Setting::env).toList();

    // Both directions: a key without a setting is never validated; a setting without a key is never set.
    assertEquals(defaultKeys, new TreeSet<>(settingPaths));
    assertEquals(settingPaths.size(), new HashSet<>(settingPaths).size(), "duplicate paths in Settings.ALL");
    assertEquals(envNames.size(), new HashSet<>(envNames).size(), "duplicate env names in Settings.ALL");
  }

  private static void collectLeaves(JsonObject node, String prefix, Set<String> out) {
    for (String key : node.fieldNames()) {
      Object value = node.getValue(key);
      if (value instanceof JsonObject nested) {
        collectLeaves(nested, prefix + key + ".", out);
      } else {
        out.add(prefix + key);
      }
    }
  }

  @Test
  void authModeAutoIsDevOnLoopbackAndJwtElsewhereWhichNeedsAStrongKey() {
    assertEquals("dev", ConfigLoader.load(null, Map.of("HTTP_HOST", "127.0.0.2")).getJsonObject("auth").getString("mode"));
    ConfigException noKey = assertThrows(ConfigException.class, () -> ConfigLoader.load(null, Map.of("HTTP_HOST", "0.0.0.0")));
    assertEquals("config: AUTH_MODE=jwt (bind address 0.0.0.0) needs JWT_SECRET (at least 32 bytes) for JWT_ALGORITHM=HS256",
        noKey.getMessage());
    ConfigException weak = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(null, Map.of("HTTP_HOST", "0.0.0.0", "JWT_SECRET", "short")));
    assertEquals("config: JWT_SECRET (auth.jwtSecret) is too short; expected at least 32 bytes", weak.getMessage());
    JsonObject ok = ConfigLoader.load(null, Map.of("HTTP_HOST", "0.0.0.0", "JWT_SECRET", "x".repeat(32)));
    assertEquals("jwt", ok.getJsonObject("auth").getString("mode"));
    ConfigException rsa = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(null, Map.of("AUTH_MODE", "jwt", "JWT_ALGORITHM", "RS256")));
    assertEquals("config: AUTH_MODE=jwt needs JWT_PUBLIC_KEY for JWT_ALGORITHM=RS256", rsa.getMessage());
  }

  @Test
  void devModeIsRefusedOffLoopbackAndTrustedProxiesMustBeAddresses() {
    ConfigException dev = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(null, Map.of("HTTP_HOST", "0.0.0.0", "AUTH_MODE", "dev")));
    assertEquals("config: AUTH_MODE=dev is only allowed on a loopback HTTP_HOST (got 0.0.0.0): anyone who reaches the"
        + " node could mint tokens; use AUTH_MODE=jwt", dev.getMessage());
    ConfigException proxies = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(null, Map.of("TRUSTED_PROXIES", "10.0.0.0/8,ingress.local")));
    assertEquals("config: TRUSTED_PROXIES (limits.trustedProxies) = [\"10.0.0.0/8\",\"ingress.local\"] is not allowed;"
        + " expected IP addresses or CIDR ranges such as 10.0.0.0/8", proxies.getMessage());
  }

  @Test
  void theDocumentedExampleFileHasEveryKeyAndLoads() throws IOException {
    Path example = Path.of("config", "enhanced_config.example.json");
    Set<String> exampleKeys = new TreeSet<>();
    collectLeaves(new JsonObject(java.nio.file.Files.readString(example)), "", exampleKeys);
    Set<String> defaultKeys = new TreeSet<>();
    collectLeaves(ConfigLoader.defaults(), "", defaultKeys);
    assertEquals(defaultKeys, exampleKeys, "config/enhanced_config.example.json documents every key");
    ConfigLoader.load(example, Map.of());
  }
}
