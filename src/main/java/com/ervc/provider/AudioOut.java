package com.ervc.provider;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;

/**
 * Where a provider writes one sentence's audio as it is produced: PCM s16le mono at the request's sample rate,
 * in chunks of any size (an odd trailing byte is carried over to the next chunk by the transport).
 * Writes may come from a worker thread or an event loop, but one at a time and in order. The returned future
 * completes when the consumer can take more (back-pressure) and fails when the consumer is gone (the reply was
 * cancelled or its pipeline died): the provider should then stop synthesizing.
 */
public interface AudioOut {
  Future<Void> write(Buffer pcm);

  /**
   * True once the consumer is known to be gone (the reply was cancelled): an engine may check it before starting
   * expensive work that would only be thrown away. Writes fail then as well.
   */
  default boolean cancelled() {
    return false;
  }
}
