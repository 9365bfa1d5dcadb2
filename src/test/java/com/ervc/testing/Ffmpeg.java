package com.ervc.testing;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Debian's ffprobe/ffmpeg as independent decoders of audio the service sent. */
public final class Ffmpeg {
  private Ffmpeg() {
  }

  public static boolean present() {
    try {
      return new ProcessBuilder("ffprobe", "-version").redirectErrorStream(true).start().waitFor() == 0;
    } catch (Exception e) {
      return false;
    }
  }

  /** codec_name, sample_rate and channels of the first audio stream. */
  public static Map<String, String> probe(Path file) throws Exception {
    Process process = new ProcessBuilder("ffprobe", "-v", "error", "-select_streams", "a:0", "-show_entries",
        "stream=codec_name,sample_rate,channels", "-of", "default=noprint_wrappers=1", file.toString())
        .redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (process.waitFor() != 0) {
      throw new IllegalStateException("ffprobe failed on " + file + ": " + out);
    }
    Map<String, String> fields = new HashMap<>();
    out.lines().map(l -> l.split("=", 2)).filter(kv -> kv.length == 2).forEach(kv -> fields.put(kv[0], kv[1]));
    return fields;
  }

  /** The file decoded to PCM s16le mono at {@code rate}. */
  public static byte[] decodeToPcm(Path file, int rate) throws Exception {
    Process process = new ProcessBuilder("ffmpeg", "-v", "error", "-i", file.toString(), "-f", "s16le", "-ar",
        String.valueOf(rate), "-ac", "1", "pipe:1").redirectError(ProcessBuilder.Redirect.DISCARD).start();
    byte[] pcm = process.getInputStream().readAllBytes();
    if (process.waitFor() != 0) {
      throw new IllegalStateException("ffmpeg could not decode " + file);
    }
    return pcm;
  }
}
