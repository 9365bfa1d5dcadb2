package com.ervc.eval;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The run's report: {@code report.json} (per-cell summaries, emotion shifts, for the gate and for machines) and
 * {@code report.html}, a self-contained page (no scripts, nothing fetched from the network) with the tables and,
 * for listening side by side, one row per sentence with an audio player per cell pointing at the clip's WAV file.
 */
final class Report {
  static final String JSON = "report.json";
  static final String HTML = "report.html";

  private Report() {
  }

  /** @param semitonesPerPitchUnit the F0 shift a request of pitch 1.0 is expected to make (SettingShift) */
  static JsonObject json(List<ClipResult> results, String transcriber, String corpus, double semitonesPerPitchUnit) {
    return json(results, transcriber, corpus, semitonesPerPitchUnit, List.of());
  }

  /** @param votes the blind A/B votes of the run (ab-votes.jsonl), rated in {@code listening} */
  static JsonObject json(List<ClipResult> results, String transcriber, String corpus, double semitonesPerPitchUnit,
      List<BradleyTerry.Vote> votes) {
    Map<MatrixCell, List<ClipResult>> byCell = byCell(results);
    Map<String, ClipResult> byKey = new LinkedHashMap<>();
    results.forEach(r -> byKey.put(r.key(), r));
    JsonArray cells = new JsonArray();
    JsonArray emotions = new JsonArray();
    JsonArray settings = new JsonArray();
    byCell.forEach((cell, clips) -> {
      CellSummary summary = CellSummary.of(clips);
      if (!cell.ownSpeedAndPitch() && byCell.containsKey(cell.neutral())) {
        SettingShift shift = SettingShift.of(cell, clips, byKey, semitonesPerPitchUnit);
        settings.add(shift.toJson());
        summary = summary.with(shift);
      }
      cells.add(new JsonObject().put("key", cell.key()).put("cell", cell.toJson()).put("summary", summary.toJson()));
      if (!cell.emotion().equals("neutral") && byCell.containsKey(cell.neutral())) {
        emotions.add(EmotionShift.of(cell, clips, byKey).toJson());
      }
    });
    return new JsonObject().put("generated", Instant.now().toString()).put("transcriber", transcriber)
        .put("corpus", corpus).put("clips", results.size()).put("cells", cells).put("emotionShifts", emotions)
        .put("semitonesPerPitchUnit", semitonesPerPitchUnit).put("settingShifts", settings)
        .put("listening", BradleyTerry.toJson(votes));
  }

  static void write(Path dir, List<ClipResult> results, String transcriber, String corpus,
      double semitonesPerPitchUnit) throws IOException {
    JsonObject report = json(results, transcriber, corpus, semitonesPerPitchUnit,
        VotesFile.read(dir.resolve(VotesFile.NAME)));
    Files.writeString(dir.resolve(JSON), report.encodePrettily(), StandardCharsets.UTF_8);
    Files.writeString(dir.resolve(HTML), html(report, results), StandardCharsets.UTF_8);
  }

  static Map<MatrixCell, List<ClipResult>> byCell(List<ClipResult> results) {
    Map<MatrixCell, List<ClipResult>> byCell = new LinkedHashMap<>();
    results.forEach(r -> byCell.computeIfAbsent(r.cell(), c -> new ArrayList<>()).add(r));
    return byCell;
  }

