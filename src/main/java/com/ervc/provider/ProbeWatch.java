package com.ervc.provider;

/**
 * Judges a half-open circuit breaker's probe by the pipeline's deadlines, or it proves nothing: first audio
 * within {@code firstByteMs} of the start, then no silence longer than {@code stallMs}, and some audio in the end.
 * Thread-safe: the engine writes from its own threads. Times are passed in, so tests need no clock.
 */
final class ProbeWatch {
  private final long startMs;
  private final long firstByteMs;
  private final long stallMs;
  private long bytes;
  private long lastAudioMs = -1;

  ProbeWatch(long startMs, long firstByteMs, long stallMs) {
    this.startMs = startMs;
    this.firstByteMs = firstByteMs;
    this.stallMs = stallMs;
  }

  synchronized void audio(int length, long nowMs) {
    bytes += length;
    lastAudioMs = nowMs;
  }

  /** Why the probe has failed by {@code nowMs} while still running, or null while it keeps its deadlines. */
  synchronized String overdue(long nowMs) {
    if (lastAudioMs < 0 ? nowMs - startMs > firstByteMs : nowMs - lastAudioMs > stallMs) {
      return "the probe missed its " + (lastAudioMs < 0 ? "first-byte" : "stall") + " deadline";
    }
    return null;
  }

  /** Why the finished probe failed, or null when it succeeded; {@code failure} is the engine's, or null. */
  synchronized String outcome(Throwable failure) {
    if (failure != null) {
      return String.valueOf(failure.getMessage());
    }
    return bytes == 0 ? "the probe produced no audio" : null;
  }

  /** How often to look for a missed deadline. */
  long checkEveryMs() {
    return Math.max(10, Math.min(250, stallMs / 4));
  }
}
