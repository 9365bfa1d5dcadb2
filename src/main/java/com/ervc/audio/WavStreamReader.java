package com.ervc.audio;

import java.util.Arrays;

/**
 * Reads a 16-bit PCM WAV stream as it is written (a program's standard output): the header is parsed once, as soon
 * as it is complete, and every later piece yields its whole frames at once. The concatenated output equals the PCM
 * of {@link WavCodec#decode} on the whole stream: a data size of 0 or one larger than the stream (the placeholder a
 * writer to a pipe leaves, such as espeak-ng's 0x7ffff000) means "up to the end", a smaller one ends the audio there,
 * and a trailing partial frame is dropped. Not thread-safe.
 */
public final class WavStreamReader {
  /** A header not complete within this many bytes is refused, so a stream of garbage cannot grow memory. */
  static final int MAX_HEADER_BYTES = 64 * 1024;

  private static final byte[] NONE = new byte[0];

  /** Bytes received before the header was complete; null once it is. */
  private byte[] head = NONE;
  private WavCodec.StreamStart start;
  private int frameBytes;
  /** Data bytes still to pass on; Long.MAX_VALUE when the header did not give the size. */
  private long dataLeft;
  /** The start of a frame whose other bytes have not arrived yet. */
  private byte[] partialFrame = NONE;

  /**
   * The PCM (whole frames, little-endian) that {@code length} more bytes of the stream complete; empty while the
   * header is incomplete.
   *
   * @throws IllegalArgumentException when the stream is not a 16-bit PCM WAV stream
   */
  public byte[] push(byte[] bytes, int length) {
    if (start == null) {
      head = Arrays.copyOf(head, head.length + length);
      System.arraycopy(bytes, 0, head, head.length - length, length);
      var found = WavCodec.streamStart(head);
      if (found.isEmpty()) {
        if (head.length > MAX_HEADER_BYTES) {
          throw new IllegalArgumentException("no WAV data chunk within the first " + MAX_HEADER_BYTES + " bytes");
        }
        return NONE;
      }
      start = found.get();
      frameBytes = start.channels() * 2;
      dataLeft = start.declaredDataBytes() == 0 ? Long.MAX_VALUE : start.declaredDataBytes();
      byte[] afterHeader = Arrays.copyOfRange(head, start.dataOffset(), head.length);
      head = null;
      return frames(afterHeader, afterHeader.length);
    }
    return frames(bytes, length);
  }

  /**
   * The end of the stream: fails when it ended before its header was complete (with {@link WavCodec#decode}'s
   * message for that stream); a trailing partial frame is dropped.
   */
  public void finish() {
    if (start == null) {
      WavCodec.decode(head);
    }
  }

  /** The stream's sample rate; valid once {@link #push} returned audio or {@link #started} is true. */
  public int sampleRate() {
    return start.sampleRate();
  }

  /** The stream's channel count; valid once {@link #started} is true. */
  public int channels() {
    return start.channels();
  }

  /** Whether the header has been read. */
  public boolean started() {
    return start != null;
  }

  private byte[] frames(byte[] bytes, int length) {
    int usable = (int) Math.min(length, dataLeft);
    dataLeft -= usable;
    byte[] joined = Arrays.copyOf(partialFrame, partialFrame.length + usable);
    System.arraycopy(bytes, 0, joined, partialFrame.length, usable);
    int whole = joined.length - joined.length % frameBytes;
    partialFrame = Arrays.copyOfRange(joined, whole, joined.length);
    return whole == joined.length ? joined : Arrays.copyOf(joined, whole);
  }
}
