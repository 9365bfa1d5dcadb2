package com.ervc.provider.espeak;

import com.ervc.audio.Pcm16;
import com.ervc.audio.StreamingResampler;
import com.ervc.audio.WavStreamReader;
import com.ervc.protocol.Emotion;
import com.ervc.protocol.ErrorCode;
import com.ervc.protocol.ProviderInfo.Voice;
import com.ervc.protocol.SpeechException;
import com.ervc.protocol.TtsRequest;
import java.io.ByteArrayOutputStream;
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
 * Runs the espeak-ng binary. Every method blocks (process I/O), so callers run it on a worker thread. Sentences are
 * synthesized by processes started ahead when it keeps some ({@link WarmProcesses}); {@link #close} kills those.
 */
public final class EspeakSynthesizer implements AutoCloseable {
  /** Kills runs that overstay their timeout; a blocked read cannot time out by itself. */
  private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "espeak-watchdog");
    t.setDaemon(true);
    return t;
  });

  /**
   * How long to wait for a process that has ended or was killed to be reaped. A wait returns as soon as it is: the
   * bound matters only on a starved machine, where the JDK's reaper thread may run late (1 s was not enough there).
   */
  private static final long EXIT_GRACE_MS = 5000;
  /** espeak-ng writes its standard output in 4 KiB blocks; a read takes what has arrived, up to this. */
  private static final int READ_BYTES = 16 * 1024;

  private final String binary;
  private final long timeoutMs;
  private final boolean emotions;
  private final WarmProcesses warm;

  /** Starts every process when it is needed (phonemes for neural voices, short runs). */
  public EspeakSynthesizer(String binary, long timeoutMs, boolean emotions) {
    this(binary, timeoutMs, emotions, 0);
  }

  /** @param warmProcesses the most processes kept started ahead for sentences ({@link WarmProcesses}); 0: none */
  public EspeakSynthesizer(String binary, long timeoutMs, boolean emotions, int warmProcesses) {
    this.binary = binary;
    this.timeoutMs = timeoutMs;
    this.emotions = emotions;
    this.warm = new WarmProcesses(warmProcesses);
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

  /**
   * Where {@link #synthesize} hands a sentence's audio, piece by piece as espeak-ng writes it. It may block as long as
   * its consumer needs: espeak-ng then waits on its full output pipe, so a slow consumer slows synthesis down
   * instead of piling up audio. Throwing stops the run and kills the process.
   */
  @FunctionalInterface
  public interface Pieces {
    void accept(byte[] pcm);
  }

  /**
   * Synthesizes one sentence to PCM s16le mono at {@code request.sampleRate()}, handed to {@code pieces} as espeak-ng
   * produces it (each piece resampled as it arrives, so the pieces together are exactly the whole sentence resampled
   * at once). A failure of {@code pieces} is rethrown as it is, after the process is killed.
   */
  public void synthesize(TtsRequest request, Pieces pieces) {
    List<String> command = command(request);
    Process started = warm.take(command);
    try {
      runSentence(started != null ? started : start(command), request, pieces);
    } finally {
      // Only now: a process starting next to this sentence's would slow its first audio down on a busy machine.
      warm.prepare(command);
    }
  }

  private void runSentence(Process process, TtsRequest request, Pieces pieces) {
    WavStreamReader wav = new WavStreamReader();
    StreamingResampler[] resampler = {null};
    run(process, request.text().getBytes(StandardCharsets.UTF_8), (bytes, length) -> {
      byte[] pcm = decoded(() -> wav.push(bytes, length));
      if (resampler[0] == null && wav.started()) {
        if (wav.channels() != 1) {
          throw new SpeechException(ErrorCode.INTERNAL, "espeak-ng produced " + wav.channels() + " channels, not 1");
        }
        resampler[0] = new StreamingResampler(wav.sampleRate(), request.sampleRate());
      }
      if (pcm.length > 0) {
        forward(resampler[0].push(Pcm16.fromLittleEndian(pcm)), pieces);
      }
    });
    decoded(() -> {
      wav.finish();
      return null;
    });
    forward(resampler[0].finish(), pieces);
  }

  private static void forward(short[] samples, Pieces pieces) {
    if (samples.length > 0) {
      pieces.accept(Pcm16.toLittleEndian(samples));
    }
  }

  private static <T> T decoded(java.util.function.Supplier<T> step) {
    try {
      return step.get();
    } catch (IllegalArgumentException e) {
      throw new SpeechException(ErrorCode.INTERNAL, "espeak-ng produced no valid audio: " + e.getMessage());
    }
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

  /** The whole standard output of a short run. */
  private byte[] run(List<String> command, byte[] stdin) {
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    run(start(command), stdin, (bytes, length) -> output.write(bytes, 0, length));
    return output.toByteArray();
  }

  private Process start(List<String> command) {
    try {
      return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot run '" + binary + "' (" + e.getMessage()
          + "); install it with: apt-get install espeak-ng", e);
    }
  }

  /** Sentences whose process was started ahead instead of for them, since this was created. */
  long warmStarts() {
    return warm.taken();
  }

  /** Processes started ahead and waiting now. */
  int warmProcesses() {
    return warm.waiting();
  }

  /** Kills the processes started ahead; later sentences start their own. */
  @Override
  public void close() {
    warm.close();
  }

  /** What a run's standard output is handed to, as it is read; may block (the process waits meanwhile). */
  private interface Output {
    void accept(byte[] bytes, int length);
  }

  /**
   * Runs the started program {@code process}, handing its standard output to {@code output} as it is read. The
   * timeout counts the time spent waiting for the program's output, not the time {@code output} takes: a run held
   * back by a slow consumer is not killed for it. The process is killed and reaped whatever happens, so no run outlives this call.
   */
  private void run(Process process, byte[] stdin, Output output) {
    long waitedNs = 0;
    boolean timedOut = false;
    try (OutputStream in = process.getOutputStream(); InputStream out = process.getInputStream()) {
      if (stdin != null) {
        in.write(stdin);
      }
      in.close();
      byte[] buffer = new byte[READ_BYTES];
      while (true) {
        long left = TimeUnit.MILLISECONDS.toNanos(timeoutMs) - waitedNs;
        long readStart = System.nanoTime();
        ScheduledFuture<?> watchdog = WATCHDOG.schedule(process::destroyForcibly, Math.max(0, left),
            TimeUnit.NANOSECONDS);
        int read;
        try {
          read = out.read(buffer);
        } finally {
          watchdog.cancel(false);
          waitedNs += System.nanoTime() - readStart;
          timedOut = watchdog.isDone() && !watchdog.isCancelled();
        }
        if (timedOut) {
          throw new SpeechException(ErrorCode.INTERNAL, "espeak-ng did not finish within " + timeoutMs + " ms");
        }
        if (read < 0) {
          break;
        }
        output.accept(buffer, read);
      }
      int status = process.waitFor();
      if (status != 0) {
        throw new SpeechException(ErrorCode.INTERNAL, "espeak-ng exited with status " + status);
      }
    } catch (IOException e) {
      if (timedOut) {
        throw new SpeechException(ErrorCode.INTERNAL, "espeak-ng did not finish within " + timeoutMs + " ms");
      }
      throw new SpeechException(ErrorCode.INTERNAL, failedExit(process).orElse("espeak-ng I/O failed: " + e.getMessage()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SpeechException(ErrorCode.INTERNAL, "interrupted while waiting for espeak-ng");
    } finally {
      killAndReap(process);
    }
  }

  /** Kills the process if it still runs and waits (briefly) for it to be gone, so it leaves no zombie behind. */
  private static void killAndReap(Process process) {
    process.destroyForcibly();
    try {
      process.waitFor(EXIT_GRACE_MS, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
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
