package com.ervc.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

import static com.ervc.config.Setting.bool;
import static com.ervc.config.Setting.integer;
import static com.ervc.config.Setting.list;
import static com.ervc.config.Setting.string;

/** The {@code quality.*} keys: the optional periodic quality check of this node's provider instances. */
public record QualityConfig(boolean enabled, int intervalMinutes, List<String> lines, String recogniser,
                            List<String> voices, int maxVoicesPerProvider) {
  public static final String NO_RECOGNISER = "none";
  public static final String POCKETSPHINX = "pocketsphinx";
  /** In {@code quality.voices}: every voice of every provider. */
  public static final String EVERY_VOICE = "*";
  /** In {@code quality.voices}: each provider's default voice. */
  public static final String DEFAULT_VOICE = "default";

  static final Setting ENABLED = bool("quality.enabled", "QUALITY_MONITOR_ENABLED", false)
      .describe("Turns the periodic quality check on. A node with the `providers` role then synthesises the "
          + "`quality.lines` with each of its own available provider instances (in the `quality.voices`, through the "
          + "same bus path as the health probe), analyses the audio on a worker thread with the evaluation measures and "
          + "exports the `tts_quality_*` gauges (see [Operations](operations.md#metrics) and "
          + "[Evaluation](evaluation.md#quality-monitoring)) and the figures of `GET /api/v1/providers`. Each run "
          + "costs one synthesis per line per checked voice, billed for cloud providers.");
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

  static final Setting VOICES = list("quality.voices", "QUALITY_MONITOR_VOICES", EVERY_VOICE)
      .matching("\\*|default|[A-Za-z0-9_.-]{1,64}:(\\*|[^,\\s]{1,200})",
          "*, default, <provider>:* or <provider>:<voice>")
      .describe("The voices each run checks: `*` every voice of every provider, `default` each provider's default "
          + "voice, `<provider>:*` every voice of one provider, `<provider>:<voice>` one voice (e.g. "
          + "`espeak:en-gb`). A voice is spoken only with the `quality.lines` in its language (a voice whose language "
          + "is not known gets all of them), so with the default English lines `*` means every English voice. A "
          + "named voice the provider does not offer is skipped.");
  static final Setting MAX_VOICES_PER_PROVIDER = integer("quality.maxVoicesPerProvider",
      "QUALITY_MONITOR_MAX_VOICES_PER_PROVIDER", 3, 1, 100)
      .describe("At most this many voices per provider per run, which bounds a run's cost: the default voice (when "
          + "selected) and the next of the other selected voices in turn, so successive runs cover them all "
          + "(with 10 English voices and the default 3, every voice is measured within five runs).");

  static final List<Setting> SETTINGS = List.of(ENABLED, INTERVAL_MINUTES, LINES, RECOGNISER, VOICES,
      MAX_VOICES_PER_PROVIDER);

  public QualityConfig {
    INTERVAL_MINUTES.validate(intervalMinutes);
    RECOGNISER.validate(recogniser);
    LINES.validate(new JsonArray(List.copyOf(lines)));
    if (lines.isEmpty()) {
      throw LINES.invalid(new JsonArray(lines), "at least one corpus line id");
    }
    lines = List.copyOf(lines);
    VOICES.validate(new JsonArray(List.copyOf(voices)));
    if (voices.isEmpty()) {
      throw VOICES.invalid(new JsonArray(voices), "at least one voice selector");
    }
    voices = List.copyOf(voices);
    MAX_VOICES_PER_PROVIDER.validate(maxVoicesPerProvider);
  }

  static QualityConfig from(JsonObject config) {
    return new QualityConfig(ENABLED.readBool(config), INTERVAL_MINUTES.readInt(config), LINES.readList(config),
        RECOGNISER.readString(config), VOICES.readList(config), MAX_VOICES_PER_PROVIDER.readInt(config));
  }
}
