package com.ervc.gateway;

import com.ervc.audio.WavCodec;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;

/**
 * Turns a stream of PCM s16le mono into one response format, chunk by chunk. Every call and every {@link Output}
 * callback happens on the request's event loop; an encoder that blocks does so on its own threads.
 */
interface AudioEncoder {
  /** Where encoded bytes go. Exactly one of end/failed is called, last. */
  interface Output {
    Future<Void> data(Buffer encoded);

    void end();

    void failed(String message);
  }

  /** Completes when the chunk is taken in; that paces the pipeline. */
  Future<Void> write(Buffer pcm);

  /** No more input: flushes what is left, then calls {@link Output#end}. */
  void finish();

  /** Stops at once; no further output. */
  void abort();

  /** WAV (a streaming header that says "length unknown", then the samples) or raw PCM, written directly. */
  static AudioEncoder direct(SpeechFormat format, int sampleRate, Output output) {
    return new AudioEncoder() {
      /** The largest data size whose RIFF size still fits 32 bits: readers take it as "until the end". */
      private static final long UNKNOWN_LENGTH = 0xFFFF_FFFFL - (WavCodec.HEADER_BYTES - 8);
      private boolean headerSent = format != SpeechFormat.WAV;

      @Override
      public Future<Void> write(Buffer pcm) {
        if (!headerSent) {
          headerSent = true;
          return output.data(Buffer.buffer(WavCodec.header(sampleRate, 1, UNKNOWN_LENGTH)).appendBuffer(pcm));
        }
        return output.data(pcm);
      }

      @Override
      public void finish() {
        if (!headerSent) {
          write(Buffer.buffer());
        }
        output.end();
      }

      @Override
      public void abort() {
      }
    };
  }
}
