package com.ervc.provider;

import io.vertx.core.buffer.Buffer;

/**
 * Cuts a stream of s16le bytes written in chunks of any size into chunks of whole samples: an odd trailing byte
 * is held back and put in front of the next chunk. Not thread-safe (writes come one at a time).
 */
public final class SampleAligner {
  private Buffer carry;

  /** The whole samples available after {@code pcm}; may be empty. */
  public Buffer align(Buffer pcm) {
    Buffer joined = carry == null ? pcm : carry.copy().appendBuffer(pcm);
    int whole = joined.length() & ~1;
    carry = whole == joined.length() ? null : joined.getBuffer(whole, joined.length());
    return whole == joined.length() ? joined : joined.getBuffer(0, whole);
  }

  /** Whether a byte is held back (at the end of a stream: the provider wrote half a sample). */
  public boolean pending() {
    return carry != null;
  }
}
