package com.ervc.provider.espeak;

import com.ervc.audio.Pcm16;
import com.ervc.audio.Resampler;
import com.ervc.audio.WavAudio;
import com.ervc.audio.WavCodec;
import com.ervc.protocol.Emotion;
import com.ervc.protocol.ErrorCode;
import com.ervc.protocol.ProviderInfo.Voice;
import com.ervc.protocol.SpeechException;
import com.ervc.protocol.TtsRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs the espeak-ng binary. Every method blocks (process I/O), so callers run it on a worker thread.
 */
public final class EspeakSynthesizer {
  /** Kills runs that overstay their timeout; a blocked read cannot time out by itself. */
  private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "espeak-watchdog");
    t.setDaemon(true);
    return t;
  });

  private static final long EXIT_GRACE_MS = 1000;

  private final String binary;
  private final long timeoutMs;
  private final boolean emotions;

  public EspeakSynthesizer(String binary, long timeoutMs, boolean emotions) {
    this.binary = binary;
    this.timeoutMs = timeoutMs;
    this.emotions = emotions;
  }

  /** The version line; throws IllegalStateException with a clear message when the binary cannot run. */
  public String version() {
    return new String(run(List.of(binary, "--version"), null), StandardCharsets.UTF_8).trim();
  }

  public List<Voice> voices() {
    return EspeakVoices.parse(new String(run(List.of(binary, "--voices"), null), StandardCharsets.UTF_8));
  }

  /** The variants a voice can be designed with ({@code <voice>+<variant>}). */
  public List<String> variants() {
    return EspeakVoices.parseVariants(new String(run(List.of(binary, "--voices=variant"), null),
        StandardCharsets.UTF_8));
  }

  /** IPA phonemes of {@code text}, one line per clause (punctuation dropped), as neural voices consume them. */
  public List<String> ipa(String voice, String text) {
    String out = new String(run(List.of(binary, "-q", "--ipa", "-v", voice, "--stdin"),
        text.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
    return out.lines().filter(line -> !line.isBlank()).toList();
  }

  /** Synthesizes one sentence to PCM s16le mono at {@code request.sampleRate()}. */
  public byte[] synthesize(TtsRequest request) {
    byte[] wav = run(command(request), request.text().getBytes(StandardCharsets.UTF_8));
    WavAudio audio;
    try {
      audio = WavCodec.decode(wav);
    } catch (IllegalArgumentException e) {
      throw new SpeechException(ErrorCode.INTERNAL, "espeak-ng produced no valid audio: " + e.getMessage());
    }
    short[] samples = Pcm16.fromLittleEndian(audio.pcm());
    return Pcm16.toLittleEndian(Resampler.resample(samples, audio.sampleRate(), request.sampleRate()));
  }

  List<String> command(TtsRequest request) {
    EspeakProsody prosody = emotions
        ? EspeakProsody.of(request.emotion(), request.intensity(), request.speed(), request.pitch())
        : EspeakProsody.of(Emotion.NEUTRAL, 0, request.speed(), request.pitch());
    // espeak-ng takes one variant: an emotion's (whisper) takes the place of a designed voice's own.
    String voice = prosody.variant() == null ? request.voice()
        : request.voice().replaceFirst("\\+.*", "") + "+" + prosody.variant();
    List<String> cmd = new ArrayList<>(List.of(binary, "--stdout", "-b", "1", "-v", voice,
        "-s", Integer.toString(prosody.wordsPerMinute()),
        "-p", Integer.toString(prosody.pitch()),
        "-a", Integer.toString(prosody.amplitude())));
    // Text goes through stdin so nothing in it can be read as an option.
    cmd.add("--stdin");
    return cmd;
  }

  private byte[] run(List<String> command, byte[] stdin) {
    Process process;
    try {
      process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot run '" + binary + "' (" + e.getMessage()
          + "); install it with: apt-get install espeak-ng", e);
    }
    ScheduledFuture<?> watchdog = WATCHDOG.schedule(process::destroyForcibly, timeoutMs, TimeUnit.MILLISECONDS);
    try (OutputStream in = process.getOutputStream(); InputStream out = process.getInputStream()) {
      if (stdin != null) {
        in.write(stdin);
      }
      in.close();
      byte[] output = out.readAllBytes();
      int status = process.waitFor();
      if (watchdog.isDone()) {
        throw new SpeechException(ErrorCode.INTERNAL, "espeak-ng did not finish within " + timeoutMs + " ms");
      }
      if (status != 0) {
        throw new SpeechException(ErrorCode.INTERNAL, "espeak-ng exited with status " + status);
      }
      return output;
    } catch (IOException e) {
      throw new SpeechException(ErrorCode.INTERNAL, failedExit(process).orElse("espeak-ng I/O failed: " + e.getMessage()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SpeechException(ErrorCode.INTERNAL, "interrupted while waiting for espeak-ng");
    } finally {
      watchdog.cancel(false);
      process.destroyForcibly();
    }
  }

  /**
   * A process that exits before reading its input breaks the pipe we write to; its exit status, not the broken
   * pipe, is what an operator needs to see. Waits briefly, since the pipe can break just before the exit.
   */
  private static Optional<String> failedExit(Process process) {
    try {
      if (process.waitFor(EXIT_GRACE_MS, TimeUnit.MILLISECONDS) && process.exitValue() != 0) {
        return Optional.of("espeak-ng exited with status " + process.exitValue());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return Optional.empty();
  }
}
