package com.ervc.protocol;

import io.vertx.core.eventbus.ReplyException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A failure with a protocol error code, raised anywhere between the gateway and a provider. */
public final class SpeechException extends RuntimeException {
  private static final Logger LOG = LoggerFactory.getLogger(SpeechException.class);
  private final ErrorCode code;
  private final boolean retryable;

  public SpeechException(ErrorCode code, String message) {
    this(code, message, false);
  }

  /**
   * {@code retryable}: the same request may succeed later or on another provider (a provider's rate limit, a
   * server error, a timeout), as opposed to a request that is wrong or a provider that is misconfigured.
   */
  public SpeechException(ErrorCode code, String message, boolean retryable) {
    super(message, null, false, false);
    this.code = code;
    this.retryable = retryable;
  }

  public ErrorCode code() {
    return code;
  }

  public boolean retryable() {
    return retryable;
  }

  /** Maps any failure (including event-bus timeouts and missing handlers) to a protocol error. */
  public static SpeechException from(Throwable failure) {
    if (failure instanceof SpeechException speech) {
      return speech;
    }
    if (failure instanceof ReplyException reply) {
      return switch (reply.failureType()) {
        case RECIPIENT_FAILURE -> new SpeechException(ErrorCode.fromStatus(reply.failureCode()), reply.getMessage());
        case NO_HANDLERS -> new SpeechException(ErrorCode.PROVIDER_UNAVAILABLE, "no node serves this request right now");
        case TIMEOUT -> new SpeechException(ErrorCode.PROVIDER_UNAVAILABLE, "the request timed out inside the cluster");
        default -> internal(failure);
      };
    }
    return internal(failure);
  }

  /** Unexpected failures reach clients as a fixed text; the detail (class names, hosts) stays in the log. */
  private static SpeechException internal(Throwable failure) {
    LOG.warn("internal failure: {}", failure.toString());
    return new SpeechException(ErrorCode.INTERNAL, "internal error");
  }
}
