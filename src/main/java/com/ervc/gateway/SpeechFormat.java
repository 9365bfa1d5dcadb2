package com.ervc.gateway;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The {@code response_format}s of {@code POST /v1/audio/speech}. {@code wav} and {@code pcm} are written in Java;
 * the compressed ones are encoded by an ffmpeg subprocess with the arguments here (streaming-friendly: no MP3 Xing
 * header, which a pipe cannot patch afterwards, and short Ogg pages so Opus leaves in small pieces).
 */
enum SpeechFormat {
  MP3("audio/mpeg", List.of("-c:a", "libmp3lame", "-b:a", "128k", "-write_xing", "0", "-f", "mp3")),
  OPUS("audio/opus", List.of("-c:a", "libopus", "-b:a", "64k", "-page_duration", "100000", "-f", "ogg")),
  AAC("audio/aac", List.of("-c:a", "aac", "-b:a", "128k", "-f", "adts")),
  FLAC("audio/flac", List.of("-c:a", "flac", "-f", "flac")),
  /** RIFF WAV whose size fields say "unknown length" (0xFFFFFFFF), as streamed WAV must. */
  WAV("audio/wav", List.of()),
  /** Raw 16-bit signed little-endian mono PCM, no header. */
  PCM("audio/pcm", List.of());

  private final String contentType;
  private final List<String> ffmpegArguments;

  SpeechFormat(String contentType, List<String> ffmpegArguments) {
    this.contentType = contentType;
    this.ffmpegArguments = ffmpegArguments;
  }

  String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  String contentType() {
    return contentType;
  }

  /** Whether ffmpeg encodes this format (else it is written in Java). */
  boolean needsFfmpeg() {
    return !ffmpegArguments.isEmpty();
  }

  /** The ffmpeg command line that reads PCM s16le mono at {@code sampleRate} on stdin and writes this format. */
  List<String> ffmpegCommand(String ffmpeg, int sampleRate) {
    // Without the probe limits ffmpeg reads about two seconds of input before it writes anything.
    List<String> command = new ArrayList<>(List.of(ffmpeg, "-hide_banner", "-nostdin", "-loglevel", "error",
        "-probesize", "32", "-analyzeduration", "0",
        "-f", "s16le", "-ar", Integer.toString(sampleRate), "-ac", "1", "-i", "pipe:0"));
    command.addAll(ffmpegArguments);
    command.addAll(List.of("-flush_packets", "1", "pipe:1"));
    return command;
  }

  /** The format with this wire name, or null. */
  static SpeechFormat parse(String wire) {
    for (SpeechFormat format : values()) {
      if (format.wire().equals(wire)) {
        return format;
      }
    }
    return null;
  }
}
