package com.ervc.eval;

import io.vertx.core.json.JsonObject;

import static com.ervc.eval.JsonNumbers.finite;
import static com.ervc.eval.JsonNumbers.number;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;

/**
 * The figures of one matrix cell over its clips: error rates pooled over all recognised words (not an average of
 * per-clip rates, so long sentences weigh more), latency percentiles, mean clip duration, and the worst or summed
 * artifact counts.
 * Missing values (no clip recognised, nothing voiced) are NaN and written as null. {@code speedErrorPercent} and
 * {@code pitchErrorPercent} are those of the cell's {@link SettingShift} (NaN for cells without a speed or pitch
 * setting); the gate compares their absolute values.
 */
public record CellSummary(int clips, int failed, double wer, double cer, Map<String, Double> werByCategory,
    double ttfaP50Ms, double ttfaP95Ms, double realTimeFactor, double durationSec, double loudnessLufs,
    double peakDbfs, double clippedRatio, double dcOffset, double longestSilenceSec, int clicks, int joinClicks,
    int repeatedWindows, double f0MeanHz, double wordsPerMinute, double speedErrorPercent,
    double pitchErrorPercent) {

  /** The measures the regression gate knows, each with whether a larger value is worse. */
  public static final Map<String, Boolean> GATED = Map.ofEntries(Map.entry("failed", true), Map.entry("wer", true),
      Map.entry("cer", true), Map.entry("ttfaP95Ms", true), Map.entry("realTimeFactor", true),
      Map.entry("clippedRatio", true), Map.entry("dcOffset", true), Map.entry("longestSilenceSec", true),
      Map.entry("clicks", true), Map.entry("joinClicks", true), Map.entry("repeatedWindows", true),
      Map.entry("loudnessLufs", false), Map.entry("durationSec", false), Map.entry("speedErrorPercent", true),
      Map.entry("pitchErrorPercent", true));

  static CellSummary of(List<ClipResult> results) {
    List<ClipResult> ok = results.stream().filter(ClipResult::ok).toList();
    List<ClipResult> recognised = ok.stream().filter(r -> r.wer() != null).toList();
    Map<String, Double> byCategory = new TreeMap<>();
    recognised.stream().map(r -> r.line().category()).distinct().forEach(c -> byCategory.put(c,
        pooled(recognised.stream().filter(r -> r.line().category().equals(c)).map(ClipResult::wer).toList())));
    double[] ttfa = ok.stream().mapToDouble(ClipResult::ttfaMs).filter(Double::isFinite).sorted().toArray();
    return new CellSummary(results.size(), results.size() - ok.size(),
        pooled(recognised.stream().map(ClipResult::wer).toList()),
        pooled(recognised.stream().map(ClipResult::cer).toList()), byCategory,
        percentile(ttfa, 50), percentile(ttfa, 95), mean(ok, ClipResult::realTimeFactor),
        mean(ok, r -> r.signal().durationSec()),
        mean(ok, r -> r.signal().loudnessLufs()), max(ok, r -> r.signal().peakDbfs()),
        max(ok, r -> r.signal().clippedRatio()), max(ok, r -> Math.abs(r.signal().dcOffset())),
        max(ok, r -> r.signal().longestSilenceSec()), sum(ok, r -> r.signal().clicks().size()),
        sum(ok, r -> r.signal().joinClicks().size()), sum(ok, r -> r.signal().repeatedWindows()),
        mean(ok, r -> r.signal().f0MeanHz()), mean(ok, ClipResult::wordsPerMinute), Double.NaN, Double.NaN);
  }

  /** This summary with the errors of the cell's requested against measured speed and pitch. */
  CellSummary with(SettingShift shift) {
    return new CellSummary(clips, failed, wer, cer, werByCategory, ttfaP50Ms, ttfaP95Ms, realTimeFactor, durationSec,
        loudnessLufs, peakDbfs, clippedRatio, dcOffset, longestSilenceSec, clicks, joinClicks, repeatedWindows,
        f0MeanHz, wordsPerMinute, shift.speedErrorPercent(), shift.pitchErrorPercent());
  }

  static double pooled(List<ErrorRate> rates) {
    int errors = rates.stream().mapToInt(e -> e.substitutions() + e.deletions() + e.insertions()).sum();
    int words = rates.stream().mapToInt(ErrorRate::referenceLength).sum();
    return words == 0 ? Double.NaN : (double) errors / words;
  }

  /** Nearest-rank percentile of sorted values. */
  static double percentile(double[] sorted, double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int rank = (int) Math.ceil(p / 100 * sorted.length);
    return sorted[Math.max(0, rank - 1)];
  }

  private static double mean(List<ClipResult> rs, ToDoubleFunction<ClipResult> f) {
    return rs.stream().mapToDouble(f).filter(Double::isFinite).average().orElse(Double.NaN);
  }

  private static double max(List<ClipResult> rs, ToDoubleFunction<ClipResult> f) {
    return rs.stream().mapToDouble(f).filter(Double::isFinite).max().orElse(Double.NaN);
  }

  private static int sum(List<ClipResult> rs, java.util.function.ToIntFunction<ClipResult> f) {
    return rs.stream().mapToInt(f).sum();
  }

  /** The value of a gated measure by its name. */
  public double measure(String name) {
    return switch (name) {
      case "failed" -> failed;
      case "wer" -> wer;
      case "cer" -> cer;
      case "ttfaP95Ms" -> ttfaP95Ms;
      case "realTimeFactor" -> realTimeFactor;
      case "clippedRatio" -> clippedRatio;
      case "dcOffset" -> dcOffset;
      case "longestSilenceSec" -> longestSilenceSec;
      case "clicks" -> clicks;
      case "joinClicks" -> joinClicks;
      case "repeatedWindows" -> repeatedWindows;
      case "loudnessLufs" -> loudnessLufs;
      case "durationSec" -> durationSec;
      case "speedErrorPercent" -> Math.abs(speedErrorPercent);
      case "pitchErrorPercent" -> Math.abs(pitchErrorPercent);
      default -> throw new IllegalArgumentException("unknown measure '" + name + "'; known: " + GATED.keySet());
    };
  }

  public JsonObject toJson() {
    JsonObject byCategory = new JsonObject();
    werByCategory.forEach((k, v) -> byCategory.put(k, finite(v)));
    return new JsonObject().put("clips", clips).put("failed", failed).put("wer", finite(wer)).put("cer", finite(cer))
        .put("werByCategory", byCategory).put("ttfaP50Ms", finite(ttfaP50Ms)).put("ttfaP95Ms", finite(ttfaP95Ms))
        .put("realTimeFactor", finite(realTimeFactor)).put("durationSec", finite(durationSec))
        .put("loudnessLufs", finite(loudnessLufs))
        .put("peakDbfs", finite(peakDbfs)).put("clippedRatio", finite(clippedRatio)).put("dcOffset", finite(dcOffset))
        .put("longestSilenceSec", finite(longestSilenceSec)).put("clicks", clicks).put("joinClicks", joinClicks)
        .put("repeatedWindows", repeatedWindows).put("f0MeanHz", finite(f0MeanHz))
        .put("wordsPerMinute", finite(wordsPerMinute)).put("speedErrorPercent", finite(speedErrorPercent))
        .put("pitchErrorPercent", finite(pitchErrorPercent));
  }

  public static CellSummary fromJson(JsonObject j) {
    Map<String, Double> byCategory = new TreeMap<>();
    j.getJsonObject("werByCategory").forEach(e -> byCategory.put(e.getKey(),
        e.getValue() == null ? Double.NaN : ((Number) e.getValue()).doubleValue()));
    return new CellSummary(j.getInteger("clips"), j.getInteger("failed"), number(j, "wer"), number(j, "cer"),
        byCategory, number(j, "ttfaP50Ms"), number(j, "ttfaP95Ms"), number(j, "realTimeFactor"),
        number(j, "durationSec"), number(j, "loudnessLufs"), number(j, "peakDbfs"), number(j, "clippedRatio"),
        number(j, "dcOffset"), number(j, "longestSilenceSec"),
        j.getInteger("clicks"), j.getInteger("joinClicks"), j.getInteger("repeatedWindows"), number(j, "f0MeanHz"),
        number(j, "wordsPerMinute"), number(j, "speedErrorPercent"), number(j, "pitchErrorPercent"));
  }
}
