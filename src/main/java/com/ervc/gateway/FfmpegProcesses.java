package com.ervc.gateway;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;

/**
 * Started encoder processes, one kept ready per command line once that command has been used: starting ffmpeg takes
 * 0.1-0.2 s, longer than the pipeline needs for its first audio, so a request takes the ready process and a new one
 * is started for the next request in the background. An idle process only waits on its stdin.
 */
final class FfmpegProcesses {
  private final ExecutorService io;
  private final Map<List<String>, Process> ready = new ConcurrentHashMap<>();
  private volatile boolean closed;

  FfmpegProcesses(ExecutorService io) {
    this.io = io;
  }

  ExecutorService io() {
    return io;
  }

  /**
   * A started process for {@code command}: the ready one if it is still alive, else a new one. Blocks while starting
   * one, so it runs on an {@link #io()} thread.
   *
   * @throws IOException when the command cannot be run
   */
  Process take(List<String> command) throws IOException {
    Process spare = ready.remove(command);
    Process process = spare != null && spare.isAlive() ? spare : new ProcessBuilder(command).start();
    io.execute(() -> prepare(command));
    return process;
  }

  private void prepare(List<String> command) {
    if (closed || ready.containsKey(command)) {
      return;
    }
    try {
      Process process = new ProcessBuilder(command).start();
      // Checked again after the put: a close() that ran between the check and the put did not see this process.
      if (ready.putIfAbsent(command, process) != null || closed) {
        ready.remove(command, process);
        process.destroyForcibly();
      }
    } catch (IOException e) {
      // The request that takes it next starts its own and reports the failure.
    }
  }

  /** Whether a process for {@code command} is ready to be taken. */
  boolean hasReady(List<String> command) {
    return ready.containsKey(command);
  }

  /** Ends the ready processes; none is started after this. */
  void close() {
    closed = true;
    ready.values().forEach(Process::destroyForcibly);
    ready.clear();
  }
}
