package com.ervc.provider;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.util.function.Function;

/**
 * Runs the half-open circuit breaker's probe: one real synthesis outside admission, judged by a {@link ProbeWatch}
 * against the pipeline's first-byte and stall deadlines. The future fails with the reason when the probe failed.
 */
final class HalfOpenProbe {
  private HalfOpenProbe() {
  }

  /** {@code synthesize} runs the probe sentence into the {@link AudioOut} it is given. */
  static Future<Void> run(Vertx vertx, long firstByteMs, long stallMs, Function<AudioOut, Future<Void>> synthesize) {
    ProbeWatch watch = new ProbeWatch(System.currentTimeMillis(), firstByteMs, stallMs);
    Future<Void> done;
    try {
      done = synthesize.apply(pcm -> {
        watch.audio(pcm.length(), System.currentTimeMillis());
        return Future.succeededFuture();
      });
    } catch (RuntimeException e) {
      done = Future.failedFuture(e);
    }
    Promise<Void> judged = Promise.promise();
    long timer = vertx.setPeriodic(watch.checkEveryMs(), id -> {
      String overdue = watch.overdue(System.currentTimeMillis());
      if (overdue != null) {
        judged.tryFail(overdue);
      }
    });
    done.onComplete(ar -> {
      String failed = watch.outcome(ar.failed() ? ar.cause() : null);
      if (failed == null) {
        judged.tryComplete();
      } else {
        judged.tryFail(failed);
      }
    });
    return judged.future().andThen(ar -> vertx.cancelTimer(timer));
  }
}
