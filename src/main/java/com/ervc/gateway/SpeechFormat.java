package com.ervc.gateway;

import com.ervc.audio.FlacEncoder;
import com.ervc.audio.Mp3Encoder;
import com.ervc.audio.OggOpusEncoder;
import com.ervc.audio.StreamEncoder;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.IntFunction;

/**
 * The {@code response_format}s of {@code POST /v1/audio/speech}. {@code wav} and {@code pcm} are written directly,
 * {@code mp3}, {@code opus} and {@code flac} by Java encoders, and {@code aac}, for which no Java encoder exists, by
 * an ffmpeg subprocess with the arguments here.
 */
enum SpeechFormat {
  /** 128 kbit/s constant bitrate, no Xing/LAME info frame (it would need seeking back). */
  MP3("audio/mpeg", rate -> new Mp3Encoder(rate, 128), List.of()),
  /** Opus in Ogg, 64 kbit/s, one Ogg page per pipeline chunk. */
  OPUS("audio/opus", rate -> new OggOpusEncoder(rate, 64_000), List.of()),
  AAC("audio/aac", null, List.of("-c:a", "aac", "-b:a", "128k", "-f", "adts")),
  FLAC("audio/flac", FlacEncoder::new, List.of()),
  /** RIFF WAV whose size fields say "unknown length" (0xFFFFFFFF), as streamed WAV must. */
  WAV("audio/wav", null, List.of()),
  /** Raw 16-bit signed little-endian mono PCM, no header. */
  PCM("audio/pcm", null, List.of());

  private final String contentType;
  private final IntFunction<StreamEncoder> javaEncoder;
  private final List<String> ffmpegArguments;

  SpeechFormat(String contentType, IntFunction<StreamEncoder> javaEncoder, List<String> ffmpegArguments) {
    this.contentType = contentType;
    this.javaEncoder = javaEncoder;
    this.ffmpegArguments = ffmpegArguments;
  }

  String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  String contentType() {
    return contentType;
  }

  /** Whether a Java encoder writes this format ({@link #javaEncoder}). */
  boolean hasJavaEncoder() {
    return javaEncoder != null;
  }

  /** A new encoder of this format for mono PCM at {@code sampleRate}. */
  StreamEncoder javaEncoder(int sampleRate) {
    return javaEncoder.apply(sampleRate);
  }

  /** Whether ffmpeg encodes this format. */
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
