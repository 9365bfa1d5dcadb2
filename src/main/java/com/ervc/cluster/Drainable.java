package com.ervc.cluster;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;

import java.util.function.Supplier;

/** A component that takes work: it can stop accepting new work while the work it already has runs to its end. */
public interface Drainable {
  /** Stops taking new requests (unregisters its intake); running ones continue. Idempotent. */
  Future<Void> stopIntake();

  /** Takes new requests again after {@link #stopIntake()} (an operator's undrain). Idempotent. */
  Future<Void> resumeIntake();

  /** Requests this component is working on now. */
  int inFlight();

  /** Runs {@code action} on a verticle's own context: a drain is requested from an HTTP handler of another one. */
  static Future<Void> onContext(Context context, Supplier<Future<Void>> action) {
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> action.get().onComplete(done));
    return done.future();
  }
}
