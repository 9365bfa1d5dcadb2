package com.ervc.cluster;

import com.ervc.protocol.Addresses;
import com.ervc.protocol.BusProtocol;
import com.ervc.protocol.QualityResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;

import java.util.Comparator;
import java.util.List;

/**
 * The cluster-wide latest quality figures ({@link QualityResult}), one entry per provider voice per node, written by
 * the node that measured them and read by every gateway for {@code GET /api/v1/providers}. An entry lives
 * {@link #ENTRY_TTL_MS} after its last write, so the figures of a node that left the cluster (or of a voice no
 * longer checked) go away on their own while a node that keeps checking keeps them.
 */
public final class QualityResults {
  /** Seven days: longer than the longest check interval ({@code quality.intervalMinutes} ≤ 10080). */
  public static final long ENTRY_TTL_MS = 7L * 24 * 3600 * 1000;
  private static final long LIST_MEMO_MS = 1_000;

  private final Vertx vertx;
  private List<QualityResult> memo;
  private long memoUntil;

  public QualityResults(Vertx vertx) {
    this.vertx = vertx;
  }

  private Future<AsyncMap<String, String>> map() {
    return vertx.sharedData().getAsyncMap(Addresses.QUALITY_RESULTS);
  }

  public Future<Void> put(QualityResult result) {
    return map().compose(m -> m.put(result.key(), result.body().encode(), ENTRY_TTL_MS));
  }

  /**
   * Every entry, by provider, voice, then newest first; entries of another major protocol version are skipped.
   * Memoised for a second because it is read per request.
   */
  public Future<List<QualityResult>> list() {
    long now = System.currentTimeMillis();
    if (memo != null && now < memoUntil) {
      return Future.succeededFuture(memo);
    }
    return map().compose(AsyncMap::entries).map(entries -> {
      List<QualityResult> results = entries.values().stream().map(JsonObject::new)
          .filter(entry -> BusProtocol.supports(entry.getString(BusProtocol.H_VERSION)))
          .map(QualityResult::fromJson)
          .sorted(Comparator.comparing(QualityResult::provider).thenComparing(QualityResult::voice)
              .thenComparing(Comparator.comparingLong(QualityResult::measuredAtMs).reversed()))
          .toList();
      memo = results;
      memoUntil = now + LIST_MEMO_MS;
      return results;
    });
  }
}
