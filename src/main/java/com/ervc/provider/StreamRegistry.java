package com.ervc.provider;

import java.util.HashMap;
import java.util.Map;

/**
 * The streaming requests running on one instance, by stream id, so that the pipeline can cancel them. Used on the
 * verticle's event loop only.
 */
final class StreamRegistry {
  private final Map<String, StreamedAudioOut> streams = new HashMap<>();

  void add(String stream, StreamedAudioOut out) {
    streams.put(stream, out);
  }

  void remove(String stream) {
    streams.remove(stream);
  }

  /** Cancels {@code stream}; false when it is unknown or already over (nothing to do). */
  boolean cancel(String stream) {
    StreamedAudioOut out = streams.remove(stream);
    if (out == null) {
      return false;
    }
    out.cancel();
    return true;
  }
}
