package com.ervc.eval;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Speaks every corpus line in every matrix cell through the service's WebSocket API with {@code concurrency}
 * workers (one connection each, one request at a time, so a worker never exceeds the per-connection limits),
 * measures each clip and appends it to {@code results.jsonl}. Clips already there without an error are skipped,
 * which makes an interrupted run resumable with the same command.
 */
final class EvalRunner {
  static final String RESULTS = "results.jsonl";
  private static final int ATTEMPTS = 5;
  /** "retry in 12 s" (the character quota) or "retry after 800 ms" (a cloud provider's own limit). */
  private static final Pattern RETRY = Pattern.compile("retry (?:in|after) (\\d+) (s|ms)");

  /** One clip to produce. */
  record Job(MatrixCell cell, CorpusLine line) {
    String key() {
      return cell.key() + "/" + line.id();
    }
  }

  private final ServiceClient service;
  private final ClipEvaluator evaluator;
  private final Path outputDir;
  private final int concurrency;
  private final Duration requestTimeout;
  private final PrintStream progress;
  private final ProgressListener listener;
  private final LongAdder synthesisNanos = new LongAdder();

  EvalRunner(ServiceClient service, Transcriber transcriber, Path outputDir, int concurrency, Duration requestTimeout,
      PrintStream progress, ProgressListener listener) {
    if (concurrency < 1) {
      throw new IllegalArgumentException("concurrency must be at least 1: " + concurrency);
    }
    this.service = service;
    this.evaluator = new ClipEvaluator(transcriber, outputDir);
    this.outputDir = outputDir;
    this.concurrency = concurrency;
    this.requestTimeout = requestTimeout;
    this.progress = progress;
    this.listener = listener;
  }

  /** The jobs of a matrix: each cell gets the lines in its voice's language. */
  static List<Job> jobs(List<MatrixCell> cells, List<CorpusLine> corpus) {
    List<Job> jobs = new ArrayList<>();
    for (MatrixCell cell : cells) {
      String language = Corpus.primary(cell.voiceLanguage().isEmpty() ? "en" : cell.voiceLanguage());
      corpus.stream().filter(l -> l.primaryLanguage().equals(language)).forEach(l -> jobs.add(new Job(cell, l)));
    }
    return jobs;
  }

  /** Runs what is missing; returns the results of every job (earlier and new), in job order. */
  List<ClipResult> run(List<Job> jobs) throws IOException, InterruptedException {
    Files.createDirectories(outputDir);
    Path file = outputDir.resolve(RESULTS);
    Map<String, ClipResult> done = ResultsFile.read(file);
    ConcurrentLinkedQueue<Job> todo = new ConcurrentLinkedQueue<>();
    jobs.stream().filter(j -> done.get(j.key()) == null || !done.get(j.key()).ok()).forEach(todo::add);
    Progress bar = new Progress(progress, listener, jobs.size(), jobs.size() - todo.size());
    int toRun = todo.size();
    long started = System.nanoTime();
    try (ResultsFile results = ResultsFile.append(file)) {
      ExecutorService workers = Executors.newFixedThreadPool(concurrency);
      try {
        List<Future<Void>> running = new ArrayList<>();
        for (int w = 0; w < concurrency; w++) {
          running.add(workers.submit(() -> {
            work(todo, results, done, bar);
            return null;
          }));
        }
        for (Future<Void> f : running) {
          try {
            f.get();
          } catch (java.util.concurrent.ExecutionException e) {
            throw new IOException("an evaluation worker failed: " + e.getCause(), e.getCause());
          }
        }
      } finally {
        workers.shutdownNow();
      }
    }
    printThroughput(toRun, System.nanoTime() - started);
    return jobs.stream().map(j -> done.get(j.key())).toList();
  }

  private void work(ConcurrentLinkedQueue<Job> todo, ResultsFile results, Map<String, ClipResult> done,
      Progress bar) throws IOException, InterruptedException {
    SpeechSession session = null;
    try {
      Job job;
      int n = 0;
      while ((job = todo.poll()) != null) {
        ClipResult result = null;
        for (int attempt = 1; result == null; attempt++) {
          if (session == null) {
            session = new SpeechSession(service.http(), service.webSocketUri(), requestTimeout);
          }
          long asked = System.nanoTime();
          SpeechSession.Reply reply = session.synthesize(request(job, ++n));
          synthesisNanos.add(System.nanoTime() - asked);
          JsonObject error = reply.error();
          String code = error == null ? "" : error.getString("code", "");
          boolean retry = attempt < ATTEMPTS && (code.equals("rate_limited") || code.equals(SpeechSession.CLOSED));
          if (!retry) {
            result = evaluator.evaluate(job.cell(), job.line(), reply);
            continue;
          }
          if (code.equals(SpeechSession.CLOSED)) {
            session = null;
          } else {
            Thread.sleep(retryDelayMillis(error.getString("message", ""), attempt));
          }
        }
        results.write(result);
        synchronized (done) {
          done.put(result.key(), result);
        }
        bar.clip(result);
      }
    } finally {
      if (session != null) {
        session.close();
      }
    }
  }

