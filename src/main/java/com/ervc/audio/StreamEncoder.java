package com.ervc.audio;

/**
 * A compressed audio format written while mono PCM arrives: each call returns the encoded bytes that are final so
 * far (possibly none), so a response can send them at once. Blocking CPU work; one caller at a time.
 */
public interface StreamEncoder {
  /** Takes the next samples; returns the bytes ready to send, the container's header first. */
  byte[] encode(short[] samples);

  /** No more input: returns the rest, up to the end of the stream. */
  byte[] finish();
}
