package com.ervc.gateway;

import com.ervc.audio.Pcm16;
import io.vertx.core.buffer.Buffer;

import java.util.Locale;

/** The audio formats POST /api/v1/tts can answer with, chosen from the Accept header. */
enum AudioResponseFormat {
  /** A complete WAV file (RIFF, PCM s16le), sent with Content-Length once synthesis is done. */
  WAV,
  /** RFC 2586 audio/L16: raw PCM, 16-bit big-endian (network order), streamed as it is produced. */
  L16,
  /** Raw PCM s16le streamed as it is produced (the same bytes as WebSocket frames). */
  PCM;

  /** Null when the Accept header allows none of them (406). */
  static AudioResponseFormat negotiate(String accept) {
    if (accept == null || accept.isBlank()) {
      return WAV;
    }
    String a = accept.toLowerCase(Locale.ROOT);
    if (a.contains("audio/l16")) {
      return L16;
    }
    if (a.contains("audio/pcm")) {
      return PCM;
    }
    if (a.contains("audio/wav") || a.contains("audio/x-wav") || a.contains("audio/*") || a.contains("*/*")) {
      return WAV;
    }
    return null;
  }

  String contentType(int sampleRate) {
    return switch (this) {
      case WAV -> "audio/wav";
      case L16 -> "audio/L16;rate=" + sampleRate + ";channels=1";
      case PCM -> "audio/pcm;rate=" + sampleRate + ";channels=1;format=s16le";
    };
  }

  /** Converts a chunk of the pipeline's PCM s16le into this format's byte order. */
  Buffer encodeChunk(Buffer pcmLittleEndian) {
    return this == L16
        ? Buffer.buffer(Pcm16.toBigEndian(Pcm16.fromLittleEndian(pcmLittleEndian.getBytes())))
        : pcmLittleEndian;
  }
}