  /**
   * Clips per minute of this run, and where the workers' time went: waiting for synthesis (request to
   * {@code audio_end}, retries included), recognition, and writing plus analysing the audio. Summed over the
   * workers, so with concurrency above 1 the stages add up to more than the wall time.
   */
  private void printThroughput(int clips, long wallNanos) {
    if (clips == 0) {
      return;
    }
    double wall = wallNanos / 1e9;
    double synthesis = synthesisNanos.sum() / 1e9;
    double recognition = evaluator.recognitionNanos.sum() / 1e9;
    double analysis = evaluator.analysisNanos.sum() / 1e9;
    double stages = Math.max(1e-9, synthesis + recognition + analysis);
    progress.printf(Locale.ROOT, "throughput: %d clips in %.1f s = %.1f clips/min with %d connection(s); worker "
        + "time: synthesis %.1f s (%.0f %%), recognition %.1f s (%.0f %%), analysis %.1f s (%.0f %%)%n", clips, wall,
        clips / wall * 60, concurrency, synthesis, 100 * synthesis / stages, recognition, 100 * recognition / stages,
        analysis, 100 * analysis / stages);
  }

  /** The wait a rate_limited message names (at least a second), else 5 s times the attempt. */
  static long retryDelayMillis(String message, int attempt) {
    Matcher m = RETRY.matcher(message);
    if (!m.find()) {
      return 5_000L * attempt;
    }
    long amount = Long.parseLong(m.group(1));
    return Math.max(1_000, m.group(2).equals("s") ? amount * 1_000 : amount);
  }

  private static JsonObject request(Job job, int n) {
    MatrixCell cell = job.cell();
    JsonObject request = new JsonObject().put("type", "synthesize").put("id", "eval-" + n)
        .put("text", job.line().text()).put("provider", cell.provider()).put("voice", cell.voice())
        .put("emotion", cell.emotion()).put("intensity", cell.intensity()).put("quality", cell.tier());
    // Left out at the defaults, so such a request is the same as any client's that never sets them.
    return cell.ownSpeedAndPitch() ? request : request.put("speed", cell.speed()).put("pitch", cell.pitch());
  }

  /** One line per finished clip with a bar, the count and the clip's headline figures. */
  private static final class Progress {
    private static final int WIDTH = 30;
    private final PrintStream out;
    private final ProgressListener listener;
    private final int total;
    private final AtomicInteger finished;
    private final long startNanos = System.nanoTime();
    private final int skipped;

    Progress(PrintStream out, ProgressListener listener, int total, int skipped) {
      this.out = out;
      this.listener = listener;
      this.total = total;
      this.skipped = skipped;
      this.finished = new AtomicInteger(skipped);
      if (skipped > 0) {
        out.printf(Locale.ROOT, "resuming: %d of %d clips already done%n", skipped, total);
      }
      listener.clips(skipped, total);
    }

    void clip(ClipResult r) {
      int now = finished.incrementAndGet();
      int filled = total == 0 ? WIDTH : now * WIDTH / total;
      double elapsed = (System.nanoTime() - startNanos) / 1e9;
      double eta = (now - skipped) == 0 ? 0 : elapsed / (now - skipped) * (total - now);
      String what = r.ok()
          ? String.format(Locale.ROOT, "TTFA %.0f ms, RTF %.2f%s", r.ttfaMs(), r.realTimeFactor(),
              r.wer() == null ? "" : String.format(Locale.ROOT, ", WER %.2f", r.wer().rate()))
          : "FAILED " + r.error();
      synchronized (out) {
        out.printf(Locale.ROOT, "[%s%s] %d/%d eta %.0fs %s %s: %s%n", "#".repeat(filled), ".".repeat(WIDTH - filled),
            now, total, eta, r.cell().key(), r.line().id(), what);
      }
      listener.clips(now, total);
    }
  }
}
