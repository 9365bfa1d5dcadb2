package com.ervc.health;

import com.ervc.cluster.NodeState;
import com.ervc.cluster.ProviderDirectory;
import com.ervc.config.HealthConfig;
import com.ervc.config.TtsConfig;
import com.ervc.protocol.Addresses;
import com.ervc.protocol.BusProtocol;
import com.ervc.protocol.CacheMessage;
import com.ervc.protocol.ProviderInfo;
import com.ervc.protocol.ProviderMessage;
import com.ervc.protocol.TtsRequest;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;

/**
 * The health and readiness contract of a node (docs/operations.md). Providers are checked by a real, short
 * synthesis in the background every {@code health.probeIntervalSeconds}, never on the request path, so a health
 * request is cheap and shows the last measured latency.
 */
public final class HealthService {
  public static final String VERSION = versionOf();
  private static final String PROBE_TEXT = "ok";

  private final Vertx vertx;
  private final NodeState node;
  private final HealthConfig settings;
  private final TtsConfig tts;
  private final IntSupplier clusterMembers;
  private final ProviderDirectory directory;
  private final Map<String, ProbeResult> probes = new ConcurrentHashMap<>();
  private long timer = -1;
  /** Sampled on a worker with each probe round: reading /proc and file stores must not block an event loop. */
  private volatile SystemUsage usage = new SystemUsage(-1, -1, -1);

  public HealthService(Vertx vertx, NodeState node, HealthConfig settings, TtsConfig tts, IntSupplier clusterMembers) {
    this.vertx = vertx;
    this.node = node;
    this.settings = settings;
    this.tts = tts;
    this.clusterMembers = clusterMembers;
    this.directory = new ProviderDirectory(vertx);
  }

  /** CPU, memory and disk use as last sampled (ratios 0-1, negative while unknown). */
  public JsonObject systemUsage() {
    return usage.toJson();
  }

  /** Starts the periodic probes; completes after the first round, so a new node reports measured facts. */
  public Future<Void> start() {
    long intervalMs = settings.probeIntervalSeconds() * 1000L;
    timer = vertx.setPeriodic(intervalMs, id -> probeAll());
    return probeAll().otherwiseEmpty();
  }

  public void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }

  /** Probes every provider name in the directory once; completes when all answered or timed out. */
  public Future<Void> probeAll() {
    Future<Void> sampled = vertx.executeBlocking(SystemUsage::measure, false).onSuccess(u -> usage = u).mapEmpty();
    return Future.join(sampled, probeProviders()).mapEmpty();
  }

  private Future<Void> probeProviders() {
    return directory.list().compose(providers -> {
      // An unavailable entry (e.g. a cloud provider without its key) says so itself; probing it proves nothing.
      Map<String, List<ProviderInfo>> byName = ProviderDirectory.byName(
          providers.stream().filter(ProviderInfo::available).toList());
      probes.keySet().retainAll(byName.keySet());
      return Future.join(byName.values().stream().map(instances -> probe(instances.get(0))).toList()).mapEmpty();
    });
  }

  private Future<Void> probe(ProviderInfo provider) {
    int sampleRate = tts.sampleRate();
    TtsRequest request = TtsRequest.parse(new JsonObject().put("text", PROBE_TEXT), Integer.MAX_VALUE, sampleRate)
        .withProvider(provider.name(), provider.defaultVoice());
    long start = System.nanoTime();
    DeliveryOptions options = new DeliveryOptions()
        .setSendTimeout(settings.probeTimeoutMs());
    ProviderMessage.Probe probe = new ProviderMessage.Probe(request);
    return vertx.eventBus().<Buffer>request(Addresses.provider(provider.name()), probe.body(),
            BusProtocol.stamp(options, probe))
        .map(reply -> {
          long ms = (System.nanoTime() - start) / 1_000_000;
          // A provider whose every synthesis is billed may prove itself without audio (e.g. OpenAI Realtime).
          boolean healthy = ProviderMessage.ProbeChecked.TYPE.equals(reply.headers().get(BusProtocol.H_TYPE))
              || (reply.body() != null && reply.body().length() > 0);
          return new ProbeResult(healthy, ms, healthy ? null : "the probe produced no audio", Instant.now());
        })
        .otherwise(failure -> new ProbeResult(false, (System.nanoTime() - start) / 1_000_000,
            String.valueOf(failure.getMessage()), Instant.now()))
        .onSuccess(result -> probes.put(provider.name(), result))
        .mapEmpty();
  }

  /** The full report; {@code status} is healthy, degraded or unhealthy. */
  public Future<JsonObject> report() {
    Future<JsonObject> cache = vertx.eventBus().<JsonObject>request(Addresses.CACHE_STATS, null,
            BusProtocol.stamp(new DeliveryOptions().setSendTimeout(500), new CacheMessage.StatsRequest()))
        .map(reply -> reply.body())
        .otherwise(e -> new JsonObject().put("available", false).put("error", "no cache node answered: " + e.getMessage()));
    Future<List<ProviderInfo>> providers = directory.list().otherwise(e -> List.of());
    return Future.join(cache, providers).map(v -> {
      SystemUsage system = usage;
      Map<String, List<ProviderInfo>> known = ProviderDirectory.byName(
          providers.result().stream().filter(ProviderInfo::available).toList());
      JsonObject providerStatus = new JsonObject();
      ProviderDirectory.byName(providers.result()).forEach((name, instances) -> {
        ProbeResult probe = probes.get(name);
        JsonObject entry = !known.containsKey(name)
            ? new JsonObject().put("status", "unavailable").put("error", instances.get(0).detail())
            : probe == null ? new JsonObject().put("status", "unknown") : probe.toJson();
        providerStatus.put(name, entry.put("nodes", new JsonArray(instances.stream().map(ProviderInfo::nodeId).toList())));
      });
      boolean cacheAvailable = cache.result().getBoolean("available", false);
      List<String> availableNames = known.entrySet().stream()
          .filter(e -> e.getValue().stream().anyMatch(ProviderInfo::available)).map(Map.Entry::getKey).toList();
      List<ProbeResult> current = availableNames.stream().map(probes::get).filter(Objects::nonNull).toList();
      HealthStatus status = HealthStatus.evaluate(node.allUp(), availableNames.size(),
          current, cacheAvailable, system);
      JsonObject cluster = new JsonObject().put("members", clusterMembers.getAsInt())
          .put("node", node.nodeId()).put("roles", node.toJson().getJsonArray("roles")).put("cuda", node.capabilities().getBoolean("cuda", false))
          .put("capabilities", node.capabilities());
      JsonObject audio = new JsonObject().put("status", "healthy").put("sampleRate", tts.sampleRate())
          .put("format", "pcm_s16le").put("chunkMillis", tts.chunkMillis());
      return new JsonObject()
          .put("status", status.wire())
          .put("timestamp", Instant.now().toString())
          .put("version", VERSION)
          .put("node", node.toJson())
          .put("services", new JsonObject()
              .put("tts_providers", providerStatus)
              .put("cache", cache.result().put("status", cacheAvailable ? "healthy" : "unhealthy"))
              .put("cluster", cluster)
              .put("audio_system", audio)
              .put("system", system.toJson()));
    });
  }

  /** Ready for traffic: started, not draining, and able to speak. */
  public Future<JsonObject> readiness() {
    return report().map(report -> {
      boolean ready = node.started() && !node.draining() && !"unhealthy".equals(report.getString("status"));
      return report.put("ready", ready).put("draining", node.draining());
    });
  }

  private static String versionOf() {
    String v = HealthService.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }
}
