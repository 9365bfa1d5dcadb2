package com.ervc.config;

import io.vertx.core.json.JsonObject;

import java.util.List;

import static com.ervc.config.Setting.bool;
import static com.ervc.config.Setting.integer;
import static com.ervc.config.Setting.string;

/** The {@code providers.espeak.*} keys: the espeak-ng provider. */
public record EspeakConfig(boolean enabled, String binary, int workers, int maxQueue, Integer maxLoad, int timeoutMs,
                           int warmProcesses) {
  static final Setting ENABLED = bool("providers.espeak.enabled", "ESPEAK_ENABLED", true)
      .describe("Whether a node with the `providers` role runs the espeak provider.");
  static final Setting BINARY = string("providers.espeak.binary", "ESPEAK_BINARY", "espeak-ng")
      .documented("command name or path")
      .describe("The espeak-ng executable. At startup the node runs `--version` and `--voices`. If that fails, the "
          + "component is `down` and no espeak instance is announced.");
  static final Setting WORKERS = integer("providers.espeak.workers", "ESPEAK_WORKERS", 2, 1, 64)
      .describe("Worker threads, which is the most espeak-ng processes running at once on this node.");
  static final Setting MAX_QUEUE = integer("providers.espeak.maxQueue", "ESPEAK_MAX_QUEUE", 64, 1, 100_000)
      .describe("The most sentence requests in flight (running + waiting) on this node. More are refused with 503, "
          + "and the client gets `provider_unavailable`.");
  static final Setting MAX_LOAD = integer("providers.espeak.maxLoad", "ESPEAK_MAX_LOAD", null, 1, 100_000).orNull()
      .describe("espeak's capacity per instance; `null` means `tts.maxLoadPerProvider`.");
  static final Setting TIMEOUT_MS = integer("providers.espeak.timeoutMs", "ESPEAK_TIMEOUT_MS", 20000, 100, 600_000)
      .describe("One espeak-ng run is killed after it has made the provider wait this long for its output in all "
          + "(time its audio waits for a slow client does not count), and the client gets `internal`. Twice this "
          + "value is the worker pool's \"blocked thread\" warning threshold.");

  static final Setting WARM_PROCESSES = integer("providers.espeak.warmProcesses", "ESPEAK_WARM_PROCESSES", 2, 0, 64)
      .describe("espeak-ng processes kept started ahead, each waiting for the text of the next sentence with its "
          + "command line (voice, speed, pitch, amplitude: those used last). A sentence that finds one skips "
          + "espeak-ng's start-up, most of a short sentence's time to first audio ([espeak.md]"
          + "(providers/espeak.md#processes-started-ahead)). The oldest is killed to make room; `0` starts a process "
          + "for each sentence.");

  static final List<Setting> SETTINGS = List.of(ENABLED, BINARY, WORKERS, MAX_QUEUE, MAX_LOAD, TIMEOUT_MS,
      WARM_PROCESSES);

  static EspeakConfig from(JsonObject config) {
    return new EspeakConfig(ENABLED.readBool(config), BINARY.readString(config), WORKERS.readInt(config),
        MAX_QUEUE.readInt(config), MAX_LOAD.readIntOrNull(config), TIMEOUT_MS.readInt(config),
        WARM_PROCESSES.readInt(config));
  }
}
