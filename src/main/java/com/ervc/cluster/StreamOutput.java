package com.ervc.cluster;

import com.ervc.protocol.StreamMessage;
import io.vertx.core.Future;

/** Where a stream's messages go, in order, with back-pressure; {@link StreamSender} sends them over the event bus. */
public interface StreamOutput {
  /** Sends one message; the future completes when the next may be sent, and fails once the stream is broken. */
  Future<Void> send(StreamMessage message);

  /** True once a message was refused or not acknowledged: nothing more will be delivered. */
  boolean isBroken();
}
