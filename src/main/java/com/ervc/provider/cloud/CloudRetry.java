package com.ervc.provider.cloud;

import com.ervc.config.CloudConfig;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.LongFunction;
import java.util.function.Predicate;

/**
 * The retry policy of a cloud provider, whatever the transport (an HTTP request, a Realtime response): 5xx and
 * timeouts get one retry with jitter, a 429 one retry when the provider's wait fits {@code maxRetryWaitMs}
 * (otherwise the provider backs off for that long and fails fast meanwhile, so the router can go elsewhere), AUTH
 * and QUOTA none (the provider is disabled) unless the provider has other credentials to try. Nothing is retried
 * once audio was passed on. All state lives on the context that created it.
 */
public final class CloudRetry {
  private static final Logger LOG = LoggerFactory.getLogger(CloudRetry.class);
  private static final long DEFAULT_BACKOFF_MS = 1000;

  private final Vertx vertx;
  private final Context context;
  private final String provider;
  private final CloudConfig settings;
  private final Consumer<CloudError> onDisabled;
  private final Predicate<CloudError> switchCredentials;
  private long backOffUntil;

  public CloudRetry(Vertx vertx, String provider, CloudConfig settings, Consumer<CloudError> onDisabled,
                    Predicate<CloudError> switchCredentials) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.provider = provider;
    this.settings = settings;
    this.onDisabled = onDisabled;
    this.switchCredentials = switchCredentials;
  }

  public Context context() {
    return context;
  }

  /**
   * Runs {@code attempt} (given the total deadline in epoch ms) at most twice under the policy; {@code sink} tells
   * whether audio was passed on already.
   */
  public Future<Void> run(LongFunction<Future<Void>> attempt, BodySink sink) {
    if (Vertx.currentContext() != context) {
      // All state (timers, back-off, token cache) lives on the owning context.
      Promise<Void> hopped = Promise.promise();
      context.runOnContext(v -> run(attempt, sink).onComplete(hopped));
      return hopped.future();
    }
    long now = System.currentTimeMillis();
    if (backOffUntil > now) {
      return Future.failedFuture(new CloudError(CloudError.Kind.RATE_LIMITED, 429, null, backOffUntil - now, false,
          "backing off after a rate limit"));
    }
    long deadline = now + settings.totalTimeoutMs();
    return attempt.apply(deadline).recover(first -> {
      CloudError error = normalise(first, settings);
      long wait = retryWait(error, sink, deadline);
      if (wait < 0) {
        return afterFailure(error);
      }
      LOG.info("{} request failed ({} {}); retrying in {} ms", provider, error.kind(), error.status(), wait);
      Promise<Void> delayed = Promise.promise();
      vertx.setTimer(Math.max(1, wait), id -> delayed.complete());
      return delayed.future()
          .compose(v -> attempt.apply(deadline))
          .recover(second -> afterFailure(normalise(second, settings)));
    });
  }

  /** Milliseconds to wait before the one retry, or -1 for none. */
  private long retryWait(CloudError error, BodySink sink, long deadline) {
    if (sink.started()) {
      return -1;
    }
    if (error.kind() == CloudError.Kind.AUTH && switchCredentials.test(error)) {
      return 0;
    }
    if (!error.retryable()) {
      return -1;
    }
    long wait;
    if (error.kind() == CloudError.Kind.RATE_LIMITED) {
      wait = error.retryAfterMs() >= 0 ? error.retryAfterMs() : DEFAULT_BACKOFF_MS;
      if (wait > settings.maxRetryWaitMs()) {
        return -1;
      }
    } else {
      wait = 100 + ThreadLocalRandom.current().nextLong(300);
    }
    return System.currentTimeMillis() + wait < deadline ? wait : -1;
  }

  private <T> Future<T> afterFailure(CloudError error) {
    if (error.kind() == CloudError.Kind.RATE_LIMITED) {
      backOffUntil = System.currentTimeMillis() + (error.retryAfterMs() >= 0 ? error.retryAfterMs() : DEFAULT_BACKOFF_MS);
    }
    if (error.disablesProvider()) {
      onDisabled.accept(error);
    }
    if (error.kind() != CloudError.Kind.CANCELLED) {
      LOG.warn("{} request failed: {} (HTTP {}{})", provider, error.kind(), error.status(),
          error.providerCode() == null ? "" : " " + error.providerCode());
    }
    return Future.failedFuture(error);
  }

  /** Any failure as a {@link CloudError}; the message names only the failure's class, never its text. */
  public static CloudError normalise(Throwable failure, CloudConfig settings) {
    if (failure instanceof CloudError error) {
      return error;
    }
    if (failure instanceof TimeoutException || failure.getClass().getSimpleName().contains("Timeout")) {
      return CloudError.of(CloudError.Kind.TIMEOUT, "did not connect within " + settings.connectTimeoutMs() + " ms");
    }
    // Connection refused or reset, or a body cut short.
    return CloudError.of(CloudError.Kind.SERVER, "connection failed (" + failure.getClass().getSimpleName() + ")");
  }
}