  static String html(JsonObject report, List<ClipResult> results) {
    StringBuilder h = new StringBuilder();
    h.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>TTS evaluation</title><style>")
        .append("body{font:14px system-ui,sans-serif;margin:1.5em}table{border-collapse:collapse;margin:1em 0}")
        .append("td,th{border:1px solid #ccc;padding:3px 6px;text-align:right;vertical-align:top}")
        .append("td.t,th.t{text-align:left}.bar{background:#69c;height:8px}.bad{background:#fcc}")
        .append("audio{width:200px;height:28px}svg.chart{display:block;margin:1em 0}</style></head><body>")
        .append("<h1>TTS evaluation</h1><p>").append(esc(report.getString("generated"))).append(" &middot; ")
        .append(report.getInteger("clips")).append(" clips &middot; corpus: ").append(esc(report.getString("corpus")))
        .append(" &middot; recogniser: ").append(esc(report.getString("transcriber"))).append("</p>");
    h.append("<h2>Per cell</h2><table><tr><th class=t>cell</th><th>clips</th><th>failed</th><th>WER</th>")
        .append("<th class=t>WER</th><th>CER</th><th>TTFA p50 ms</th><th>TTFA p95 ms</th><th>RTF</th><th>LUFS</th>")
        .append("<th>peak dBFS</th><th>clipped</th><th>DC</th><th>longest silence s</th><th>clicks</th>")
        .append("<th>join clicks</th><th>repeats</th><th>F0 Hz</th><th>words/min</th></tr>");
    for (JsonObject cell : objects(report.getJsonArray("cells"))) {
      JsonObject s = cell.getJsonObject("summary");
      Double wer = s.getDouble("wer");
      h.append("<tr><td class=t>").append(esc(cell.getString("key"))).append("</td>")
          .append(td(s, "clips", "%.0f")).append(cls(s.getInteger("failed") > 0, td(s, "failed", "%.0f")))
          .append(td(s, "wer", "%.3f")).append("<td class=t><div class=bar style=\"width:")
          .append(wer == null ? 0 : Math.round(Math.min(1, wer) * 120)).append("px\"></div></td>")
          .append(td(s, "cer", "%.3f")).append(td(s, "ttfaP50Ms", "%.0f")).append(td(s, "ttfaP95Ms", "%.0f"))
          .append(td(s, "realTimeFactor", "%.3f")).append(td(s, "loudnessLufs", "%.1f"))
          .append(td(s, "peakDbfs", "%.1f")).append(td(s, "clippedRatio", "%.4f")).append(td(s, "dcOffset", "%.4f"))
          .append(td(s, "longestSilenceSec", "%.2f")).append(cls(s.getInteger("clicks") > 0, td(s, "clicks", "%.0f")))
          .append(cls(s.getInteger("joinClicks") > 0, td(s, "joinClicks", "%.0f")))
          .append(td(s, "repeatedWindows", "%.0f")).append(td(s, "f0MeanHz", "%.1f"))
          .append(td(s, "wordsPerMinute", "%.0f")).append("</tr>");
    }
    h.append("</table>");
    charts(h, report, results);
    h.append("<h2>WER by category</h2><table><tr><th class=t>cell</th><th class=t>category: WER</th></tr>");
    for (JsonObject cell : objects(report.getJsonArray("cells"))) {
      StringBuilder cats = new StringBuilder();
      cell.getJsonObject("summary").getJsonObject("werByCategory").forEach(e -> cats.append(esc(e.getKey()))
          .append(": ").append(e.getValue() == null ? "–" : fmt("%.2f", ((Number) e.getValue()).doubleValue()))
          .append(" &nbsp; "));
      h.append("<tr><td class=t>").append(esc(cell.getString("key"))).append("</td><td class=t>").append(cats)
          .append("</td></tr>");
    }
    h.append("</table><h2>Emotion against neutral (mean shift, effect size d<sub>z</sub>)</h2><table><tr>")
        .append("<th class=t>cell</th><th>pairs</th><th>F0 st</th><th>F0 range st</th><th>loudness LU</th>")
        .append("<th>rate %</th></tr>");
    for (JsonObject e : objects(report.getJsonArray("emotionShifts"))) {
      h.append("<tr><td class=t>").append(esc(MatrixCell.fromJson(e.getJsonObject("cell")).key())).append("</td><td>")
          .append(e.getInteger("pairs")).append("</td>").append(shift(e, "f0Semitones"))
          .append(shift(e, "f0RangeSemitones")).append(shift(e, "loudnessLu")).append(shift(e, "ratePercent"))
          .append("</tr>");
    }
    h.append("</table><h2>Speed and pitch: requested against measured</h2><table><tr><th class=t>cell</th>")
        .append("<th>pairs</th><th>speed asked</th><th>speed measured</th><th>speed error %</th><th>pitch asked</th>")
        .append("<th>expected st</th><th>F0 shift st (d<sub>z</sub>)</th><th>pitch error %</th></tr>");
    for (JsonObject e : objects(report.getJsonArray("settingShifts"))) {
      h.append("<tr><td class=t>").append(esc(MatrixCell.fromJson(e.getJsonObject("cell")).key())).append("</td><td>")
          .append(e.getInteger("pairs")).append("</td>").append(td(e, "speedRequested", "%.2f"))
          .append(td(e, "speedMeasured", "%.2f")).append(td(e, "speedErrorPercent", "%+.1f"))
          .append(td(e, "pitchRequested", "%+.2f")).append(td(e, "pitchExpectedSemitones", "%+.2f"))
          .append(shift(e, "f0Semitones")).append(td(e, "pitchErrorPercent", "%+.1f")).append("</tr>");
    }
    h.append("</table>");
    ratings(h, report.getJsonObject("listening"));
    listening(h, results);
    return h.append("</body></html>\n").toString();
  }

