package com.ervc.config;

import io.vertx.core.json.JsonObject;

import java.util.List;

import static com.ervc.config.Setting.string;

/** The {@code logging.*} keys. */
public record LoggingConfig(String level) {
  static final Setting LEVEL = string("logging.level", "LOG_LEVEL", "INFO")
      .oneOf("TRACE", "DEBUG", "INFO", "WARN", "ERROR")
      .describe("Level of the root logger, set after the configuration is loaded. `logback.xml` pins `com.hazelcast` "
          + "and `io.netty` at `WARN`, and this key does not change them. `--debug` forces `DEBUG`.");

  static final List<Setting> SETTINGS = List.of(LEVEL);

  static LoggingConfig from(JsonObject config) {
    return new LoggingConfig(LEVEL.readString(config));
  }
}
