package com.ervc.gateway;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;

/**
 * Encodes through an ffmpeg subprocess: PCM goes to its stdin, encoded bytes come from its stdout as ffmpeg emits
 * them. Two threads of the shared I/O pool do the blocking pipe work (one writes, one reads); results come back
 * to the request's context. The process usually was started before the request ({@link FfmpegProcesses}).
 */
final class FfmpegEncoder implements AudioEncoder {
  private static final int READ_BYTES = 8192;
  /** The queue's end-of-input marker. */
  private static final Chunk END = new Chunk(null, null);

  private record Chunk(byte[] pcm, Promise<Void> taken) {
  }

  private final Context context;
  private final Process process;
  private final Output output;
  private final Consumer<String> failures;
  private final BlockingQueue<Chunk> input = new LinkedBlockingQueue<>();
  private volatile boolean aborted;

  private FfmpegEncoder(Context context, Process process, Output output, Consumer<String> failures) {
    this.context = context;
    this.process = process;
    this.output = output;
    this.failures = failures;
  }

  /**
   * Starts ffmpeg on a pool thread. Fails with an {@link IOException} when the command cannot be run (not
   * installed), before any output exists, so the caller can still answer with an error. {@code failures} hears of
   * every process that fails after it started: {@code exit} (a non-zero exit) or {@code io} (its output broke off).
   */
  static Future<AudioEncoder> start(Context context, FfmpegProcesses processes, List<String> command, Output output,
                                    Consumer<String> failures) {
    Promise<AudioEncoder> started = Promise.promise();
    ExecutorService io = processes.io();
    io.execute(() -> {
      try {
        Process process = processes.take(command);
        FfmpegEncoder encoder = new FfmpegEncoder(context, process, output, failures);
        io.execute(encoder::pumpInput);
        io.execute(encoder::pumpOutput);
        context.runOnContext(v -> started.complete(encoder));
      } catch (IOException e) {
        context.runOnContext(v -> started.fail(e));
      }
    });
    return started.future();
  }

  @Override
  public Future<Void> write(Buffer pcm) {
    Promise<Void> taken = Promise.promise();
    input.add(new Chunk(pcm.getBytes(), taken));
    return taken.future();
  }

  @Override
  public void finish() {
    input.add(END);
  }

  @Override
  public void abort() {
    aborted = true;
    input.clear();
    input.add(END);
    process.destroyForcibly();
  }

  private void pumpInput() {
    try (OutputStream stdin = process.getOutputStream()) {
      for (Chunk chunk = input.take(); chunk != END; chunk = input.take()) {
        stdin.write(chunk.pcm());
        stdin.flush();
        Promise<Void> taken = chunk.taken();
        context.runOnContext(v -> taken.tryComplete());
      }
    } catch (IOException | InterruptedException e) {
      // ffmpeg died or was aborted; pumpOutput sees its exit and reports it.
      process.destroyForcibly();
      input.forEach(chunk -> {
        if (chunk.taken() != null) {
          context.runOnContext(v -> chunk.taken().tryFail("ffmpeg stopped"));
        }
      });
    }
  }

  private void pumpOutput() {
    try (InputStream stdout = process.getInputStream(); InputStream stderr = process.getErrorStream()) {
      byte[] block = new byte[READ_BYTES];
      for (int n = stdout.read(block); n >= 0; n = stdout.read(block)) {
        Buffer encoded = Buffer.buffer(n).appendBytes(block, 0, n);
        context.runOnContext(v -> {
          if (!aborted) {
            output.data(encoded);
          }
        });
      }
      String errors = new String(stderr.readAllBytes(), StandardCharsets.UTF_8).trim();
      int exit = process.waitFor();
      context.runOnContext(v -> {
        if (aborted) {
          return;
        }
        if (exit == 0) {
          output.end();
        } else {
          failures.accept("exit");
          output.failed("ffmpeg exited with " + exit + (errors.isEmpty() ? "" : ": " + errors));
        }
      });
    } catch (IOException | InterruptedException e) {
      context.runOnContext(v -> {
        if (!aborted) {
          failures.accept("io");
          output.failed("reading from ffmpeg failed: " + e.getMessage());
        }
      });
    }
  }
}
