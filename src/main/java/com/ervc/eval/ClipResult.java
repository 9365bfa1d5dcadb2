package com.ervc.eval;

import io.vertx.core.json.JsonObject;

/**
 * Everything measured on one clip: one corpus line spoken in one matrix cell. A failed request has
 * {@code error} set and no audio measures. Times are milliseconds measured by this client (TTFA: from sending
 * {@code synthesize} to the first audio frame) next to the server's own {@code ttfaMs}.
 *
 * @param realTimeFactor total time over audio duration: below 1 means faster than real time
 * @param wer word errors of the round-trip transcript, null when the line's language has no recogniser
 */
public record ClipResult(MatrixCell cell, CorpusLine line, String error, String servedBy, boolean cached,
    double ttfaMs, double serverTtfaMs, double totalMs, double realTimeFactor, int chunks, int sentences,
    String transcript, ErrorRate wer, ErrorRate cer, double wordsPerMinute, SignalStats signal, String wavFile) {

  static ClipResult failed(MatrixCell cell, CorpusLine line, String error) {
    return new ClipResult(cell, line, error, null, false, Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0, 0,
        null, null, null, Double.NaN, null, null);
  }

  public boolean ok() {
    return error == null;
  }

  /** The key that makes a run resumable: one result per cell and corpus line. */
  public String key() {
    return cell.key() + "/" + line.id();
  }

  public JsonObject toJson() {
    JsonObject j = new JsonObject().put("cell", cell.toJson()).put("line", new JsonObject().put("id", line.id())
        .put("category", line.category()).put("language", line.language()).put("text", line.text()));
    if (!ok()) {
      return j.put("error", error);
    }
    return j.put("servedBy", servedBy).put("cached", cached).put("ttfaMs", ttfaMs).put("serverTtfaMs", serverTtfaMs)
        .put("totalMs", totalMs).put("realTimeFactor", realTimeFactor).put("chunks", chunks)
        .put("sentences", sentences).put("transcript", transcript).put("wer", errors(wer)).put("cer", errors(cer))
        .put("wordsPerMinute", Double.isFinite(wordsPerMinute) ? wordsPerMinute : null)
        .put("signal", signal.toJson()).put("wav", wavFile);
  }

  public static ClipResult fromJson(JsonObject j) {
    JsonObject l = j.getJsonObject("line");
    CorpusLine line = new CorpusLine(l.getString("id"), l.getString("category"), l.getString("language"),
        l.getString("text"));
    MatrixCell cell = MatrixCell.fromJson(j.getJsonObject("cell"));
    if (j.getString("error") != null) {
      return failed(cell, line, j.getString("error"));
    }
    Double wpm = j.getDouble("wordsPerMinute");
    return new ClipResult(cell, line, null, j.getString("servedBy"), j.getBoolean("cached"), j.getDouble("ttfaMs"),
        j.getDouble("serverTtfaMs"), j.getDouble("totalMs"), j.getDouble("realTimeFactor"), j.getInteger("chunks"),
        j.getInteger("sentences"), j.getString("transcript"), errors(j.getJsonObject("wer")),
        errors(j.getJsonObject("cer")), wpm == null ? Double.NaN : wpm,
        SignalStats.fromJson(j.getJsonObject("signal")), j.getString("wav"));
  }

  private static JsonObject errors(ErrorRate e) {
    return e == null ? null : new JsonObject().put("substitutions", e.substitutions()).put("deletions", e.deletions())
        .put("insertions", e.insertions()).put("reference", e.referenceLength()).put("rate", e.rate());
  }

  private static ErrorRate errors(JsonObject j) {
    return j == null ? null : new ErrorRate(j.getInteger("substitutions"), j.getInteger("deletions"),
        j.getInteger("insertions"), j.getInteger("reference"));
  }
}
