package com.ervc.pipeline;

/**
 * The deadlines one sentence request is held to (docs/routing.md#deadlines-and-hedging).
 *
 * @param firstByteMs  no audio this long after the request: the stream fails (and the sentence fails over)
 * @param stallMs      no audio this long after earlier audio (while the pipeline does not hold it back): a stall,
 *                     the stream fails
 * @param hedgeAfterMs no audio this long after the request: ask a second instance too, the first to answer plays;
 *                     -1 when never
 */
record Deadlines(long firstByteMs, long stallMs, long hedgeAfterMs) {
  static final long NO_HEDGE = -1;

  boolean hedged() {
    return hedgeAfterMs != NO_HEDGE;
  }
}
