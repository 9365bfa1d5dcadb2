package com.ervc.eval;

import com.ervc.audio.Pcm16;
import com.ervc.audio.Resampler;
import com.ervc.audio.WavCodec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Any command-line recogniser (whisper.cpp's {@code whisper-cli -nt}, {@code vosk-transcriber}, a wrapper script):
 * the clip is resampled to {@code sampleRate} and written to a temporary 16-bit mono WAV, the command runs with
 * every {@code {wav}} argument replaced by that file's path, and its standard output, lines joined by spaces, is
 * the transcript. A non-zero exit or a run longer than two minutes is an error naming the command and the end of
 * its standard error.
 */
public final class CommandTranscriber implements Transcriber {
  /** The argument the WAV file's path replaces. */
  public static final String WAV = "{wav}";
  private static final long TIMEOUT_SECONDS = 120;
  private static final int STDERR_TAIL = 300;

  private final List<String> command;
  private final String language;
  private final int sampleRate;
  private final String name;

  /**
   * @param command the executable and its arguments, one of them {@value #WAV}
   * @param language the primary language subtag it recognises, e.g. "en"
   * @param sampleRate the rate the recogniser wants, e.g. 16000
   */
  public CommandTranscriber(List<String> command, String language, int sampleRate, String name) {
    if (command.isEmpty() || !command.contains(WAV)) {
      throw new IllegalArgumentException("a recogniser command needs an argument " + WAV
          + " for the audio file, e.g. 'whisper-cli -m ggml-base.en.bin -nt -f " + WAV + "': " + command);
    }
    if (sampleRate < 8_000 || sampleRate > 48_000) {
      throw new IllegalArgumentException("a recogniser's sample rate must be 8000 to 48000 Hz: " + sampleRate);
    }
    this.command = List.copyOf(command);
    this.language = language;
    this.sampleRate = sampleRate;
    this.name = name;
  }

  /** A command line split at white space (no shell quoting: put anything more in a wrapper script). */
  public static CommandTranscriber of(String commandLine, String language, int sampleRate) {
    List<String> words = Arrays.stream(commandLine.strip().split("\\s+")).filter(w -> !w.isEmpty()).toList();
    return new CommandTranscriber(words, language, sampleRate, "command (" + String.join(" ", words) + ")");
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String language() {
    return language;
  }

  @Override
  public String transcribe(short[] pcm, int rate) throws IOException, InterruptedException {
    Path wav = Files.createTempFile("ervc-eval-", ".wav");
    Path out = Files.createTempFile("ervc-eval-", ".txt");
    Path err = Files.createTempFile("ervc-eval-", ".err");
    try {
      short[] audio = rate == sampleRate ? pcm : Resampler.resample(pcm, rate, sampleRate);
      Files.write(wav, WavCodec.encode(Pcm16.toLittleEndian(audio), sampleRate, 1));
      List<String> args = command.stream().map(a -> a.equals(WAV) ? wav.toString() : a).toList();
      // Output to files, so a recogniser that hangs cannot block this thread past the timeout.
      Process process = new ProcessBuilder(args).redirectError(err.toFile()).redirectOutput(out.toFile()).start();
      process.getOutputStream().close();
      try {
        if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          throw new IOException(command.get(0) + " ran longer than " + TIMEOUT_SECONDS + " s");
        }
      } catch (InterruptedException e) {
        process.destroyForcibly(); // a cancelled evaluation leaves no recogniser behind
        throw e;
      }
      if (process.exitValue() != 0) {
        String stderr = Files.readString(err, StandardCharsets.UTF_8).strip();
        throw new IOException(command.get(0) + " exited with " + process.exitValue()
            + (stderr.isEmpty() ? "" : ": " + stderr.substring(Math.max(0, stderr.length() - STDERR_TAIL))));
      }
      return String.join(" ", Files.readString(out, StandardCharsets.UTF_8).strip().split("\\s+")).strip();
    } finally {
      Files.deleteIfExists(wav);
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }
}
