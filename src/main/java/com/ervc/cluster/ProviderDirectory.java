package com.ervc.cluster;

import com.ervc.protocol.Addresses;
import com.ervc.protocol.BusProtocol;
import com.ervc.protocol.ProviderInfo;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.vertx.core.shareddata.AsyncMap;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The cluster-wide list of provider instances. Each provider verticle re-announces itself before its entry's
 * TTL runs out, so the entries of a node that died disappear on their own.
 */
public final class ProviderDirectory {
  public static final long ENTRY_TTL_MS = 15_000;
  public static final long REFRESH_MS = 5_000;
  private static final long LIST_MEMO_MS = 1_000;
  private static final Logger LOG = LoggerFactory.getLogger(ProviderDirectory.class);
  private static final Set<String> SKIPPED_VERSIONS = ConcurrentHashMap.newKeySet();

  private final Vertx vertx;
  private List<ProviderInfo> memo;
  private long memoUntil;

  public ProviderDirectory(Vertx vertx) {
    this.vertx = vertx;
  }

  private Future<AsyncMap<String, String>> map() {
    return vertx.sharedData().getAsyncMap(Addresses.PROVIDER_DIRECTORY);
  }

  private static String key(String name, String nodeId) {
    return name + "@" + nodeId;
  }

  public Future<Void> announce(ProviderInfo info) {
    return map().compose(m -> m.put(key(info.name(), info.nodeId()), info.body().encode(), ENTRY_TTL_MS));
  }

  public Future<Void> withdraw(String name, String nodeId) {
    return map().compose(m -> m.remove(key(name, nodeId))).mapEmpty();
  }

  /** An entry written by a node of another major protocol version is skipped, with one WARN line per version. */
  private static boolean readable(JsonObject entry) {
    String version = entry.getString(BusProtocol.H_VERSION);
    if (BusProtocol.supports(version)) {
      return true;
    }
    if (SKIPPED_VERSIONS.add(String.valueOf(version))) {
      LOG.warn("ignoring provider directory entries of event-bus protocol version {} (this node speaks {}): {}",
          version, BusProtocol.VERSION, entry.getString("name") + "@" + entry.getString("node"));
    }
    return false;
  }

  /** Instances grouped by provider name, in the list's order (instances of one name offer the same voices). */
  public static Map<String, List<ProviderInfo>> byName(List<ProviderInfo> providers) {
    Map<String, List<ProviderInfo>> groups = new LinkedHashMap<>();
    providers.forEach(p -> groups.computeIfAbsent(p.name(), k -> new ArrayList<>()).add(p));
    return groups;
  }

  /** All announced instances sorted by name then node; memoised briefly because it is read per request. */
  public Future<List<ProviderInfo>> list() {
    long now = System.currentTimeMillis();
    if (memo != null && now < memoUntil) {
      return Future.succeededFuture(memo);
    }
    return map().compose(AsyncMap::entries).map(entries -> {
      List<ProviderInfo> infos = entries.values().stream()
          .map(JsonObject::new)
          .filter(ProviderDirectory::readable)
          .map(ProviderInfo::fromJson)
          .sorted(Comparator.comparing(ProviderInfo::name).thenComparing(ProviderInfo::nodeId))
          .toList();
      memo = infos;
      memoUntil = now + LIST_MEMO_MS;
      return infos;
    });
  }
}
