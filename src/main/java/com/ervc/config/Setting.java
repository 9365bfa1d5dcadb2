package com.ervc.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One configuration key: where it lives in the JSON tree, the environment variable that overrides it, its type,
 * its default, what values are allowed and what it means. Each section record (e.g. {@link HttpConfig}) declares
 * its keys as settings; {@link Settings#ALL} lists them all, and the loader, the validator and the reference
 * tables of docs/configuration.md all read them.
 *
 * @param defaultValue the embedded default as a JSON value (String, Integer, Boolean, a list of strings, or null)
 * @param allowedText  how the reference table states the allowed values, or null to derive it from the checks
 * @param description  what the key does, as the reference table states it (Markdown, one line)
 * @param credential   whether the value is a credential, which no error message may show
 */
public record Setting(String path, String env, Type type, boolean nullable, List<String> allowed,
                      long min, long max, Pattern pattern, String patternHint, Object defaultValue,
                      String allowedText, String description, boolean credential) {

  public enum Type { STRING, INT, BOOL, STRING_LIST }

  static Setting string(String path, String env, String defaultValue) {
    return new Setting(path, env, Type.STRING, false, List.of(), 0, 0, null, null, defaultValue, null, null, false);
  }

  static Setting integer(String path, String env, Integer defaultValue, long min, long max) {
    return new Setting(path, env, Type.INT, false, List.of(), min, max, null, null, defaultValue, null, null, false);
  }

  static Setting bool(String path, String env, boolean defaultValue) {
    return new Setting(path, env, Type.BOOL, false, List.of(), 0, 0, null, null, defaultValue, null, null, false);
  }

  static Setting list(String path, String env, String... defaultValue) {
    return new Setting(path, env, Type.STRING_LIST, false, List.of(), 0, 0, null, null, List.of(defaultValue), null,
        null, false);
  }

  Setting oneOf(String... values) {
    return new Setting(path, env, type, nullable, List.of(values), min, max, pattern, patternHint, defaultValue,
        allowedText, description, credential);
  }

  Setting orNull() {
    return new Setting(path, env, type, true, allowed, min, max, pattern, patternHint, defaultValue, allowedText,
        description, credential);
  }

  Setting matching(String regex, String hint) {
    return new Setting(path, env, type, nullable, allowed, min, max, Pattern.compile(regex), hint, defaultValue,
        allowedText, description, credential);
  }

  /** States the allowed values in the reference table where the checks alone do not say it well. */
  Setting documented(String text) {
    return new Setting(path, env, type, nullable, allowed, min, max, pattern, patternHint, defaultValue, text,
        description, credential);
  }

  /** Marks a credential: error messages show {@code '***'} in place of its value. */
  Setting asCredential() {
    return new Setting(path, env, type, nullable, allowed, min, max, pattern, patternHint, defaultValue, allowedText,
        description, true);
  }

  Setting describe(String text) {
    return new Setting(path, env, type, nullable, allowed, min, max, pattern, patternHint, defaultValue, allowedText,
        text, credential);
  }

  /** The name an operator knows this key by: the env variable when there is one, else the JSON path. */
  public String displayName() {
    return env == null ? path : env + " (" + path + ")";
  }

  /** Converts an environment string into the JSON value this key holds. */
  Object parseEnv(String raw) {
    String value = raw.trim();
    if (nullable && value.isEmpty()) {
      return null;
    }
    return switch (type) {
      case STRING -> value;
      case INT -> {
        try {
          yield Long.parseLong(value);
        } catch (NumberFormatException e) {
          throw invalid(raw, "an integer");
        }
      }
      case BOOL -> switch (value.toLowerCase(Locale.ROOT)) {
        case "true", "1", "yes", "on" -> true;
        case "false", "0", "no", "off" -> false;
        default -> throw invalid(raw, "true|false");
      };
      case STRING_LIST -> {
        JsonArray items = new JsonArray();
        for (String item : value.split(",")) {
          if (!item.isBlank()) {
            items.add(item.trim());
          }
        }
        yield items;
      }
    };
  }

  /** Checks the merged value; returns it normalised (e.g. upper-cased log level) or throws one clear line. */
  Object validate(Object value) {
    if (value == null) {
      if (nullable) {
        return null;
      }
      throw invalid(null, "a value (it may not be null)");
    }
    return switch (type) {
      case STRING -> checkString(value);
      case INT -> {
        if (!(value instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
          throw invalid(value, "an integer between " + min + " and " + max);
        }
        long v = n.longValue();
        if (v < min || v > max) {
          throw invalid(value, "an integer between " + min + " and " + max);
        }
        yield v <= Integer.MAX_VALUE ? (Object) (int) v : (Object) v;
      }
      case BOOL -> {
        if (!(value instanceof Boolean)) {
          throw invalid(value, "true|false");
        }
        yield value;
      }
      case STRING_LIST -> {
        if (!(value instanceof JsonArray array)) {
          throw invalid(value, "a list of strings");
        }
        List<Object> checked = new ArrayList<>();
        for (Object item : array) {
          if (!(item instanceof String)) {
            throw invalid(value, "a list of strings");
          }
          checked.add(checkString(item));
        }
        yield new JsonArray(checked);
      }
    };
  }

  private String checkString(Object value) {
    if (!(value instanceof String s)) {
      throw invalid(value, "a string");
    }
    if (!allowed.isEmpty()) {
      String match = allowed.stream().filter(a -> a.equalsIgnoreCase(s.trim())).findFirst().orElse(null);
      if (match == null) {
        throw invalid(value, "one of " + String.join("|", allowed.stream().sorted().toList()));
      }
      return match;
    }
    if (pattern != null && !pattern.matcher(s).matches()) {
      throw invalid(value, patternHint);
    }
    return s;
  }

  String readString(JsonObject config) {
    return (String) ConfigLoader.get(config, path);
  }

  int readInt(JsonObject config) {
    return ((Number) ConfigLoader.get(config, path)).intValue();
  }

  long readLong(JsonObject config) {
    return ((Number) ConfigLoader.get(config, path)).longValue();
  }

  Integer readIntOrNull(JsonObject config) {
    Number value = (Number) ConfigLoader.get(config, path);
    return value == null ? null : value.intValue();
  }

  boolean readBool(JsonObject config) {
    return (Boolean) ConfigLoader.get(config, path);
  }

  List<String> readList(JsonObject config) {
    return ((JsonArray) ConfigLoader.get(config, path)).stream().map(String::valueOf).toList();
  }

  ConfigException invalid(Object value, String expected) {
    String shown = credential && value != null ? "'***'"
        : value instanceof JsonObject || value instanceof JsonArray ? value.toString() : "'" + value + "'";
    return new ConfigException("config: " + displayName() + " = " + shown + " is not allowed; expected " + expected);
  }
}
