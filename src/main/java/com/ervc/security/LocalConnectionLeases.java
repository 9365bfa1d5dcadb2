package com.ervc.security;

import io.vertx.core.Future;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Connection leases of this node only: used without Redis, and while Redis is unreachable. */
public final class LocalConnectionLeases implements ConnectionLeases {
  private final Map<String, Set<String>> open = new ConcurrentHashMap<>();

  @Override
  public Future<Boolean> acquire(String user, String connection, int max) {
    boolean[] taken = {false};
    open.compute(user, (k, connections) -> {
      Set<String> set = connections == null ? ConcurrentHashMap.newKeySet() : connections;
      if (set.size() < max) {
        set.add(connection);
        taken[0] = true;
      }
      return set.isEmpty() ? null : set;
    });
    return Future.succeededFuture(taken[0]);
  }

  @Override
  public void release(String user, String connection) {
    open.computeIfPresent(user, (k, set) -> {
      set.remove(connection);
      return set.isEmpty() ? null : set;
    });
  }
}
