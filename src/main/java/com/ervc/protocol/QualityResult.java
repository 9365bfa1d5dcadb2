package com.ervc.protocol;

import io.vertx.core.json.JsonObject;

import java.time.Instant;

/**
 * The latest quality figures of one provider voice as measured on one node (the periodic quality check or an
 * evaluation started from the admin API): the cluster-wide AsyncMap {@value Addresses#QUALITY_RESULTS} holds one
 * per {@code <provider>@<voice>@<nodeId>}, and {@code GET /api/v1/providers} shows them. The error rates are null
 * without a recogniser (or without a line in the recogniser's language), the loudness when every clip was shorter
 * than a 400 ms block.
 *
 * @param run          what measured it: {@code quality-check:<uuid>} or {@code evaluation:<id>}
 * @param measuredAtMs when the run finished (epoch ms)
 * @param clips        clips measured
 * @param ttfaMs       mean time from the request to its first audio, ms
 */
public record QualityResult(String provider, String voice, String nodeId, String run, long measuredAtMs, int clips,
                            Double wer, Double cer, int clicks, Double loudnessLufs, double clippingRatio,
                            double ttfaMs) implements BusBody {
  public static final String TYPE = "quality-result";

  /** The entry's key in the map: one entry per provider voice per node. */
  public String key() {
    return provider + "@" + voice + "@" + nodeId;
  }

  /** The map entry's value: the figures and the protocol version they were written with. */
  @Override
  public JsonObject body() {
    return toJson().put("provider", provider).put(BusProtocol.H_VERSION, BusProtocol.VERSION);
  }

  /** The figures as {@code GET /api/v1/providers} shows them under the voice (without provider and voice). */
  public JsonObject toJson() {
    return new JsonObject().put("voice", voice).put("node", nodeId).put("run", run)
        .put("measuredAt", Instant.ofEpochMilli(measuredAtMs).toString()).put("clips", clips).put("wer", wer)
        .put("cer", cer).put("clicks", clicks).put("loudnessLufs", loudnessLufs).put("clippingRatio", clippingRatio)
        .put("ttfaMs", ttfaMs);
  }

  public static QualityResult fromJson(JsonObject json) {
    return new QualityResult(json.getString("provider"), json.getString("voice"), json.getString("node"),
        json.getString("run"), Instant.parse(json.getString("measuredAt")).toEpochMilli(),
        json.getInteger("clips", 0), json.getDouble("wer"), json.getDouble("cer"), json.getInteger("clicks", 0),
        json.getDouble("loudnessLufs"), json.getDouble("clippingRatio", 0.0), json.getDouble("ttfaMs", 0.0));
  }

  /** {@code NaN} (not measured) as null, for the JSON fields. */
  public static Double measured(double value) {
    return Double.isFinite(value) ? value : null;
  }
}
