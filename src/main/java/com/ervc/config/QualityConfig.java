package com.ervc.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

import static com.ervc.config.Setting.bool;
import static com.ervc.config.Setting.integer;
import static com.ervc.config.Setting.list;
import static com.ervc.config.Setting.string;

/** The {@code quality.*} keys: the optional periodic quality check of this node's provider instances. */
public record QualityConfig(boolean enabled, int intervalMinutes, List<String> lines, String recogniser) {
  public static final String NO_RECOGNISER = "none";
  public static final String POCKETSPHINX = "pocketsphinx";

  static final Setting ENABLED = bool("quality.enabled", "QUALITY_MONITOR_ENABLED", false)
      .describe("Turns the periodic quality check on. A node with the `providers` role then synthesises the "
          + "`quality.lines` with each of its own available provider instances (default voice, through the same bus "
          + "path as the health probe), analyses the audio on a worker thread with the evaluation measures and "
          + "exports the `tts_quality_*` gauges (see [Operations](operations.md#metrics) and "
          + "[Evaluation](evaluation.md#quality-monitoring)). Each run costs one synthesis per line per provider, "
          + "billed for cloud providers.");
  static final Setting INTERVAL_MINUTES = integer("quality.intervalMinutes", "QUALITY_MONITOR_INTERVAL_MINUTES", 60,
      1, 10_080)
      .describe("Minutes between two quality runs; the first runs right after the node started.");
  static final Setting LINES = list("quality.lines", "QUALITY_MONITOR_LINES", "h01", "h02", "q01")
      .matching("[A-Za-z0-9_.-]{1,64}", "corpus line ids such as h01")
      .describe("Ids of the lines of the built-in evaluation corpus (`src/main/resources/eval/corpus.tsv`) that each "
          + "run synthesises. An id the corpus does not hold stops the node at start with an error naming it.");
  static final Setting RECOGNISER = string("quality.recogniser", "QUALITY_MONITOR_RECOGNISER", NO_RECOGNISER)
      .oneOf(NO_RECOGNISER, POCKETSPHINX)
      .describe("Round-trip recogniser for `tts_quality_wer`: `pocketsphinx` runs `pocketsphinx_continuous` "
          + "(Debian packages `pocketsphinx`, `pocketsphinx-en-us`) on English lines; `none` exports no WER. When "
          + "the command is not on the `PATH` the node logs a warning and exports no WER.");

  static final List<Setting> SETTINGS = List.of(ENABLED, INTERVAL_MINUTES, LINES, RECOGNISER);

  public QualityConfig {
    INTERVAL_MINUTES.validate(intervalMinutes);
    RECOGNISER.validate(recogniser);
    LINES.validate(new JsonArray(List.copyOf(lines)));
    if (lines.isEmpty()) {
      throw LINES.invalid(new JsonArray(lines), "at least one corpus line id");
    }
    lines = List.copyOf(lines);
  }

  static QualityConfig from(JsonObject config) {
    return new QualityConfig(ENABLED.readBool(config), INTERVAL_MINUTES.readInt(config), LINES.readList(config),
        RECOGNISER.readString(config));
  }
}
