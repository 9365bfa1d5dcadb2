package com.ervc.audio;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Turns an uploaded audio file into samples. WAV is decoded here; mp3, ogg (Vorbis or Opus), webm, flac and m4a go
 * through {@code ffmpeg} when it is installed, and are refused with the fix named when it is not. Anything else is
 * refused as not audio. Blocking (ffmpeg runs as a child process): call it off the event loop.
 */
public final class AudioFileDecoder {
  private static final long FFMPEG_TIMEOUT_SECONDS = 60;
  private final String ffmpeg;

  /** {@code ffmpeg}: the program to run, a name looked up on the PATH or a path. */
  public AudioFileDecoder(String ffmpeg) {
    this.ffmpeg = ffmpeg;
  }

  /** What the first bytes say a file is: wav, mp3, ogg, webm, flac, m4a, or null when none of these. */
  static String sniff(byte[] file) {
    if (starts(file, 0, "RIFF") && starts(file, 8, "WAVE")) {
      return "wav";
    }
    if (starts(file, 0, "ID3") || file.length > 1 && (file[0] & 0xFF) == 0xFF && (file[1] & 0xE0) == 0xE0) {
      return "mp3";
    }
    if (starts(file, 0, "OggS")) {
      return "ogg";
    }
    if (file.length >= 4 && (file[0] & 0xFF) == 0x1A && (file[1] & 0xFF) == 0x45 && (file[2] & 0xFF) == 0xDF
        && (file[3] & 0xFF) == 0xA3) {
      return "webm";
    }
    if (starts(file, 0, "fLaC")) {
      return "flac";
    }
    return starts(file, 4, "ftyp") ? "m4a" : null;
  }

  private static boolean starts(byte[] file, int offset, String magic) {
    byte[] bytes = magic.getBytes(StandardCharsets.US_ASCII);
    if (file.length < offset + bytes.length) {
      return false;
    }
    for (int i = 0; i < bytes.length; i++) {
      if (file[offset + i] != bytes[i]) {
        return false;
      }
    }
    return true;
  }

  /** @throws IllegalArgumentException with a sentence for the uploader when the file cannot be decoded */
  public SampledAudio decode(byte[] file) {
    String kind = sniff(file);
    if (kind == null) {
      throw new IllegalArgumentException("not an audio file: expected WAV, mp3, ogg, webm, flac or m4a");
    }
    if (kind.equals("wav")) {
      return WavCodec.decodeSamples(file, true);
    }
    return WavCodec.decodeSamples(viaFfmpeg(kind, file), false);
  }

  private byte[] viaFfmpeg(String kind, byte[] file) {
    Process process;
    try {
      // 32-bit float WAV keeps the original rate, channels and level for the analysis.
      process = new ProcessBuilder(List.of(ffmpeg, "-hide_banner", "-loglevel", "error", "-i", "pipe:0",
          "-vn", "-f", "wav", "-c:a", "pcm_f32le", "pipe:1")).start();
    } catch (IOException e) {
      throw new IllegalArgumentException("this " + kind + " file needs ffmpeg to decode, and ffmpeg (" + ffmpeg
          + ") is not installed on this node: install the Debian package ffmpeg, or upload WAV");
    }
    CompletableFuture<Void> feed = CompletableFuture.runAsync(() -> {
      try (OutputStream in = process.getOutputStream()) {
        in.write(file);
      } catch (IOException e) {
        // ffmpeg stopped reading: it failed, and its exit status and message say why.
      }
    });
    CompletableFuture<byte[]> errors = CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()));
    byte[] wav = readAll(process.getInputStream());
    try {
      if (!process.waitFor(FFMPEG_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalArgumentException("ffmpeg took longer than " + FFMPEG_TIMEOUT_SECONDS + " s to decode this "
            + kind + " file");
      }
      feed.join();
      if (process.exitValue() != 0) {
        throw new IllegalArgumentException("ffmpeg cannot decode this " + kind + " file: "
            + new String(errors.join(), StandardCharsets.UTF_8).strip());
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while ffmpeg decoded a " + kind + " file", e);
    }
    return wav;
  }

  private static byte[] readAll(InputStream stream) {
    try (stream) {
      return stream.readAllBytes();
    } catch (IOException e) {
      return new byte[0];
    }
  }
}
