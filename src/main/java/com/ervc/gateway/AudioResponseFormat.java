package com.ervc.gateway;

import com.ervc.audio.Pcm16;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.MIMEHeader;

import java.util.List;

/** The audio formats POST /api/v1/tts can answer with, chosen from the Accept header. */
enum AudioResponseFormat {
  /** A complete WAV file (RIFF, PCM s16le), sent with Content-Length once synthesis is done. */
  WAV("wav", "x-wav"),
  /** RFC 2586 audio/L16: raw PCM, 16-bit big-endian (network order), streamed as it is produced. */
  L16("l16"),
  /** Raw PCM s16le streamed as it is produced (the same bytes as WebSocket frames). */
  PCM("pcm");

  private final List<String> subtypes;

  AudioResponseFormat(String... subtypes) {
    this.subtypes = List.of(subtypes);
  }

  /**
   * The format the client prefers, from the Accept ranges vertx-web parsed ({@code rc.parsedHeaders().accept()});
   * null when it accepts none (406). No ranges means WAV. Each format gets the quality of the most specific range
   * that matches it (RFC 9110 section 12.5.1); the highest quality wins, ties go to the order WAV, L16, PCM.
   * Written here rather than left to vertx-web's {@code Route.produces}, which ignores {@code q=0}: it answers
   * {@code audio/L16;q=0} with L16 and {@code audio/wav;q=0, audio/*} with WAV.
   */
  static AudioResponseFormat negotiate(List<MIMEHeader> accepted) {
    if (accepted.isEmpty()) {
      return WAV;
    }
    AudioResponseFormat best = null;
    float bestQuality = 0;
    for (AudioResponseFormat format : values()) {
      float quality = format.quality(accepted);
      if (quality > bestQuality) {
        best = format;
        bestQuality = quality;
      }
    }
    return best;
  }

  private float quality(List<MIMEHeader> accepted) {
    MIMEHeader mostSpecific = null;
    for (MIMEHeader range : accepted) {
      if (matches(range) && (mostSpecific == null || specificity(range) > specificity(mostSpecific))) {
        mostSpecific = range;
      }
    }
    return mostSpecific == null ? 0 : mostSpecific.weight();
  }

  private boolean matches(MIMEHeader range) {
    boolean anyType = range.component().equals("*");
    return (anyType || range.component().equalsIgnoreCase("audio"))
        && (range.subComponent().equals("*") || subtypes.stream().anyMatch(range.subComponent()::equalsIgnoreCase));
  }

  /** {@code *}/{@code *} is 0, {@code audio/*} is 1, a full type is 2. */
  private static int specificity(MIMEHeader range) {
    return range.component().equals("*") ? 0 : range.subComponent().equals("*") ? 1 : 2;
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