  /** One row per sentence, one column per cell: the same words from every provider, voice and emotion. */
  private static void listening(StringBuilder h, List<ClipResult> results) {
    List<MatrixCell> cells = new ArrayList<>(byCell(results).keySet());
    Map<String, Map<MatrixCell, ClipResult>> bySentence = new LinkedHashMap<>();
    results.forEach(r -> bySentence.computeIfAbsent(r.line().id(), k -> new LinkedHashMap<>()).put(r.cell(), r));
    h.append("<h2>Listen side by side</h2><table><tr><th class=t>sentence</th>");
    cells.forEach(c -> h.append("<th class=t>").append(esc(c.key())).append("</th>"));
    h.append("</tr>");
    bySentence.forEach((id, clips) -> {
      ClipResult any = clips.values().iterator().next();
      h.append("<tr><td class=t><b>").append(esc(id)).append("</b> ").append(esc(any.line().text())).append("</td>");
      for (MatrixCell cell : cells) {
        ClipResult r = clips.get(cell);
        h.append("<td class=t>");
        if (r == null) {
          h.append("–");
        } else if (!r.ok()) {
          h.append("<span class=bad>").append(esc(r.error())).append("</span>");
        } else {
          h.append("<audio controls preload=none src=\"").append(esc(r.wavFile())).append("\"></audio><br>");
          if (r.transcript() != null) {
            h.append("heard: <i>").append(esc(r.transcript())).append("</i> (WER ")
                .append(fmt("%.2f", r.wer().rate())).append(")");
          }
        }
        h.append("</td>");
      }
      h.append("</tr>");
    });
    h.append("</table>");
  }

  /** TTFA distribution, WER, loudness, clicks per cell; the emotions' F0 and rate shifts. */
  private static void charts(StringBuilder h, JsonObject report, List<ClipResult> results) {
    List<JsonObject> cells = objects(report.getJsonArray("cells"));
    Map<MatrixCell, List<ClipResult>> byCell = byCell(results);
    h.append("<h2>Charts</h2><div class=charts>");
    h.append(Charts.strips("Time to first audio per clip; black: median, red: 95th percentile", "ms",
        byCell.entrySet().stream().map(e -> new Charts.Strip(e.getKey().key(), e.getValue().stream()
            .filter(ClipResult::ok).mapToDouble(ClipResult::ttfaMs).toArray())).toList()));
    h.append(Charts.bars("Word error rate", "0-1, lower is better", "%.3f", cells.stream().map(c -> new Charts.Bar(
        c.getString("key"), value(c, "wer"), false)).toList()));
    h.append(Charts.bars("Integrated loudness", "LUFS", "%.1f", cells.stream().map(c -> new Charts.Bar(
        c.getString("key"), value(c, "loudnessLufs"), false)).toList()));
    h.append(Charts.bars("Clicks; red: at chunk or sentence joins", "count", "%.0f", cells.stream()
        .map(c -> new Charts.Bar(c.getString("key"), value(c, "clicks"), value(c, "joinClicks") > 0)).toList()));
    List<JsonObject> shifts = objects(report.getJsonArray("emotionShifts"));
    if (!shifts.isEmpty()) {
      h.append(Charts.bars("Emotion against neutral: mean F0 shift", "semitones", "%+.2f", shifts.stream()
          .map(e -> new Charts.Bar(MatrixCell.fromJson(e.getJsonObject("cell")).key(),
              mean(e, "f0Semitones"), false)).toList()));
      h.append(Charts.bars("Emotion against neutral: speaking-rate change", "%", "%+.1f", shifts.stream()
          .map(e -> new Charts.Bar(MatrixCell.fromJson(e.getJsonObject("cell")).key(),
              mean(e, "ratePercent"), false)).toList()));
    }
    h.append("</div>");
  }

