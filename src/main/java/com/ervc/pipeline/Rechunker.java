package com.ervc.pipeline;

import io.vertx.core.buffer.Buffer;

import java.util.ArrayList;
import java.util.List;

/**
 * Re-cuts one sentence's audio, arriving in chunks of any (even) size, into frames of exactly
 * {@code frameBytes}, the last one of the sentence possibly shorter. Each piece says where in the sentence it
 * starts: when a sentence is resumed on another provider, whose stream starts again from the sentence's beginning,
 * the bytes already taken from the failed stream are skipped, so nothing is played twice and nothing is lost.
 */
final class Rechunker {
  private final int frameBytes;
  /** The bytes of the sentence taken so far. */
  private long position;
  private Buffer partial = Buffer.buffer();

  Rechunker(int frameBytes) {
    this.frameBytes = frameBytes;
  }

  /** The bytes of the sentence taken so far (sent, or held in the partial frame). */
  long position() {
    return position;
  }

  /**
   * The complete frames available after {@code pcm}, the sentence's bytes from {@code at} on ({@code at} never beyond
   * {@link #position()}: a stream delivers its sentence without holes; what lies before the position is dropped).
   * Frames that lie wholly within {@code pcm} are slices of it, not copies (audio is never written to after it is
   * produced, and a cached sentence's 100 ms frames would otherwise be copied once more per reply); only a frame
   * spanning two pieces is assembled.
   */
  List<Buffer> push(long at, Buffer pcm) {
    if (at > position) {
      throw new IllegalArgumentException("audio from byte " + at + " of the sentence, but only " + position + " taken");
    }
    Buffer data = pcm;
    int known = (int) Math.min(position - at, data.length());
    if (known > 0) {
      data = data.slice(known, data.length());
    }
    position += data.length();
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

  /** A whole sentence's frames, cut as {@link #push} and {@link #flush} cut them, without an empty last one. */
  static List<Buffer> cut(Buffer sentence, int frameBytes) {
    Rechunker cutter = new Rechunker(frameBytes);
    List<Buffer> frames = cutter.push(0, sentence);
    Buffer rest = cutter.flush();
    if (rest.length() > 0) {
      frames.add(rest);
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
