package com.ervc.cluster;

import com.ervc.protocol.Addresses;
import com.ervc.protocol.BusProtocol;
import com.ervc.protocol.LoadRequest;
import com.ervc.protocol.ProviderInfo;
import com.ervc.protocol.ProviderLoad;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A node-local live view of every provider instance in the cluster, fed by the {@code tts.providers.load}
 * reports each instance publishes about once a second. An entry expires {@link #EXPIRY_MS} after its last report,
 * at once when its instance says it is leaving, and when the cluster reports its node gone. An instance on this
 * registry's own node does not expire by age: its node is alive by definition, and on a starved node its reports are
 * late for the same reason every other task is (dropping it refused even cache hits with "no provider is running");
 * a slow or wedged local instance is left by its deadlines and circuit breaker, and it leaves when it stops. Between two reports the
 * owner's own replies correct the reported load: one it started adds 1, one it ended takes 1 off (a reply that
 * started and ended since the report cancels out), so a burst does not pile onto one instance and a slot freed by
 * a finished reply is seen at once. Not thread-safe: one event loop.
 */
public final class LoadRegistry {
  public static final long EXPIRY_MS = 3_000;
  /** Published locally by {@code node/Node} with the id of a node that left the cluster (never across nodes). */
  public static final String NODE_LEFT = "tts.local.node-left";

  private static final Comparator<ProviderLoad> BY_PROVIDER_NODE_INSTANCE = Comparator.comparing(ProviderLoad::name)
      .thenComparing(ProviderLoad::nodeId).thenComparing(ProviderLoad::instanceId);

  /** {@code infoJson}: the {@code info} field the load's info was read from. */
  private record Entry(ProviderLoad load, JsonObject infoJson, long seenMs, int delta) {
  }

  private final Map<String, Entry> instances = new HashMap<>();
  private final String localNodeId;

  /** {@code localNodeId}: the node this registry runs on (its instances never expire by age); null: none. */
  public LoadRegistry(String localNodeId) {
    this.localNodeId = localNodeId;
  }

  /** Starts listening on the event bus; the registry then stays current by itself. */
  public Future<Void> listen(Vertx vertx) {
    vertx.eventBus().<String>localConsumer(NODE_LEFT, msg -> nodeLeft(msg.body()));
    return vertx.eventBus().<JsonObject>consumer(Addresses.PROVIDER_LOAD, msg -> {
          if (BusProtocol.accepts(msg, ProviderLoad.TYPE)) {
            report(msg.body(), System.currentTimeMillis());
          }
        }).completion()
        // Fill the view now rather than at the instances' next reports.
        .onSuccess(v -> vertx.eventBus().publish(Addresses.PROVIDER_LOAD_REQUEST, null,
            BusProtocol.options(new LoadRequest())));
  }

  /**
   * Takes a report as it came on the bus. Its {@code info} (the whole voice list) is the same in nearly every
   * report of an instance, so it is read again only when it differs from the one this entry was read from:
   * comparing allocates nothing, reading it allocated most of what the reports cost a node
   * (docs/performance.md, "Background work of an idle node").
   */
  public void report(JsonObject body, long nowMs) {
    JsonObject infoJson = body.getJsonObject("info");
    Entry known = instances.get(body.getString("instance"));
    ProviderInfo info = known != null && infoJson != null && infoJson.equals(known.infoJson())
        ? known.load().info() : ProviderInfo.fromJson(infoJson);
    ProviderLoad load = ProviderLoad.fromJson(body, info);
    if (load.leaving()) {
      instances.remove(load.instanceId());
    } else {
      instances.put(load.instanceId(), new Entry(load, infoJson, nowMs, 0));
    }
  }

  public void nodeLeft(String nodeId) {
    instances.values().removeIf(e -> e.load().nodeId().equals(nodeId));
  }

  /** The owner sent a new reply to {@code instanceId}. */
  public void assigned(String instanceId) {
    adjust(instanceId, 1);
  }

  /** A reply the owner had sent to {@code instanceId} ended (or moved away from it). */
  public void released(String instanceId) {
    adjust(instanceId, -1);
  }

  private void adjust(String instanceId, int by) {
    instances.computeIfPresent(instanceId, (id, e) -> new Entry(e.load(), e.infoJson(), e.seenMs(), e.delta() + by));
  }

  /** The last report of {@code instanceId}, or null when it is not in the view. */
  public ProviderLoad get(String instanceId) {
    Entry e = instances.get(instanceId);
    return e == null ? null : e.load();
  }

  /** The live instances, sorted by provider then node, with the owner's corrections applied to {@code inFlight}. */
  public List<ProviderLoad> live(long nowMs) {
    List<ProviderLoad> live = new ArrayList<>();
    Iterator<Entry> it = instances.values().iterator();
    while (it.hasNext()) {
      Entry e = it.next();
      if (nowMs - e.seenMs() > EXPIRY_MS && !e.load().nodeId().equals(localNodeId)) {
        it.remove();
      } else {
        live.add(e.delta() == 0 ? e.load() : e.load().withInFlight(Math.max(0, e.load().inFlight() + e.delta())));
      }
    }
    live.sort(BY_PROVIDER_NODE_INSTANCE);
    return live;
  }
}
