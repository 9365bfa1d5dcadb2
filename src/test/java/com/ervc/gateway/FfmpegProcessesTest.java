package com.ervc.gateway;

import com.ervc.testing.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

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
  void stop() throws Exception {
    processes.close();
    io.shutdownNow();
    // A killed cat counts among the live ones until it has exited and been reaped, and the next test counts cats:
    // wait for the background starts to finish (a cat started after close is killed there) and for every cat to end.
    assertTrue(io.awaitTermination(10, TimeUnit.SECONDS), "the background starts finished");
    Await.until(() -> "every cat of this test has ended: " + cats(), Duration.ofSeconds(10), () -> cats().isEmpty());
  }

  /** The pids of the live cat processes this JVM started. */
  private static List<Long> cats() {
    return ProcessHandle.current().children().filter(ProcessHandle::isAlive)
        .filter(p -> p.info().command().map(c -> c.endsWith("/cat")).orElse(false)).map(ProcessHandle::pid).toList();
  }

  private static List<Long> catsBesides(Process taken) {
    return cats().stream().filter(pid -> pid != taken.pid()).toList();
  }

  @Test
  void aTakenProcessIsReplacedAndTheReplacementIsTakenNext() throws Exception {
    Process first = processes.take(COMMAND);
    // Ready once handed to the pool, not as soon as it runs (it is started before it is put there).
    Await.until("a ready process besides the taken one", Duration.ofSeconds(10),
        () -> processes.hasReady(COMMAND) && cats().size() == 2);
    long ready = catsBesides(first).get(0);
    Process second = processes.take(COMMAND);
    assertEquals(ready, second.pid(), "the ready process is handed out");
    assertNotEquals(first.pid(), second.pid());
    first.destroyForcibly();
    second.destroyForcibly();
  }

  @Test
  void closingEndsTheReadyProcess() throws Exception {
    Process taken = processes.take(COMMAND);
    taken.destroyForcibly();
    // The killed process is alive until it has exited and been reaped, maybe longer than the replacement takes to
    // start (or before it starts): count the cats besides it, once one is handed to the pool.
    Await.until("a ready process besides the taken one", Duration.ofSeconds(10),
        () -> processes.hasReady(COMMAND) && catsBesides(taken).size() == 1);
    ProcessHandle ready = ProcessHandle.of(catsBesides(taken).get(0)).orElseThrow();
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
