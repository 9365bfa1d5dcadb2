package com.ervc.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

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
import java.util.stream.Collectors;
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

  /** The value a consumer reads for {@code path}: {@code http.port} is {@code config.http().port()}. */
  static Object typed(ServiceConfig config, String path) {
    Object value = config;
    for (String part : path.split("\\.")) {
      try {
        value = value.getClass().getMethod(part).invoke(value);
      } catch (ReflectiveOperationException e) {
        throw new AssertionError("no accessor for '" + part + "' of " + path + " on " + value.getClass(), e);
      }
    }
    return value;
  }

  /** Compares a declared default with what the record holds: whole numbers of any width, lists of any kind. */
  private static Object comparable(Object value) {
    return value instanceof Number n ? (Object) n.longValue()
        : value instanceof List<?> items ? List.copyOf(items) : value;
  }

  @Test
  void defaultsAreValidAndNormalised() {
    // Validation of each key changes nothing in the embedded defaults.
    assertEquals(ConfigLoader.defaults(), ConfigLoader.tree(null, Map.of()));
  }

  @Test
  void everySectionRecordHoldsItsKeysDefault() {
    ServiceConfig config = ConfigLoader.load(null, Map.of());

    for (Setting setting : Settings.ALL) {
      if (setting.path().equals("auth.mode")) {
        // AUTH_MODE=auto is resolved: dev on the default loopback bind address.
        assertEquals("dev", config.auth().mode());
        continue;
      }
      assertEquals(comparable(setting.defaultValue()), comparable(typed(config, setting.path())), setting.path());
    }
    assertNull(config.node().id(), "a loaded configuration has no cluster node id yet");
    assertEquals(64L * 1024 * 1024, config.cache().maxBytes());
    assertEquals(List.of("gateway", "pipeline", "cache", "providers"), config.node().roles());
    assertFalse(config.metrics().separatePort());
    assertTrue(config.auth().devMode());
  }

  /** A valid value for each pattern a string setting may have, different from every default. */
  private static final Map<String, String> PATTERN_SAMPLES = Map.of(
      Settings.HOST, "127.0.0.7", // loopback, so that HTTP_HOST keeps dev mode
      Settings.BASE_URL, "https://proxy.example.test/v1",
      Settings.WS_URL, "ws://proxy.example.test/v1/realtime",
      Settings.TOKEN, "0123456789abcdef-token",
      Settings.DIRECTORY, "elsewhere/dir",
      "[A-Za-z0-9._\\-]{1,63}", "node-7",
      "[A-Za-z0-9._\\-]{1,64}", "cluster-7",
      "(redis|rediss|unix)://.+", "redis://cache.example.test:6379/1",
      "(postgres|postgresql)://.+", "postgresql://ervc:secret@db.example.test:5432/ervc",
      "[a-z0-9]+", "westeurope");

  /** For each setting: a raw environment value other than its default that every check accepts. */
  static Stream<Arguments> oneEnvValuePerSetting() {
    return Settings.ALL.stream().map(setting -> {
      String raw = switch (setting.type()) {
        case INT -> setting.defaultValue() == null ? String.valueOf(setting.min())
            : String.valueOf((Integer) setting.defaultValue() + 1);
        case BOOL -> String.valueOf(!(Boolean) setting.defaultValue());
        case STRING -> !setting.allowed().isEmpty()
            ? setting.allowed().stream().filter(v -> !v.equals(setting.defaultValue())).findFirst().orElseThrow()
            : setting.pattern() != null ? PATTERN_SAMPLES.get(setting.pattern().pattern())
            // Free text, long enough for the 32-byte minimum of auth.jwtSecret.
            : "free text of at least thirty-two bytes";
        case STRING_LIST -> switch (setting.path()) {
          case "node.roles" -> "cache";
          case "openaiApi.models" -> "kokoro=onnx:high";
          case "openaiApi.voices" -> "alloy=onnx:kokoro:af_heart";
          case "quality.lines" -> "h03";
          case "quality.voices" -> "espeak:en-gb";
          default -> "10.0.0.0/8";
        };
      };
      return arguments(setting.env(), raw, setting);
    });
  }

  @ParameterizedTest(name = "{0}={1}")
  @MethodSource("oneEnvValuePerSetting")
  void everyEnvironmentVariableReachesItsSectionRecord(String env, String raw, Setting setting) {
    assertTrue(setting.pattern() == null || setting.pattern().matcher(raw).matches(), "sample for " + setting.path());

    ServiceConfig config = ConfigLoader.load(null, Map.of(env, raw));

    Object expected = switch (setting.type()) {
      case INT -> Long.parseLong(raw);
      case BOOL -> Boolean.parseBoolean(raw);
      case STRING -> raw;
      case STRING_LIST -> List.of(raw);
    };
    assertEquals(expected, comparable(typed(config, setting.path())));
    assertNotEquals(comparable(setting.defaultValue()), expected, "the sample must differ from the default");
  }

  @Test
  void everySettingIsUniqueAndDescribedOnOneLine() {
    List<String> paths = Settings.ALL.stream().map(Setting::path).toList();
    List<String> envNames = Settings.ALL.stream().map(Setting::env).toList();
    assertEquals(paths.size(), new HashSet<>(paths).size(), "duplicate paths in Settings.ALL");
    assertEquals(envNames.size(), new HashSet<>(envNames).size(), "duplicate env names in Settings.ALL");
    for (Setting setting : Settings.ALL) {
      assertTrue(setting.description() != null && !setting.description().isBlank(),
          setting.path() + " has no description");
      for (String text : new String[] {setting.description(), setting.allowedText()}) {
        // Reference table cells: one line each, and a bare '|' would split the cell.
        assertTrue(text == null || !text.contains("\n") && !text.replace("\\|", "").contains("|"), setting.path());
      }
    }
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
        arguments("CORS_ORIGINS", "a, b", "http.corsOrigins", List.of("a", "b")),
        arguments("CORS_ORIGINS", " a,, b ,", "http.corsOrigins", List.of("a", "b")),
        arguments("NODE_ROLES", "gateway,cache", "node.roles", List.of("gateway", "cache")),
        arguments("AZURE_AUTH", "TOKEN", "providers.azure.auth", "token"),
        arguments("TRUSTED_PROXIES", "10.0.0.0/8, fd00::/8", "limits.trustedProxies",
            List.of("10.0.0.0/8", "fd00::/8")),
        arguments("REDIS_URL", "redis://cache:6379/0", "cache.redisUrl", "redis://cache:6379/0"),
        arguments("CLUSTER_PUBLIC_HOST", "10.0.0.7", "cluster.publicHost", "10.0.0.7"));
  }

  @ParameterizedTest(name = "{0}={1}")
  @MethodSource("envOverrides")
  void environmentOverridesDefault(String env, String raw, String path, Object expected) {
    ServiceConfig config = ConfigLoader.load(null, Map.of(env, raw));

    assertEquals(expected, typed(config, path));
  }

  @Test
  void fileOverlaysNestedKeysAndKeepsTheirSiblings() throws IOException {
    Path file = writeConfig("""
        {"http": {"port": 9001},
         "tts": {"qualityTier": "HIGH"},
         "providers": {"espeak": {"workers": 4}}}""");

    ServiceConfig config = ConfigLoader.load(file, Map.of());

    assertEquals(9001, config.http().port());
    assertEquals("high", config.tts().qualityTier());
    assertEquals(4, config.providers().espeak().workers());
    assertEquals("127.0.0.1", config.http().host());
    assertEquals("espeak-ng", config.providers().espeak().binary());
    assertEquals(64, config.providers().espeak().maxQueue());
  }

  @Test
  void environmentBeatsFile() throws IOException {
    Path file = writeConfig("{\"http\": {\"port\": 9001}, \"cache\": {\"redisUrl\": \"redis://a:6379\"}}");

    ServiceConfig config = ConfigLoader.load(file, Map.of("HTTP_PORT", "9002", "REDIS_URL", ""));

    assertEquals(9002, config.http().port());
    // An empty value for a nullable key clears what the file set.
    assertNull(config.cache().redisUrl());
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
        case INT -> "twelve";
        case BOOL -> "perhaps";
        // The directory patterns only refuse blank paths; every other pattern refuses this free text.
        case STRING -> List.of("http.webroot", "providers.onnx.modelDir", "openaiApi.ffmpeg", "cloning.dir")
            .contains(setting.path()) ? " "
            : !setting.allowed().isEmpty() || setting.pattern() != null ? "no such value!" : null;
        case STRING_LIST -> setting.path().equals("node.roles") ? "gateway,nobody"
            : setting.path().startsWith("openaiApi.") ? "tts-1=no such value!" : null;
      };
      if (bad != null) {
        cases.add(arguments(setting.env(), setting.path(), bad, setting.credential()));
      }
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0}={2}")
  @MethodSource("rejectableSettings")
  void everyEnvErrorIsOneLineNamingKeyAndValue(String env, String path, String bad, boolean credential) {
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(null, Map.of(env, bad)));

    String message = e.getMessage();
    assertFalse(message.contains("\n") || message.contains("\r"), message);
    assertTrue(message.startsWith("config: " + env + " (" + path + ") = "), message);
    if (credential) {
      // Credentials are never echoed, not even invalid ones.
      assertTrue(message.contains("= '***'") && !message.contains(bad), message);
      return;
    }
    // A list is shown as JSON (["gateway","nobody"]), so look for each item rather than the raw string.
    for (String part : bad.split(",")) {
      assertTrue(message.contains(part), message);
    }
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
    assertEquals("dev", ConfigLoader.load(null, Map.of("HTTP_HOST", "127.0.0.2")).auth().mode());
    ConfigException noKey = assertThrows(ConfigException.class, () -> ConfigLoader.load(null, Map.of("HTTP_HOST", "0.0.0.0")));
    assertEquals("config: AUTH_MODE=jwt (bind address 0.0.0.0) needs JWT_SECRET (at least 32 bytes) for JWT_ALGORITHM=HS256",
        noKey.getMessage());
    ConfigException weak = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(null, Map.of("HTTP_HOST", "0.0.0.0", "JWT_SECRET", "short")));
    assertEquals("config: JWT_SECRET (auth.jwtSecret) is too short; expected at least 32 bytes", weak.getMessage());
    ServiceConfig ok = ConfigLoader.load(null, Map.of("HTTP_HOST", "0.0.0.0", "JWT_SECRET", "x".repeat(32)));
    assertEquals("jwt", ok.auth().mode());
    assertFalse(ok.auth().devMode());
    ConfigException rsa = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(null, Map.of("AUTH_MODE", "jwt", "JWT_ALGORITHM", "RS256")));
    assertEquals("config: AUTH_MODE=jwt needs JWT_PUBLIC_KEY for JWT_ALGORITHM=RS256", rsa.getMessage());
  }

  @Test
  void everyCredentialIsMarked() {
    Set<String> secrets = Settings.ALL.stream().filter(Setting::credential).map(Setting::path)
        .collect(Collectors.toCollection(TreeSet::new));

    assertEquals(new TreeSet<>(List.of("admin.token", "auth.jwtSecret", "cache.redisUrl", "cloning.databaseUrl",
        "metrics.token", "providers.azure.key", "providers.elevenlabs.apiKey", "providers.openai.apiKey")), secrets);
  }

  @Test
  void providerCapacityIsEspeaksOwnMaxLoadElseTheSharedOne() {
    ServiceConfig config = ConfigLoader.load(null, Map.of("ESPEAK_MAX_LOAD", "7", "MAX_LOAD_PER_PROVIDER", "40"));

    assertEquals(7, config.providerCapacity("espeak"));
    assertEquals(40, config.providerCapacity("onnx"));
    assertEquals(40, config.providerCapacity("elevenlabs"));
    assertEquals(100, ConfigLoader.load(null, Map.of()).providerCapacity("espeak"));
  }

  @Test
  void joinedFillsInTheNodeIdentityAndKeepsEverythingElse() {
    ServiceConfig loaded = ConfigLoader.load(null, Map.of("NODE_ROLES", "cache", "SHUTDOWN_DRAIN_SECONDS", "9"));

    ServiceConfig joined = loaded.joined("node-id-1", "cache-a");

    assertEquals(new NodeConfig("node-id-1", "cache-a", List.of("cache"), 9), joined.node());
    assertEquals(new ServiceConfig(joined.node(), loaded.cluster(), loaded.http(), loaded.tts(), loaded.cache(),
        loaded.limits(), loaded.auth(), loaded.providers(), loaded.metrics(), loaded.admin(), loaded.health(),
        loaded.logging(), loaded.openaiApi(), loaded.cloning(), loaded.quality()), joined);
  }

  @Test
  void aSectionBuiltInCodeChecksItsRulesLikeTheLoader() {
    ConfigException roles = assertThrows(ConfigException.class,
        () -> new NodeConfig(null, null, List.of("gateway", "nobody"), 5));
    assertEquals("config: NODE_ROLES (node.roles) = [\"gateway\",\"nobody\"] is not allowed; "
        + "expected a comma-separated subset of gateway,pipeline,cache,providers,gpu", roles.getMessage());
    ConfigException proxies = assertThrows(ConfigException.class,
        () -> new LimitsConfig(1, 1, 1, 1, 1, List.of("proxy.local")));
    assertEquals("config: TRUSTED_PROXIES (limits.trustedProxies) = [\"proxy.local\"] is not allowed;"
        + " expected IP addresses or CIDR ranges such as 10.0.0.0/8", proxies.getMessage());
    ServiceConfig defaults = ConfigLoader.load(null, Map.of());
    ConfigException ports = assertThrows(ConfigException.class, () -> new ServiceConfig(defaults.node(),
        defaults.cluster(), defaults.http(), defaults.tts(), defaults.cache(), defaults.limits(), defaults.auth(),
        defaults.providers(), new MetricsConfig(true, defaults.http().port(), null), defaults.admin(),
        defaults.health(), defaults.logging(), defaults.openaiApi(), defaults.cloning(), defaults.quality()));
    assertEquals("config: METRICS_PORT (metrics.port) = '8000' is not allowed; expected a port other than HTTP_PORT"
        + " (8000)", ports.getMessage());
  }

  @Test
  void aMetricsPortOfZeroMayEqualARandomHttpPort() {
    ServiceConfig config = ConfigLoader.load(null, Map.of("HTTP_PORT", "0", "METRICS_PORT", "0"));

    assertTrue(config.metrics().separatePort());
    assertEquals(0, config.metrics().port());
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
