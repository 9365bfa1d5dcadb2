package com.ervc.provider;

import io.vertx.core.eventbus.ReplyException;

/** A failure with a protocol error code, raised anywhere between the gateway and a provider. */
public final class SpeechException extends RuntimeException {
  private final ErrorCode code;

  public SpeechException(ErrorCode code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  public ErrorCode code() {
    return code;
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
        default -> new SpeechException(ErrorCode.INTERNAL, String.valueOf(reply.getMessage()));
      };
    }
    return new SpeechException(ErrorCode.INTERNAL,
        failure.getMessage() == null ? failure.toString() : failure.getMessage());
  }
}
