package com.ervc.admin;

import com.ervc.eval.EvalMain;
import com.ervc.security.TokenService;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Evaluations started from the admin API (docs/evaluation.md#from-the-admin-api): one at a time per node, each a
 * bounded run of the evaluation command ({@link EvalMain}) against this node's own gateway, in a folder of its own;
 * its progress, log tail, {@code report.json} and {@code report.html} are served while it is kept (the last
 * {@link #KEPT}). Thread-safe; nothing here reads files, so the routes can call it on an event loop.
 */
final class Evaluations {
  private static final Logger LOG = LoggerFactory.getLogger(Evaluations.class);
  /** Corpus lines at most (the default is 5), and clips at most (the matrix times the lines). */
  static final int MAX_LINES = 40;
  static final int MAX_CLIPS = 200;
  static final int MAX_CONCURRENCY = 4;
  /** Finished runs kept with their folders; the oldest is deleted when a newer one finishes past this. */
  static final int KEPT = 5;
  static final long TOKEN_TTL_SECONDS = 3 * 3600;
  private static final int LOG_LINES = 40;
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.:-]{1,200}");
  private static final Set<String> KEYS = Set.of("confirm", "providers", "voices", "emotions", "tiers",
      "categories", "intensities", "limit", "recogniser", "concurrency");

  enum State { running, done, failed, cancelled }

  /** A request the API refuses, with its HTTP status. */
  static final class Refused extends RuntimeException {
    final int status;

    Refused(int status, String message) {
      super(message, null, false, false);
      this.status = status;
    }
  }

  /** One evaluation: what was asked, by whom, how far it is. Its fields change under the owner's lock. */
  private static final class Run {
    final String id;
    final String actor;
    final JsonObject options;
    final long startedMs;
    final Deque<String> log = new ArrayDeque<>();
    State state = State.running;
    int done;
    int total;
    long finishedMs;
    Integer exitStatus;
    /** Its folder, once the run made it. */
    Path dir;
    /** Whether its runner thread has taken it: until then a cancel ends it at once, for it will never start. */
    boolean started;
    Future<?> task;

    Run(String id, String actor, JsonObject options, long startedMs) {
      this.id = id;
      this.actor = actor;
      this.options = options;
      this.startedMs = startedMs;
    }
  }

  private final String nodeId;
  private final TokenService tokens;
  private final Supplier<URI> gateway;
  private final LongSupplier clock;
  /** The folder of the runs' folders: a private temporary directory, made by the first run. */
  private Path root;
  /** The runs kept, oldest first; the running one last. */
  private final Map<String, Run> runs = new LinkedHashMap<>();
  private final ExecutorService runner;

  /** @param gateway the URL of this node's gateway, which evaluations speak to; null while there is none */
  Evaluations(String nodeId, TokenService tokens, Supplier<URI> gateway, LongSupplier clock) {
    // A thread of its own rather than a Vert.x worker: a run takes minutes, and cancelling it interrupts the thread
    // (which stops its WebSocket workers and recogniser process).
    this(nodeId, tokens, gateway, clock, Executors.newSingleThreadExecutor(task -> {
      Thread thread = new Thread(task, "ervc-admin-evaluation");
      thread.setDaemon(true);
      return thread;
    }));
  }

  /** @param runner runs the evaluations, one at a time */
  Evaluations(String nodeId, TokenService tokens, Supplier<URI> gateway, LongSupplier clock, ExecutorService runner) {
    this.nodeId = nodeId;
    this.tokens = tokens;
    this.gateway = gateway;
    this.clock = clock;
    this.runner = runner;
  }

  /**
   * Starts an evaluation with the body's options; returns its status. Refused: 400 for a bad or unconfirmed body,
   * 409 while another runs on this node or without a gateway here, 503 when the node cannot sign its own tokens.
   */
  synchronized JsonObject start(String actor, JsonObject body) {
    if (!nodeId.equals(body.getValue("confirm"))) {
      throw new Refused(400, "confirm with the body {\"confirm\":\"" + nodeId + "\"} (this node's id)");
    }
    List<String> args = arguments(body);
    URI target = gateway.get();
    if (target == null) {
      throw new Refused(409, "this node has no gateway to evaluate: ask a node with the gateway role");
    }
    Run current = runs.values().stream().filter(r -> r.state == State.running).findFirst().orElse(null);
    if (current != null) {
      throw new Refused(409, "evaluation " + current.id + " is running on this node; wait for it or cancel it");
    }
    String id = UUID.randomUUID().toString();
    args.addAll(List.of("--url", target.toString(), "--max-clips", String.valueOf(MAX_CLIPS)));
    if (!tokens.devMode()) {
      try {
        String subject = "admin-evaluation-" + id;
        args.addAll(List.of("--token", tokens.mint(subject, TokenService.WEBSOCKET, TOKEN_TTL_SECONDS),
            "--api-token", tokens.mint(subject, TokenService.API, TOKEN_TTL_SECONDS)));
      } catch (RuntimeException e) {
        throw new Refused(503, "this node cannot sign tokens for its own evaluation client (it verifies with a "
            + "public key only); run scripts/evaluate.sh with tokens instead");
      }
    }
    Run run = new Run(id, actor, body.copy(), clock.getAsLong());
    run.options.remove("confirm");
    runs.put(id, run);
    run.task = runner.submit(() -> execute(run, args));
    return status(run);
  }

  /** The EvalMain arguments of the body's options (without target, tokens and folder); 400 for a bad one. */
  static List<String> arguments(JsonObject body) {
    List<String> unknown = body.fieldNames().stream().filter(k -> !KEYS.contains(k)).sorted().toList();
    if (!unknown.isEmpty()) {
      throw new Refused(400, "unknown fields " + unknown + "; see docs/evaluation.md#from-the-admin-api");
    }
    List<String> args = new ArrayList<>();
    for (String key : List.of("providers", "voices", "emotions", "tiers", "categories")) {
      List<String> names = names(body, key);
      if (!names.isEmpty()) {
        args.addAll(List.of("--" + key, String.join(",", names)));
      }
    }
    Object intensities = body.getValue("intensities");
    if (intensities != null) {
      if (!(intensities instanceof JsonArray list) || list.isEmpty() || list.size() > 4
          || list.stream().anyMatch(v -> !(v instanceof Number n) || !(n.doubleValue() >= 0 && n.doubleValue() <= 1))) {
        throw new Refused(400, "intensities is a list of 1 to 4 numbers from 0 to 1");
      }
      args.addAll(List.of("--intensities", String.join(",", list.stream().map(String::valueOf).toList())));
    }
    args.addAll(List.of("--limit", String.valueOf(integer(body, "limit", 5, MAX_LINES))));
    args.addAll(List.of("--concurrency", String.valueOf(integer(body, "concurrency", 2, MAX_CONCURRENCY))));
    Object recogniser = body.getValue("recogniser", "pocketsphinx");
    if (!"pocketsphinx".equals(recogniser) && !"none".equals(recogniser)) {
      throw new Refused(400, "recogniser is pocketsphinx or none");
    }
    args.addAll(List.of("--recogniser", (String) recogniser));
    return args;
  }

  private static List<String> names(JsonObject body, String key) {
    Object value = body.getValue(key);
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof JsonArray list) || list.size() > 16
        || list.stream().anyMatch(v -> !(v instanceof String s) || !NAME.matcher(s).matches())) {
      throw new Refused(400, key + " is a list of at most 16 names of letters, digits and _ . : -");
    }
    return list.stream().map(String.class::cast).toList();
  }

  private static int integer(JsonObject body, String key, int fallback, int max) {
    Object value = body.getValue(key, fallback);
    if (!(value instanceof Integer n) || n < 1 || n > max) {
      throw new Refused(400, key + " is a whole number from 1 to " + max);
    }
    return n;
  }

  private void execute(Run run, List<String> args) {
    synchronized (this) {
      if (run.state == State.cancelled) {
        return; // cancelled while it waited for the runner: cancel() has ended it
      }
      run.started = true;
    }
    PrintStream out = new PrintStream(new LineCapture(run), true, StandardCharsets.UTF_8);
    int status;
    try {
      Path dir = folder(run.id);
      List<String> all = new ArrayList<>(args);
      all.addAll(List.of("--out", dir.toString()));
      status = EvalMain.run(all.toArray(String[]::new), out, out, (done, total) -> {
        synchronized (this) {
          run.done = done;
          run.total = total;
        }
      });
    } catch (IOException | RuntimeException e) {
      LOG.warn("admin evaluation {} failed", run.id, e);
      out.println("eval: " + e);
      status = 2;
    }
    out.flush();
    synchronized (this) {
      if (run.state != State.cancelled) {
        run.state = status == 0 ? State.done : State.failed;
      }
      ended(run, status);
    }
  }

  /** Records the end of {@code run} (its state already set) with the runner's exit status. Under the lock. */
  private void ended(Run run, int status) {
    run.exitStatus = status;
    run.finishedMs = clock.getAsLong();
    LOG.info("admin evaluation {} by {} ended: {} (exit status {}, {} of {} clips)", run.id, run.actor, run.state,
        status, run.done, run.total);
    forgetOldRuns();
  }

  private synchronized Path folder(String id) throws IOException {
    if (root == null) {
      root = Files.createTempDirectory("ervc-admin-evaluations-");
    }
    runs.get(id).dir = root.resolve(id);
    return runs.get(id).dir;
  }

  /** Deletes the oldest finished runs beyond {@link #KEPT}. */
  private void forgetOldRuns() {
    List<Run> finished = runs.values().stream().filter(r -> r.state != State.running).toList();
    for (Run old : finished.subList(0, Math.max(0, finished.size() - KEPT))) {
      runs.remove(old.id);
      deleteQuietly(old.dir);
    }
  }

  private static void deleteQuietly(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException e) {
      LOG.warn("could not delete the evaluation folder {}: {}", dir, e.getMessage());
    }
  }

  /** Interrupts a running evaluation (404 unknown, 409 already finished); returns its status. */
  synchronized JsonObject cancel(String id) {
    Run run = find(id);
    if (run.state != State.running) {
      throw new Refused(409, "evaluation " + id + " has already ended: " + run.state);
    }
    run.state = State.cancelled;
    run.task.cancel(true);
    if (!run.started) {
      // Its task will never run, so nothing else would end it: it ends as an interrupted run does.
      run.log.addLast("eval: cancelled before it started");
      ended(run, 2);
    }
    return status(run);
  }

  /** The status of one run (404 unknown). */
  synchronized JsonObject status(String id) {
    return status(find(id));
  }

  /** Every kept run's status without its log, newest first. */
  synchronized JsonObject list() {
    List<Run> all = new ArrayList<>(runs.values());
    Collections.reverse(all);
    return new JsonObject().put("node", nodeId).put("evaluations", new JsonArray(all.stream().map(r -> {
      JsonObject s = status(r);
      s.remove("log");
      return s;
    }).toList()));
  }

  /**
   * A report file ({@code report.json} or {@code report.html}) of a run that has ended, for the caller to read without
   * blocking; it may be missing (the run ended before writing it). Empty while the run's runner is still at work
   * (cancelled runs too, until it stops) and when the run ended before making its folder; 404 unknown run.
   */
  synchronized Optional<Path> report(String id, String name) {
    Run run = find(id);
    return run.exitStatus == null || run.dir == null ? Optional.empty() : Optional.of(run.dir.resolve(name));
  }

  private Run find(String id) {
    Run run = runs.get(id);
    if (run == null) {
      throw new Refused(404, "no evaluation " + id + " on this node (runs are kept on the node that ran them, the "
          + "last " + KEPT + ")");
    }
    return run;
  }

  private JsonObject status(Run run) {
    JsonObject status = new JsonObject().put("id", run.id).put("node", nodeId).put("actor", run.actor)
        .put("state", run.state.name()).put("options", run.options)
        .put("startedAt", Instant.ofEpochMilli(run.startedMs).toString())
        .put("finishedAt", run.finishedMs == 0 ? null : Instant.ofEpochMilli(run.finishedMs).toString())
        .put("done", run.done).put("total", run.total).put("exitStatus", run.exitStatus)
        .put("log", new JsonArray(List.copyOf(run.log)));
    return status;
  }

  /** The run's output, kept as its last {@link #LOG_LINES} lines. */
  private final class LineCapture extends OutputStream {
    private final Run run;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    LineCapture(Run run) {
      this.run = run;
    }

    @Override
    public void write(int b) {
      if (b != '\n') {
        line.write(b);
        return;
      }
      String text = line.toString(StandardCharsets.UTF_8);
      line.reset();
      synchronized (Evaluations.this) {
        if (run.log.size() == LOG_LINES) {
          run.log.removeFirst();
        }
        run.log.addLast(text);
      }
    }
  }
}
