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

  /** The complete frames available after {@code pcm}. */
  List<Buffer> push(Buffer pcm) {
    Buffer data = pcm;
    if (skip > 0) {
      int dropped = (int) Math.min(skip, data.length());
      skip -= dropped;
      data = data.getBuffer(dropped, data.length());
    }
    partial.appendBuffer(data);
    List<Buffer> frames = new ArrayList<>();
    int offset = 0;
    while (partial.length() - offset >= frameBytes) {
      frames.add(partial.getBuffer(offset, offset + frameBytes));
      offset += frameBytes;
    }
    if (offset > 0) {
      partial = partial.getBuffer(offset, partial.length());
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
