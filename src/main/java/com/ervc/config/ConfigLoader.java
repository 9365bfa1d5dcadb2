package com.ervc.config;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Builds the node configuration: the defaults of {@link Settings}, then an optional JSON file, then environment
 * variables, then validation of every key and of the rules between keys. Any problem becomes one
 * {@link ConfigException} line.
 */
public final class ConfigLoader {
  private ConfigLoader() {
  }

  /** The embedded defaults as a JSON tree, in the shape a {@code --config} file has. */
  static JsonObject defaults() {
    JsonObject config = new JsonObject();
    for (Setting setting : Settings.ALL) {
      put(config, setting.path(), setting.defaultValue() instanceof List<?> items ? new JsonArray(List.copyOf(items))
          : setting.defaultValue());
    }
    return config;
  }

  /**
   * @param file optional JSON overlay (null for none)
   * @param env  environment variables (System.getenv() in production)
   */
  public static ServiceConfig load(Path file, Map<String, String> env) {
    return ServiceConfig.from(tree(file, env));
  }

  /** The merged tree with every key validated on its own; {@link ServiceConfig} checks the rules between keys. */
  static JsonObject tree(Path file, Map<String, String> env) {
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

  /** Validates and normalises every key of a full configuration tree; returns it for chaining. */
  private static JsonObject validate(JsonObject config) {
    for (Setting setting : Settings.ALL) {
      put(config, setting.path(), setting.validate(get(config, setting.path())));
    }
    return config;
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