  private static double value(JsonObject cell, String key) {
    Double v = cell.getJsonObject("summary").getDouble(key);
    return v == null ? Double.NaN : v;
  }

  private static double mean(JsonObject shift, String key) {
    Double v = shift.getJsonObject(key).getDouble("mean");
    return v == null ? Double.NaN : v;
  }

  /** The blind A/B rating table, when the run has votes. */
  private static void ratings(StringBuilder h, JsonObject listening) {
    h.append("<h2>Blind A/B ratings (Bradley&ndash;Terry, Elo scale)</h2>");
    if (listening.getInteger("votes") == 0) {
      h.append("<p>No votes yet: <code>scripts/evaluate.sh --out DIR --listen 8090</code> serves the blind ")
          .append("listening page for this run.</p>");
      return;
    }
    h.append("<p>").append(listening.getInteger("votes")).append(" votes</p><table><tr><th class=t>cell</th>")
        .append("<th>rating</th><th>95 % interval</th><th>wins</th><th>losses</th><th>ties</th></tr>");
    for (JsonObject r : objects(listening.getJsonArray("ratings"))) {
      h.append("<tr><td class=t>").append(esc(r.getString("system"))).append("</td>").append(td(r, "rating", "%.0f"))
          .append("<td>").append(fmt("%.0f", r.getDouble("low"))).append(" &ndash; ")
          .append(fmt("%.0f", r.getDouble("high"))).append("</td>").append(td(r, "wins", "%.0f"))
          .append(td(r, "losses", "%.0f")).append(td(r, "ties", "%.0f")).append("</tr>");
    }
    h.append("</table>");
  }

  private static String shift(JsonObject e, String name) {
    JsonObject s = e.getJsonObject(name);
    Double mean = s.getDouble("mean");
    Double d = s.getDouble("effectSize");
    return "<td>" + (mean == null ? "–" : fmt("%+.2f", mean)) + " (" + (d == null ? "–" : fmt("%+.2f", d))
        + ")</td>";
  }

  private static String td(JsonObject s, String key, String format) {
    Object v = s.getValue(key);
    return "<td>" + (v == null ? "–" : fmt(format, ((Number) v).doubleValue())) + "</td>";
  }

  private static String cls(boolean bad, String td) {
    return bad ? td.replace("<td>", "<td class=bad>") : td;
  }

  private static String fmt(String format, double v) {
    return String.format(Locale.ROOT, format, v);
  }

  private static List<JsonObject> objects(JsonArray a) {
    return a.stream().map(JsonObject.class::cast).toList();
  }

  static String esc(String s) {
    return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }

  /** Cell summaries of a report by cell key, for the gate. */
  static Map<String, CellSummary> summaries(JsonObject report) {
    Map<String, CellSummary> out = new LinkedHashMap<>();
    objects(report.getJsonArray("cells")).forEach(c -> out.put(c.getString("key"),
        CellSummary.fromJson(c.getJsonObject("summary"))));
    return out;
  }
}
