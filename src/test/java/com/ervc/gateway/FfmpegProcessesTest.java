package com.ervc.gateway;

import com.ervc.testing.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** With {@code cat} standing in for ffmpeg: a real process that waits on its stdin like an idle encoder. */
class FfmpegProcessesTest {
  private static final List<String> COMMAND = List.of("cat");
  private final ExecutorService io = Executors.newCachedThreadPool();
  private final FfmpegProcesses processes = new FfmpegProcesses(io);

  @AfterEach
  void stop() {
    processes.close();
    io.shutdownNow();
  }

  /** The pids of the live cat processes this JVM started. */
  private static List<Long> cats() {
    return ProcessHandle.current().children().filter(ProcessHandle::isAlive)
        .filter(p -> p.info().command().map(c -> c.endsWith("/cat")).orElse(false)).map(ProcessHandle::pid).toList();
  }

  @Test
  void aTakenProcessIsReplacedAndTheReplacementIsTakenNext() throws Exception {
    Process first = processes.take(COMMAND);
    // Ready once handed to the pool, not as soon as it runs (it is started before it is put there).
    Await.until("a ready process besides the taken one", Duration.ofSeconds(10),
        () -> processes.hasReady(COMMAND) && cats().size() == 2);
    long ready = cats().stream().filter(pid -> pid != first.pid()).findFirst().orElseThrow();
    Process second = processes.take(COMMAND);
    assertEquals(ready, second.pid(), "the ready process is handed out");
    assertNotEquals(first.pid(), second.pid());
    first.destroyForcibly();
    second.destroyForcibly();
  }

  @Test
  void closingEndsTheReadyProcess() throws Exception {
    processes.take(COMMAND).destroyForcibly();
    Await.until("a ready process", Duration.ofSeconds(10), () -> cats().size() == 1);
    ProcessHandle ready = ProcessHandle.of(cats().get(0)).orElseThrow();
    processes.close();
    ready.onExit().get();
    assertFalse(ready.isAlive());
  }

  @Test
  void aCommandThatCannotRunFailsAtTake() {
    assertThrows(IOException.class, () -> processes.take(List.of("/nonexistent/ffmpeg")));
    assertTrue(cats().isEmpty());
  }
}
