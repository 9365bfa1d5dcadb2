package com.ervc.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One configuration key: where it lives in the JSON tree, the environment variable that overrides it,
 * its type and what values are allowed. The table in {@link Settings} is the single source of truth that
 * the loader, the validator and the documentation test all read.
 */
public record Setting(String path, String env, Type type, boolean nullable, Set<String> allowed,
                      long min, long max, Pattern pattern, String patternHint) {

  public enum Type { STRING, INT, BOOL, STRING_LIST, DOUBLE }

  /** Keys whose values never appear in an error message (they hold credentials). */
  static final java.util.Set<String> SECRETS = java.util.Set.of("cache.redisUrl", "metrics.token", "admin.token", "auth.jwtSecret",
      "providers.elevenlabs.apiKey", "providers.azure.key", "providers.openai.apiKey");

  public static Setting string(String path, String env) {
    return new Setting(path, env, Type.STRING, false, Set.of(), 0, 0, null, null);
  }

  public static Setting integer(String path, String env, long min, long max) {
    return new Setting(path, env, Type.INT, false, Set.of(), min, max, null, null);
  }

  public static Setting bool(String path, String env) {
    return new Setting(path, env, Type.BOOL, false, Set.of(), 0, 0, null, null);
  }

  public static Setting list(String path, String env) {
    return new Setting(path, env, Type.STRING_LIST, false, Set.of(), 0, 0, null, null);
  }

  public Setting oneOf(String... values) {
    return new Setting(path, env, type, nullable, Set.of(values), min, max, pattern, patternHint);
  }

  public Setting orNull() {
    return new Setting(path, env, type, true, allowed, min, max, pattern, patternHint);
  }

  public Setting matching(String regex, String hint) {
    return new Setting(path, env, type, nullable, allowed, min, max, Pattern.compile(regex), hint);
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
      case DOUBLE -> {
        try {
          yield Double.parseDouble(value);
        } catch (NumberFormatException e) {
          throw invalid(raw, "a number");
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
      case DOUBLE -> {
        if (!(value instanceof Number n)) {
          throw invalid(value, "a number");
        }
        yield n.doubleValue();
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

  ConfigException invalid(Object value, String expected) {
    String shown = SECRETS.contains(path) && value != null ? "'***'"
        : value instanceof JsonObject || value instanceof JsonArray ? value.toString() : "'" + value + "'";
    return new ConfigException("config: " + displayName() + " = " + shown + " is not allowed; expected " + expected);
  }
}
