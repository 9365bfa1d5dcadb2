package com.ervc.security;

import io.vertx.core.Future;

/**
 * Open WebSocket connections per user, counted across every gateway: a connection holds a lease until it closes
 * (or, if its gateway dies, until the lease expires).
 */
public interface ConnectionLeases {
  /** Takes a lease for {@code connection} when {@code user} holds fewer than {@code max}; completes with whether it did. */
  Future<Boolean> acquire(String user, String connection, int max);

  void release(String user, String connection);
}
