package com.ervc.provider;

import com.ervc.cluster.ProviderDirectory;
import com.ervc.protocol.ProviderInfo;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.util.function.Supplier;

/**
 * Keeps one instance's entry in the {@link ProviderDirectory}: written at start, rewritten every
 * {@link ProviderDirectory#REFRESH_MS} (before its TTL runs out) and when it changes, removed on withdrawal.
 */
final class DirectoryAnnouncer {
  private final Vertx vertx;
  private final ProviderDirectory directory;
  private final Supplier<ProviderInfo> current;
  private long refresher = -1;

  DirectoryAnnouncer(Vertx vertx, Supplier<ProviderInfo> current) {
    this.vertx = vertx;
    this.directory = new ProviderDirectory(vertx);
    this.current = current;
  }

  Future<Void> announce() {
    return directory.announce(current.get());
  }

  void keepFresh() {
    refresher = vertx.setPeriodic(ProviderDirectory.REFRESH_MS, id -> announce());
  }

  /** Removes the entry; the refresh stops first, or a last one could re-add the entry after the removal. */
  Future<Void> withdraw() {
    vertx.cancelTimer(refresher);
    ProviderInfo announced = current.get();
    return announced == null ? Future.succeededFuture()
        : directory.withdraw(announced.name(), announced.nodeId()).otherwiseEmpty();
  }
}
