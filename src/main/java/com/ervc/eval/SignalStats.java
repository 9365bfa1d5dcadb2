package com.ervc.eval;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import static com.ervc.eval.JsonNumbers.finite;
import static com.ervc.eval.JsonNumbers.number;

import java.util.Arrays;
import java.util.List;

/**
 * What {@link SignalAnalysis} measured on one clip. Levels are dBFS (0 = full scale), loudness LUFS; positions
 * are sample indices. Pitch figures are over voiced frames only and NaN when none was voiced.
 *
 * @param clicks positions of sample-to-sample jumps that stand out from the local signal
 * @param joinClicks the subset of {@code clicks} within a millisecond of a chunk or sentence boundary
 */
public record SignalStats(int sampleRate, double durationSec, double speechSec, double peakDbfs, double rmsDbfs,
    double loudnessLufs, double clippedRatio, double dcOffset, double silenceRatio, double longestSilenceSec,
    List<Integer> clicks, List<Integer> joinClicks, int repeatedWindows, double f0MeanHz, double f0StdHz,
    double f0RangeSemitones, double voicedRatio) {

  public JsonObject toJson() {
    return new JsonObject().put("sampleRate", sampleRate).put("durationSec", durationSec).put("speechSec", speechSec)
        .put("peakDbfs", finite(peakDbfs)).put("rmsDbfs", finite(rmsDbfs)).put("loudnessLufs", finite(loudnessLufs))
        .put("clippedRatio", clippedRatio).put("dcOffset", dcOffset).put("silenceRatio", silenceRatio)
        .put("longestSilenceSec", longestSilenceSec).put("clicks", new JsonArray(List.copyOf(clicks)))
        .put("joinClicks", new JsonArray(List.copyOf(joinClicks))).put("repeatedWindows", repeatedWindows)
        .put("f0MeanHz", finite(f0MeanHz)).put("f0StdHz", finite(f0StdHz))
        .put("f0RangeSemitones", finite(f0RangeSemitones)).put("voicedRatio", voicedRatio);
  }

  public static SignalStats fromJson(JsonObject j) {
    return new SignalStats(j.getInteger("sampleRate"), j.getDouble("durationSec"), j.getDouble("speechSec"),
        number(j, "peakDbfs"), number(j, "rmsDbfs"), number(j, "loudnessLufs"), j.getDouble("clippedRatio"),
        j.getDouble("dcOffset"), j.getDouble("silenceRatio"), j.getDouble("longestSilenceSec"),
        ints(j.getJsonArray("clicks")), ints(j.getJsonArray("joinClicks")), j.getInteger("repeatedWindows"),
        number(j, "f0MeanHz"), number(j, "f0StdHz"), number(j, "f0RangeSemitones"), j.getDouble("voicedRatio"));
  }

  private static List<Integer> ints(JsonArray a) {
    return Arrays.stream(a.getList().toArray()).map(o -> ((Number) o).intValue()).toList();
  }
}
