package com.ervc.provider.cloud;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;

/** Where {@link CloudHttp} puts a successful response body, chunk by chunk as it arrives. */
public interface BodySink {
  /** Takes one chunk; the future completes when more may come (the response is paused until then). */
  Future<Void> write(Buffer chunk);

  /** The body ended completely. */
  Future<Void> end();

  /** Whether anything was passed on; after that a failed request cannot be retried without repeating audio. */
  boolean started();
}
