package com.ervc.config;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The key tables of docs/configuration.md are generated from the settings of the section records, so the reference
 * cannot drift from what the loader accepts. On a difference the test writes the expected file to
 * target/configuration.md; {@code -Dconfig.docs.write=true} makes it rewrite the doc in place instead.
 */
class ConfigDocsTest {
  static final Path DOC = Path.of("docs", "configuration.md");
  static final String BEGIN = "<!-- BEGIN GENERATED: key tables, from the settings in src/main/java/com/ervc/config"
      + " (ConfigDocsTest) -->";
  static final String END = "<!-- END GENERATED -->";
  private static final String HEADER = """
      | Key (JSON path) | Environment variable | Type | Default | Allowed values | Meaning |
      |-----------------|----------------------|------|---------|----------------|---------|
      """;

  @Test
  void keyTablesMatchTheSettings() throws IOException {
    String doc = Files.readString(DOC);
    int begin = doc.indexOf(BEGIN);
    int end = doc.indexOf(END);
    assertTrue(begin >= 0 && end > begin, DOC + " must hold the markers " + BEGIN + " and " + END);
    String expected = doc.substring(0, begin + BEGIN.length()) + "\n" + tables() + doc.substring(end);
    if (expected.equals(doc)) {
      return;
    }
    if (Boolean.getBoolean("config.docs.write")) {
      Files.writeString(DOC, expected);
      return;
    }
    Path generated = Path.of("target", "configuration.md");
    Files.createDirectories(generated.getParent());
    Files.writeString(generated, expected);
    fail(DOC + " differs from the settings in com.ervc.config. Regenerate it with"
        + " `mvn -B -o verify -DskipITs -Dtest=ConfigDocsTest -Dconfig.docs.write=true`"
        + " or copy " + generated + " over it, and review the diff.");
  }

  /** One table per section, in the order of {@link Settings#ALL}. */
  static String tables() {
    Map<String, List<Setting>> sections = Settings.ALL.stream().collect(Collectors.groupingBy(
        s -> s.path().substring(0, s.path().lastIndexOf('.')), LinkedHashMap::new, Collectors.toList()));
    StringBuilder out = new StringBuilder();
    sections.forEach((section, settings) -> {
      out.append("\n### `").append(section).append(".*` (`").append(recordOf(section)).append("`)\n\n")
          .append(HEADER);
      settings.forEach(s -> out.append("| `").append(s.path()).append("` | `").append(s.env()).append("` | ")
          .append(type(s)).append(" | `").append(Json.encode(jsonDefault(s))).append("` | ").append(allowed(s))
          .append(" | ").append(s.description()).append(" |\n"));
    });
    return out.append('\n').toString();
  }

  /** The record a consumer receives for {@code section}, found the way it reaches it from {@link ServiceConfig}. */
  private static String recordOf(String section) {
    Class<?> type = ServiceConfig.class;
    for (String part : section.split("\\.")) {
      try {
        type = type.getMethod(part).getReturnType();
      } catch (NoSuchMethodException e) {
        throw new AssertionError("section " + section + " is not reachable from ServiceConfig", e);
      }
    }
    return type.getSimpleName();
  }

  private static Object jsonDefault(Setting s) {
    return s.defaultValue() instanceof List<?> items ? new JsonArray(List.copyOf(items)) : s.defaultValue();
  }

  private static String type(Setting s) {
    String type = switch (s.type()) {
      case STRING -> "string";
      case INT -> "integer";
      case BOOL -> "boolean";
      case STRING_LIST -> "list of strings";
    };
    return s.nullable() ? type + ", nullable" : type;
  }

  /** The allowed values as the checks define them, unless the setting states them itself. */
  private static String allowed(Setting s) {
    if (s.allowedText() != null) {
      return s.allowedText();
    }
    String derived = switch (s.type()) {
      case INT -> s.min() + "–" + s.max();
      case BOOL -> "`true`, `false`";
      case STRING -> !s.allowed().isEmpty()
          ? s.allowed().stream().map(v -> "`" + v + "`").collect(Collectors.joining(", "))
          : s.pattern() != null ? s.patternHint() : "any string";
      case STRING_LIST -> "strings";
    };
    return s.nullable() ? "`null`, or " + derived : derived;
  }
}
