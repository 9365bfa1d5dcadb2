package com.ervc.protocol;

import io.vertx.core.json.JsonObject;

/**
 * What one provider instance publishes on {@code tts.providers.load} about once a second: where to reach it,
 * what it offers, and how busy and healthy it is. docs/event-bus.md describes the fields.
 *
 * @param inFlight     replies it is working on (sentences of one reply count once)
 * @param capacity     replies it accepts at once ({@code max_load_per_provider}, bounded by its queue)
 * @param queueDepth   accepted requests waiting for a worker
 * @param ttfaEwmaMs   recent time to first audio, EWMA, or -1 when not measured yet
 * @param ttfaP95Ms    recent time to first audio, p95, or -1
 * @param circuit      {@code closed}, {@code open} or {@code half_open}
 * @param leaving      true in the last message of an instance that stops: drop it now
 */
public record ProviderLoad(String instanceId, String address, ProviderInfo info, int inFlight, int capacity,
                           int queueDepth, double ttfaEwmaMs, long ttfaP95Ms, double errorRate, String circuit,
                           boolean leaving) implements BusBody {
  public static final String TYPE = "load";

  @Override
  public JsonObject body() {
    return toJson();
  }

  public String name() {
    return info.name();
  }

  public String nodeId() {
    return info.nodeId();
  }

  public ProviderLoad withInFlight(int replies) {
    return new ProviderLoad(instanceId, address, info, replies, capacity, queueDepth, ttfaEwmaMs, ttfaP95Ms, errorRate,
        circuit, leaving);
  }

  public ProviderLoad leavingNow() {
    return new ProviderLoad(instanceId, address, info, inFlight, capacity, queueDepth, ttfaEwmaMs, ttfaP95Ms, errorRate,
        circuit, true);
  }

  public JsonObject toJson() {
    return new JsonObject().put("instance", instanceId).put("address", address).put("info", info.toJson())
        .put("inFlight", inFlight).put("capacity", capacity).put("queueDepth", queueDepth)
        .put("ttfaEwmaMs", Math.round(ttfaEwmaMs * 10) / 10.0).put("ttfaP95Ms", ttfaP95Ms)
        .put("errorRate", Math.round(errorRate * 1000) / 1000.0).put("circuit", circuit).put("leaving", leaving);
  }

  public static ProviderLoad fromJson(JsonObject json) {
    return fromJson(json, ProviderInfo.fromJson(json.getJsonObject("info")));
  }

  /** The report {@code json} with {@code info} already read from its {@code info} field (a reader that kept it). */
  public static ProviderLoad fromJson(JsonObject json, ProviderInfo info) {
    return new ProviderLoad(json.getString("instance"), json.getString("address"),
        info, json.getInteger("inFlight", 0), json.getInteger("capacity", 0),
        json.getInteger("queueDepth", 0), json.getDouble("ttfaEwmaMs", -1.0), json.getLong("ttfaP95Ms", -1L),
        json.getDouble("errorRate", 0.0), json.getString("circuit", "closed"), json.getBoolean("leaving", false));
  }
}
