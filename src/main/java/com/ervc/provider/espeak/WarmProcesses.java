package com.ervc.provider.espeak;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * espeak-ng processes started ahead, each waiting on its standard input for the text of the next sentence with the
 * same command line (voice, speed, pitch, amplitude). Most of a short sentence's time to first audio is espeak-ng
 * starting (the process, then its phoneme and voice data), not synthesizing (docs/providers/espeak.md): a process
 * taken from here only has to synthesize. After each sentence the next process for its command line is started on a
 * thread of its own, so the sentence does not wait for it.
 * <p>
 * At most {@code capacity} processes wait; the oldest is killed to make room. A waiting process holds no work and
 * ends by itself when this JVM dies (its standard input closes). Thread-safe.
 */
final class WarmProcesses implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WarmProcesses.class);

  private record Waiting(List<String> command, Process process) {
  }

  private final int capacity;
  /** Oldest first. */
  private final Deque<Waiting> waiting = new ArrayDeque<>();
  private final ExecutorService starter;
  private final AtomicLong taken = new AtomicLong();
  private boolean closed;

  WarmProcesses(int capacity) {
    this.capacity = capacity;
    this.starter = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "espeak-prestart");
      t.setDaemon(true);
      return t;
    });
  }

  /** A started process for {@code command}, still waiting for its input, or null when there is none. */
  synchronized Process take(List<String> command) {
    for (Iterator<Waiting> it = waiting.descendingIterator(); it.hasNext(); ) {
      Waiting w = it.next();
      if (w.command().equals(command)) {
        it.remove();
        if (w.process().isAlive()) {
          taken.incrementAndGet();
          return w.process();
        }
      }
    }
    return null;
  }

  /** Starts, in the background, a process for {@code command} for the next sentence that uses it. */
  void prepare(List<String> command) {
    if (capacity == 0) {
      return;
    }
    try {
      starter.execute(() -> {
        Process process;
        try {
          process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
          LOG.debug("could not start espeak-ng ahead: {}", e.getMessage());
          return;
        }
        add(new Waiting(command, process));
      });
    } catch (RejectedExecutionException closing) {
      // closed meanwhile: nothing to prepare for
    }
  }

  private void add(Waiting started) {
    Waiting dropped = null;
    synchronized (this) {
      if (closed) {
        dropped = started;
      } else {
        waiting.addLast(started);
        if (waiting.size() > capacity) {
          dropped = waiting.removeFirst();
        }
      }
    }
    if (dropped != null) {
      dropped.process().destroyForcibly();
    }
  }

  /** Processes taken instead of started for a sentence, since this was created. */
  long taken() {
    return taken.get();
  }

  /** Processes waiting now. */
  synchronized int waiting() {
    return waiting.size();
  }

  /** Kills every waiting process; nothing is started ahead any more. */
  @Override
  public void close() {
    List<Waiting> left;
    synchronized (this) {
      closed = true;
      left = List.copyOf(waiting);
      waiting.clear();
    }
    starter.shutdownNow();
    left.forEach(w -> w.process().destroyForcibly());
  }
}
