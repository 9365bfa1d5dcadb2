package com.ervc.eval;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class EvalRunnerTest {

  /** The waits the service's rate_limited messages name (docs/protocol.md), else a growing default. */
  @Test
  void aRateLimitedRequestWaitsWhatTheMessageSays() {
    assertEquals(12_000, EvalRunner.retryDelayMillis("character quota of 20000 per minute used up; retry in 12 s", 1));
    assertEquals(1_500, EvalRunner.retryDelayMillis("provider 'openai' is rate limited; retry after 1500 ms", 1));
    assertEquals(1_000, EvalRunner.retryDelayMillis("provider 'openai' is rate limited; retry after 20 ms", 1));
    assertEquals(10_000, EvalRunner.retryDelayMillis("too many messages on this connection; slow down", 2));
  }
}
