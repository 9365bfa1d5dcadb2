package com.ervc.eval;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The evaluation command line (scripts/evaluate.sh): runs the matrix against a running service, writes the report
 * and, with {@code --baseline}, gates the run. Exit status 0: done (and no regression); 1: the gate found a
 * regression; 2: bad arguments or the run could not be done.
 */
public final class EvalMain {
  /** The --help text (a resource: one long string literal would only make the source harder to scan). */
  static final String USAGE = usage();
  private static final Set<String> FLAGS = Set.of("--report-only", "--help");
  private static final Set<String> OPTIONS = Set.of("--url", "--token", "--api-token", "--corpus", "--categories",
      "--limit", "--providers", "--voices", "--emotions", "--intensities", "--tiers", "--speeds", "--pitches",
      "--pitch-semitones", "--concurrency", "--timeout", "--max-clips",
      "--recogniser", "--recogniser-command", "--recogniser-url", "--recogniser-model", "--recogniser-language",
      "--recogniser-rate", "--listen", "--out", "--baseline", "--threshold");

  private EvalMain() {
  }

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err, System.getenv()));
  }

  /** Runs the command with {@code args}; returns the exit status (the same as the CLI's). */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    return run(args, out, err, Map.of(), ProgressListener.NONE);
  }

  /**
   * As {@link #run(String[], PrintStream, PrintStream)}, telling {@code progress} of every finished clip (the admin
   * API's evaluations). An interrupt of the calling thread stops the run (exit status 2, "interrupted").
   */
  public static int run(String[] args, PrintStream out, PrintStream err, ProgressListener progress) {
    return run(args, out, err, Map.of(), progress);
  }

  /** As {@link #run(String[], PrintStream, PrintStream)}, with {@code env} for the recogniser's API key. */
  static int run(String[] args, PrintStream out, PrintStream err, Map<String, String> env) {
    return run(args, out, err, env, ProgressListener.NONE);
  }

  private static int run(String[] args, PrintStream out, PrintStream err, Map<String, String> env,
      ProgressListener progress) {
    Map<String, List<String>> a;
    try {
      a = parse(args);
    } catch (IllegalArgumentException e) {
      err.println(e.getMessage());
      err.print(USAGE);
      return 2;
    }
    if (a.containsKey("--help")) {
      out.print(USAGE);
      return 0;
    }
    try {
      Path dir = Path.of(one(a, "--out", "eval-out"));
      Gate gate = Gate.withOverrides(a.getOrDefault("--threshold", List.of()));
      String corpusName = one(a, "--corpus", "built-in");
      Transcriber transcriber = transcriber(a, env);
      String recogniserName = transcriber == null ? "none" : transcriber.name();
      List<ClipResult> results;
      if (a.containsKey("--listen")) {
        return listen(dir, (int) number(one(a, "--listen", null), "--listen", 0, 65_535), out);
      }
      if (a.containsKey("--report-only")) {
        results = List.copyOf(ResultsFile.read(dir.resolve(EvalRunner.RESULTS)).values());
        if (results.isEmpty()) {
          throw new IllegalArgumentException("no results in " + dir.resolve(EvalRunner.RESULTS));
        }
        // The clips were recognised when they were made: keep the earlier report's recogniser name unless one is
        // named.
        Path earlier = dir.resolve(Report.JSON);
        if (!a.containsKey("--recogniser") && Files.exists(earlier)) {
          recogniserName = new JsonObject(Files.readString(earlier, StandardCharsets.UTF_8))
              .getString("transcriber", recogniserName);
        }
      } else {
        results = evaluate(a, dir, transcriber, corpusName, out, progress);
      }
      Report.write(dir, results, recogniserName, corpusName,
          number(one(a, "--pitch-semitones", "4"), "--pitch-semitones", -48, 48));
      JsonObject report = new JsonObject(Files.readString(dir.resolve(Report.JSON), StandardCharsets.UTF_8));
      printSummary(report, out);
      out.println("report: " + dir.resolve(Report.HTML) + " and " + dir.resolve(Report.JSON));
      if (!a.containsKey("--baseline")) {
        return 0;
      }
      Path baselineFile = Path.of(one(a, "--baseline", null));
      JsonObject baseline = new JsonObject(Files.readString(baselineFile, StandardCharsets.UTF_8));
      List<String> regressions = gate.regressions(Report.summaries(baseline), Report.summaries(report));
      if (regressions.isEmpty()) {
        out.println("gate: no regression against " + baselineFile);
        return 0;
      }
      err.println("gate: " + regressions.size() + " regression(s) against " + baselineFile + ":");
      regressions.forEach(r -> err.println("  " + r));
      return 1;
    } catch (IllegalArgumentException | IOException e) {
      err.println("eval: " + e.getMessage());
      return 2;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      err.println("eval: interrupted");
      return 2;
    }
  }

  /** Serves the blind A/B page of the run in {@code dir} on 127.0.0.1 until the process is stopped. */
  private static int listen(Path dir, int port, PrintStream out) throws IOException, InterruptedException {
    List<ClipResult> results = List.copyOf(ResultsFile.read(dir.resolve(EvalRunner.RESULTS)).values());
    if (results.isEmpty()) {
      throw new IllegalArgumentException("no results in " + dir.resolve(EvalRunner.RESULTS) + " to listen to");
    }
    io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
    try {
      io.vertx.core.http.HttpServer server = AbServer.start(vertx, dir, results, "127.0.0.1", port)
          .await(30, java.util.concurrent.TimeUnit.SECONDS);
      out.println("blind A/B listening page: http://127.0.0.1:" + server.actualPort() + "/ab/ (votes go to "
          + dir.resolve(VotesFile.NAME) + "; Ctrl-C to stop, then --report-only to put the ratings in the report)");
      new java.util.concurrent.CountDownLatch(1).await();
      return 0;
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IOException("the listening page did not start in 30 s", e);
    } finally {
      vertx.close();
    }
  }

  private static List<ClipResult> evaluate(Map<String, List<String>> a, Path dir, Transcriber transcriber,
      String corpusName, PrintStream out, ProgressListener progress) throws IOException, InterruptedException {
    List<CorpusLine> corpus = corpusName.equals("built-in") ? Corpus.builtIn() : Corpus.read(Path.of(corpusName));
    List<String> categories = list(a, "--categories", List.of());
    if (!categories.isEmpty()) {
      corpus = corpus.stream().filter(l -> categories.contains(l.category())).toList();
    }
    int limit = integer(one(a, "--limit", String.valueOf(Integer.MAX_VALUE)), "--limit");
    corpus = corpus.stream().limit(limit).toList();
    if (corpus.isEmpty()) {
      throw new IllegalArgumentException("no corpus lines left after --categories and --limit");
    }
    ServiceClient service = new ServiceClient(URI.create(one(a, "--url", "http://127.0.0.1:8000")),
        one(a, "--token", null), one(a, "--api-token", null));
    List<MatrixCell> cells = Matrix.cells(service.offer(), list(a, "--providers", List.of()),
        list(a, "--voices", List.of()), list(a, "--emotions", List.of()),
        numbers(a, "--intensities", "0.5", 0, 1), list(a, "--tiers", List.of("balanced")),
        numbers(a, "--speeds", "1", 0.25, 4), numbers(a, "--pitches", "0", -1, 1));
    List<EvalRunner.Job> jobs = EvalRunner.jobs(cells, corpus);
    out.println(cells.size() + " cells x corpus lines in their voices' languages = " + jobs.size() + " clips");
    int maxClips = integer(one(a, "--max-clips", String.valueOf(Integer.MAX_VALUE)), "--max-clips");
    if (jobs.size() > maxClips) {
      throw new IllegalArgumentException("the matrix has " + jobs.size() + " clips, more than --max-clips " + maxClips
          + ": name fewer providers, voices, emotions or corpus lines");
    }
    EvalRunner runner = new EvalRunner(service, transcriber, dir,
        integer(one(a, "--concurrency", "2"), "--concurrency"),
        Duration.ofSeconds(integer(one(a, "--timeout", "60"), "--timeout")), out, progress);
    return runner.run(jobs);
  }

  /**
   * The recogniser {@code --recogniser} names (pocketsphinx, command, openai or none), set up from the other
   * {@code --recogniser-*} options; null for none. The openai one's key is {@code EVAL_RECOGNISER_API_KEY}, else
   * {@code OPENAI_API_KEY}, from {@code env} (a key on the command line would show in the process list).
   */
  static Transcriber transcriber(Map<String, List<String>> a, Map<String, String> env) {
    String language = one(a, "--recogniser-language", "en");
    if (!language.matches("[a-z]{2,3}")) {
      throw new IllegalArgumentException("--recogniser-language is a primary language subtag such as en: " + language);
    }
    String kind = one(a, "--recogniser", "pocketsphinx");
    return switch (kind) {
      case "none" -> null;
      case "pocketsphinx" -> new PocketsphinxTranscriber("pocketsphinx_continuous");
      case "command" -> {
        String command = one(a, "--recogniser-command", null);
        if (command == null) {
          throw new IllegalArgumentException("--recogniser command needs --recogniser-command, e.g. "
              + "'whisper-cli -m ggml-base.en.bin -nt -f {wav}'");
        }
        yield CommandTranscriber.of(command, language,
            (int) number(one(a, "--recogniser-rate", "16000"), "--recogniser-rate", 8_000, 48_000));
      }
      case "openai" -> {
        String key = env.getOrDefault("EVAL_RECOGNISER_API_KEY", env.get("OPENAI_API_KEY"));
        URI url = URI.create(one(a, "--recogniser-url", "https://api.openai.com/v1"));
        if (url.getScheme() == null || !url.getScheme().matches("https?")) {
          throw new IllegalArgumentException("--recogniser-url must be an http(s) URL: " + url);
        }
        yield new OpenAiTranscriber(url, key, one(a, "--recogniser-model", "whisper-1"), language);
      }
      default -> throw new IllegalArgumentException("--recogniser is pocketsphinx, command, openai or none: " + kind);
    };
  }

  private static void printSummary(JsonObject report, PrintStream out) {
    out.printf("%-48s %6s %6s %6s %8s %8s %6s %7s %6s %6s%n", "cell", "clips", "failed", "WER", "TTFAp50", "TTFAp95",
        "RTF", "LUFS", "clicks", "joins");
    report.getJsonArray("cells").stream().map(JsonObject.class::cast).forEach(c -> {
      JsonObject s = c.getJsonObject("summary");
      out.printf(java.util.Locale.ROOT, "%-48s %6d %6d %6s %8s %8s %6s %7s %6d %6d%n", c.getString("key"),
          s.getInteger("clips"), s.getInteger("failed"), f(s, "wer", "%.3f"), f(s, "ttfaP50Ms", "%.0f"),
          f(s, "ttfaP95Ms", "%.0f"), f(s, "realTimeFactor", "%.3f"), f(s, "loudnessLufs", "%.1f"),
          s.getInteger("clicks"), s.getInteger("joinClicks"));
    });
  }

  private static String f(JsonObject s, String key, String format) {
    Double v = s.getDouble(key);
    return v == null ? "-" : String.format(java.util.Locale.ROOT, format, v);
  }

  static Map<String, List<String>> parse(String[] args) {
    Map<String, List<String>> a = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      String name = args[i];
      if (FLAGS.contains(name)) {
        a.put(name, List.of());
      } else if (OPTIONS.contains(name)) {
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException(name + " needs a value");
        }
        a.computeIfAbsent(name, k -> new ArrayList<>()).add(args[++i]);
      } else {
        throw new IllegalArgumentException("unknown argument '" + name + "'");
      }
    }
    return a;
  }

  private static String usage() {
    try (var in = EvalMain.class.getResourceAsStream("/eval/usage.txt")) {
      if (in == null) {
        throw new IllegalStateException("the usage text /eval/usage.txt is missing from the class path");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static String one(Map<String, List<String>> a, String name, String fallback) {
    List<String> v = a.get(name);
    return v == null ? fallback : v.get(v.size() - 1);
  }

  private static List<String> list(Map<String, List<String>> a, String name, List<String> fallback) {
    String v = one(a, name, null);
    return v == null ? fallback : Arrays.stream(v.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
  }

  /** The comma-separated numbers of option {@code name}, each checked against the protocol's range. */
  private static List<Double> numbers(Map<String, List<String>> a, String name, String fallback, double min,
      double max) {
    return list(a, name, List.of(fallback)).stream().map(v -> number(v, name, min, max)).toList();
  }

  private static double number(String v, String name, double min, double max) {
    try {
      double n = Double.parseDouble(v);
      if (!(n >= min && n <= max)) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be between " + min + " and " + max + ": " + v);
    }
  }

  private static int integer(String v, String name) {
    try {
      int n = Integer.parseInt(v);
      if (n < 1) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a whole number >= 1: " + v);
    }
  }
}
