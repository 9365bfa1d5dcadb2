package com.ervc.provider.azure;

import io.vertx.core.Future;

import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Bearer tokens from issueToken (docs/providers/azure.md#endpoints-and-authentication): valid 10 minutes, so one is reused for
 * {@link #REUSE_MS} and renewed before it expires; concurrent callers share one renewal.
 */
public final class AzureTokens {
  /** Renewed well before the 10-minute expiry, leaving margin for clock skew and slow requests. */
  static final long REUSE_MS = 8 * 60_000;

  private final Supplier<Future<String>> issue;
  private final LongSupplier clock;
  private Future<String> current;
  private long issuedAt;

  public AzureTokens(Supplier<Future<String>> issue, LongSupplier clock) {
    this.issue = issue;
    this.clock = clock;
  }

  /** A token that has at least two minutes left. Call from one context. */
  public Future<String> token() {
    long now = clock.getAsLong();
    if (current == null || (current.isComplete() && (current.failed() || now - issuedAt >= REUSE_MS))) {
      issuedAt = now;
      current = issue.get();
    }
    return current;
  }
}
