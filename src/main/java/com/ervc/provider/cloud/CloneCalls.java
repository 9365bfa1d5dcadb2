package com.ervc.provider.cloud;

import com.ervc.config.CloudConfig;
import com.ervc.profile.Registration;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;

import java.time.Instant;
import java.util.List;

/**
 * What the vendors' voice cloners share: an HTTP client with deadlines fit for uploads, and the mapping of a
 * vendor's answer onto a registration (docs/voice-profiles.md#registration-at-the-vendors): a refusal for good
 * (credentials, quota, rejected audio) is a {@code failed} registration with the vendor's reason, a transient
 * failure a retryable error for the registrar.
 */
public final class CloneCalls {
  /** Uploads of up to tens of MiB that the vendor analyses before answering: far longer than a sentence's deadlines. */
  static final int MIN_FIRST_BYTE_MS = 120_000;
  static final int MIN_TOTAL_MS = 300_000;

  private CloneCalls() {
  }

  /** A client for cloning calls: the cloud settings with first-byte/stall deadlines ≥ 2 min and a total ≥ 5 min. */
  public static CloudHttp http(Vertx vertx, String provider, CloudConfig cloud, List<String> secrets) {
    CloudConfig settings = new CloudConfig(cloud.connectTimeoutMs(),
        Math.max(cloud.firstByteTimeoutMs(), MIN_FIRST_BYTE_MS), Math.max(cloud.stallTimeoutMs(), MIN_FIRST_BYTE_MS),
        Math.max(cloud.totalTimeoutMs(), MIN_TOTAL_MS), cloud.maxConnections(), cloud.maxQueue(),
        cloud.maxRetryWaitMs());
    // A refused key fails the registration with the reason; it does not switch the synthesis provider off.
    return new CloudHttp(vertx, provider, settings, secrets, refused -> { }, refused -> false);
  }

  /** The registration {@code remoteId} ends in: ready with the voice id, failed with the vendor's reason. */
  public static Future<Registration> outcome(String provider, Future<String> remoteId) {
    return remoteId.map(id -> new Registration(provider, id, Registration.Status.READY, "registered", Instant.now()))
        .recover(failure -> {
          if (failure instanceof CloudError error && error.retryable()) {
            return Future.failedFuture(error.toSpeech(provider));
          }
          return Future.succeededFuture(new Registration(provider, null, Registration.Status.FAILED,
              failure instanceof CloudError error ? detail(provider, error)
                  : provider + " answered in an unexpected way: " + failure.getMessage(), Instant.now()));
        });
  }

  /** The vendor's reason, never a key: credentials and quota refusals keep the vendor's (scrubbed) message too. */
  static String detail(String provider, CloudError error) {
    String detail = provider + " " + error.summary();
    boolean messageShown = error.kind() == CloudError.Kind.INVALID_REQUEST;
    return messageShown || error.getMessage() == null || error.getMessage().isBlank() ? detail
        : detail + ": " + error.getMessage();
  }

  /** A delete call's outcome: a 404 (the vendor no longer has the voice) counts as deleted. */
  public static Future<Void> deleted(Future<Buffer> answer) {
    return answer.<Void>mapEmpty().recover(failure -> failure instanceof CloudError error && error.status() == 404
        ? Future.succeededFuture() : Future.failedFuture(failure));
  }
}
