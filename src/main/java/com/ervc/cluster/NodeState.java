package com.ervc.cluster;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/** What this node is and how each of its components started; read by the health endpoint. */
public final class NodeState {
  private final String nodeId;
  private final List<String> roles;
  private final long startedAtMs = System.currentTimeMillis();
  private final Map<String, JsonObject> components = new ConcurrentHashMap<>();
  private final Map<String, Drainable> intakes = new ConcurrentSkipListMap<>();
  private volatile boolean started;
  private volatile boolean draining;
  private volatile boolean stopping;
  private volatile JsonObject capabilities = new JsonObject().put("cuda", false);

  public NodeState(String nodeId, List<String> roles) {
    this.nodeId = nodeId;
    this.roles = List.copyOf(roles);
  }

  public String nodeId() {
    return nodeId;
  }

  /** Hardware and voices published with the node (cuda, gpuName, …). */
  public void capabilities(JsonObject published) {
    capabilities = published.copy();
  }

  public JsonObject capabilities() {
    return capabilities.copy();
  }

  public void up(String component) {
    components.put(component, new JsonObject().put("status", "up"));
  }

  public void down(String component, String error) {
    components.put(component, new JsonObject().put("status", "down").put("error", error));
  }

  /** Every role is deployed (successfully or not): the node has joined and will not change any more. */
  public void markStarted() {
    started = true;
  }

  public boolean started() {
    return started;
  }

  /** Shutdown has begun: new work is refused, running streams finish, and no undrain can undo it. */
  public void markStopping() {
    stopping = true;
    draining = true;
  }

  /** A deployed component that takes work, so that {@link #drain()} can stop its intake. */
  public void register(String component, Drainable intake) {
    intakes.put(component, intake);
  }

  /**
   * An operator's drain: the node stops taking new requests (every component's intake closes, so the cluster
   * routes new work elsewhere) while running ones finish; it stays in the cluster until it is stopped.
   */
  public Future<JsonObject> drain() {
    draining = true;
    return Future.join(intakes.values().stream().map(Drainable::stopIntake).toList())
        .transform(ar -> Future.succeededFuture(drainStatus()));
  }

  /**
   * An operator's undrain: every component takes new work again. Refused while the node shuts down; a node that
   * does not drain is left as it is (idempotent).
   */
  public Future<JsonObject> undrain() {
    if (stopping) {
      return Future.failedFuture(new IllegalStateException("the node is shutting down and cannot be undrained"));
    }
    if (!draining) {
      return Future.succeededFuture(drainStatus());
    }
    return Future.all(intakes.values().stream().map(Drainable::resumeIntake).toList())
        .map(v -> {
          draining = false;
          return drainStatus();
        });
  }

  /** Whether the node drains and how much work it still has, per component and in total. */
  public JsonObject drainStatus() {
    JsonObject perComponent = new JsonObject();
    int total = 0;
    for (Map.Entry<String, Drainable> intake : intakes.entrySet()) {
      int running = intake.getValue().inFlight();
      perComponent.put(intake.getKey(), running);
      total += running;
    }
    return new JsonObject().put("node", nodeId).put("draining", draining).put("inFlight", total)
        .put("components", perComponent);
  }

  public boolean draining() {
    return draining;
  }

  public boolean allUp() {
    return components.values().stream().allMatch(c -> "up".equals(c.getString("status")));
  }

  public JsonObject toJson() {
    JsonObject parts = new JsonObject();
    components.forEach((name, state) -> parts.put(name, state.copy()));
    return new JsonObject().put("node", nodeId).put("roles", new JsonArray(roles))
        .put("uptimeSeconds", (System.currentTimeMillis() - startedAtMs) / 1000).put("draining", draining)
        .put("components", parts);
  }
}
