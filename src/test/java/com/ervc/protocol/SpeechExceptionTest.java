package com.ervc.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class SpeechExceptionTest {

  static Stream<Arguments> replies() {
    return Stream.of(
        // A recipient's failure code is the HTTP status of the original error code.
        arguments(new ReplyException(ReplyFailure.RECIPIENT_FAILURE, 503, "engine down"),
            ErrorCode.PROVIDER_UNAVAILABLE, "engine down"),
        arguments(new ReplyException(ReplyFailure.RECIPIENT_FAILURE, 413, "too long"),
            ErrorCode.TOO_LARGE, "too long"),
        arguments(new ReplyException(ReplyFailure.RECIPIENT_FAILURE, 418, "teapot"),
            ErrorCode.INTERNAL, "teapot"),
        arguments(new ReplyException(ReplyFailure.NO_HANDLERS, -1, "No handlers for address x"),
            ErrorCode.PROVIDER_UNAVAILABLE, "no node serves this request right now"),
        arguments(new ReplyException(ReplyFailure.TIMEOUT, -1, "Timed out after waiting 30000(ms)"),
            ErrorCode.PROVIDER_UNAVAILABLE, "the request timed out inside the cluster"),
        arguments(new ReplyException(ReplyFailure.ERROR, -1, "codec failed"),
            ErrorCode.INTERNAL, "internal error"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("replies")
  void replyFailuresMapToProtocolErrors(ReplyException reply, ErrorCode code, String message) {
    SpeechException mapped = SpeechException.from(reply);

    assertEquals(code, mapped.code());
    assertEquals(message, mapped.getMessage());
  }

  @Test
  void speechExceptionPassesThroughUnchanged() {
    SpeechException original = new SpeechException(ErrorCode.RATE_LIMITED, "slow down");

    assertSame(original, SpeechException.from(original));
  }

  @Test
  void anyOtherFailureIsInternalWithAFixedMessage() {
    SpeechException mapped = SpeechException.from(new IllegalStateException("boom"));

    assertEquals(ErrorCode.INTERNAL, mapped.code());
    assertEquals("internal error", mapped.getMessage(), "no internal detail reaches a client");
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
      "400, INVALID_REQUEST", "401, UNAUTHORIZED", "413, TOO_LARGE", "429, RATE_LIMITED", "500, INTERNAL",
      "503, PROVIDER_UNAVAILABLE", "404, INTERNAL", "-1, INTERNAL", "0, INTERNAL"})
  void errorCodeFromStatus(int status, ErrorCode expected) {
    assertEquals(expected, ErrorCode.fromStatus(status));
  }
}
