package com.ervc.pipeline;

import io.vertx.core.buffer.Buffer;

import java.util.ArrayList;
import java.util.List;

/**
 * Re-cuts one sentence's audio, arriving in chunks of any (even) size, into frames of exactly
 * {@code frameBytes}, the last one of the sentence possibly shorter. When a sentence is resumed on another
 * provider, the bytes the client already has are skipped, so nothing is played twice.
 */
final class Rechunker {
  private final int frameBytes;
  private long skip;
  private Buffer partial = Buffer.buffer();

  Rechunker(int frameBytes, long skipBytes) {
    this.frameBytes = frameBytes;
    this.skip = skipBytes;
  }

  /**
   * The complete frames available after {@code pcm}. Frames that lie wholly within {@code pcm} are slices of it,
   * not copies (audio is never written to after it is produced, and a cached sentence's 100 ms frames would
   * otherwise be copied once more per reply); only a frame spanning two pieces is assembled.
   */
  List<Buffer> push(Buffer pcm) {
    Buffer data = pcm;
    if (skip > 0) {
      int dropped = (int) Math.min(skip, data.length());
      skip -= dropped;
      data = data.slice(dropped, data.length());
    }
    List<Buffer> frames = new ArrayList<>();
    int offset = 0;
    if (partial.length() > 0) {
      int missing = frameBytes - partial.length();
      if (data.length() < missing) {
        partial.appendBuffer(data);
        return frames;
      }
      frames.add(partial.appendBuffer(data, 0, missing));
      partial = Buffer.buffer();
      offset = missing;
    }
    while (data.length() - offset >= frameBytes) {
      frames.add(data.slice(offset, offset + frameBytes));
      offset += frameBytes;
    }
    if (offset < data.length()) {
      partial = Buffer.buffer(frameBytes).appendBuffer(data, offset, data.length() - offset);
    }
    return frames;
  }

  /** The sentence ended: what is left, possibly empty. */
  Buffer flush() {
    Buffer rest = partial;
    partial = Buffer.buffer();
    return rest;
  }
}
