package com.ervc.bench;

import com.ervc.testing.TestNodes;
import io.vertx.core.Vertx;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code scripts/soak.sh}: one node (the JVM options of {@code scripts/run.sh}) under a long mixed load: every third
 * request a cached sentence, the rest new text (synthesized by espeak-ng), a share of requests cancelled after their
 * first audio and of sessions dropped without a close frame and reconnected. After a warm-up it takes the heap after a
 * full GC, runs the soak, stops the load, and checks: heap after GC within 5 % of the warm-up value, no WebSocket
 * session and no provider load left (the node's /metrics), no error other than the provoked ones (cancelled requests
 * are answered with {@code audio_end cancelled}, dropped sessions are not errors). Exit code 1 when a check fails.
 * Tokens live {@code --token-ttl} seconds and every session renews its own a third of that before, as the page does
 * ({@link RenewedTokens}), so a run longer than a token's life ends no session with 4001.
 * <p>
 * Options: {@code --minutes M} (30), {@code --sessions N} (200), {@code --rate R} requests/s over all sessions (60:
 * two thirds of them new text for espeak-ng, which its default workers keep up with on a 2-core machine shared with
 * the load client; above that its queue refuses requests, as it should), {@code --cancel SHARE} (0.1),
 * {@code --abort SHARE} (0.005 of audio frames end their session), {@code --token-ttl S} (300), {@code --jvm-opts}.
 */
public final class SoakBenchmark {
  private SoakBenchmark() {
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = LoadBenchmark.options(args);
    double minutes = Double.parseDouble(opts.getOrDefault("minutes", "30"));
    int sessions = Integer.parseInt(opts.getOrDefault("sessions", "200"));
    double rate = Double.parseDouble(opts.getOrDefault("rate", "60"));
    double cancel = Double.parseDouble(opts.getOrDefault("cancel", "0.1"));
    double abort = Double.parseDouble(opts.getOrDefault("abort", "0.005"));
    List<String> jvmOpts = List.of(opts.getOrDefault("jvm-opts", "").trim().split("\\s+")).stream()
        .filter(s -> !s.isEmpty()).toList();
    long soakMs = (long) (minutes * 60_000);
    long warmupMs = Math.max(20_000, soakMs / 10);
    int tokenTtlSeconds = Integer.parseInt(opts.getOrDefault("token-ttl", "300"));
    long renewEveryMs = tokenTtlSeconds * 1000L / 3;

    int port = LoadBenchmark.freePort();
    Map<String, String> env = new HashMap<>(LoadBenchmark.nodeEnv(TestNodes.uniqueClusterName(), sessions));
    env.put("HTTP_PORT", Integer.toString(port));
    env.put("DEV_TOKEN_TTL_SECONDS", Integer.toString(tokenTtlSeconds));
    LoadBenchmark.Server node = LoadBenchmark.Server.start("soak", jvmOpts, List.of("-Dhazelcast.logging.type=slf4j",
        "-jar", System.getProperty("ervc.jar", "target/ervc.jar")), env, port);
    Vertx vertx = Vertx.vertx();
    RenewedTokens tokens = null;
    boolean passed;
    try {
      node.awaitReady();
      tokens = RenewedTokens.start(port, sessions, renewEveryMs);
      RenewedTokens current = tokens;
      LoadGenerator.Options load = new LoadGenerator.Options("127.0.0.1", port, sessions, rate, warmupMs,
          session -> "/ws?token=" + current.get(session),
          // Seven spelled digits for every new text (n stays below a million here): the cache then holds entries of
          // one size all along, so a heap change is not the text growing by a digit as the count rises.
          n -> n % 3 == 0 ? LoadBenchmark.CACHED_TEXT
              : "Soak number " + LoadBenchmark.spell(1_000_000 + n % 1_000_000) + " is here.",
          cancel, abort, new LoadGenerator.Renewal(renewEveryMs, current::get));
      System.out.printf(Locale.ROOT, "soak: %.1f min, %d sessions, %.0f requests/s, cancel %.3f, abort %.4f, "
          + "tokens of %d s renewed every %d s%n", minutes, sessions, rate, cancel, abort, tokenTtlSeconds,
          renewEveryMs / 1000);
      System.out.printf(Locale.ROOT, "machine at start: %s%n", LoadBenchmark.machineLoad());
      new LoadGenerator(vertx, load).run();
      double warmHeap = heapAfterGcMb(node);
      Map<String, Long> warmClasses = classBytes(node);
      System.out.printf(Locale.ROOT, "heap after GC, after %d s of warm-up: %.1f MB (RSS %.0f MB)%n",
          warmupMs / 1000, warmHeap, node.rssKb() / 1024.0);
      LoadGenerator.Result result = new LoadGenerator(vertx, new LoadGenerator.Options(load.host(), load.port(),
          sessions, rate, soakMs, load.uri(), load.text(), cancel, abort, load.renewal())).run();
      long rssUnderLoad = node.rssKb();
      double endHeap = heapAfterGcMb(node);
      Map<String, Long> endClasses = classBytes(node);
      Map<String, Double> metrics = metrics(port);
      double sessionsLeft = metrics.getOrDefault("websocket_connections_active", -1.0);
      double loadLeft = metrics.getOrDefault("tts_provider_load", -1.0);
      double drift = (endHeap - warmHeap) / warmHeap;

      System.out.printf(Locale.ROOT, "replies %d, cancelled %d, sessions dropped %d, tokens renewed %d (failed "
              + "renewals %d), skipped turns %d, unfinished %d, late chunks %.3f %%%n", result.replies,
          result.cancelled, result.aborted, result.renewals, tokens.failures(), result.skipped, result.unfinished,
          100 * result.lateShare());
      System.out.printf(Locale.ROOT, "TTFA p50 %.2f ms, p99 %.2f ms, max %.2f ms%n", result.ttfaMs(50),
          result.ttfaMs(99), result.ttfaMs(100));
      System.out.printf(Locale.ROOT, "heap after GC at the end: %.1f MB (%+.1f %% against warm-up), RSS at the end "
          + "of the load %.0f MB%n", endHeap, 100 * drift, rssUnderLoad / 1024.0);
      printGrowth(warmClasses, endClasses);
      System.out.printf(Locale.ROOT, "left over: %.0f WebSocket sessions, provider load %.2f%n", sessionsLeft,
          loadLeft);
      System.out.printf(Locale.ROOT, "errors: %s%n", result.errorSummary());
      System.out.printf(Locale.ROOT, "machine at the end: %s%n", LoadBenchmark.machineLoad());
      boolean heapOk = Math.abs(drift) <= 0.05;
      boolean leftOk = sessionsLeft == 0 && loadLeft == 0;
      boolean errorsOk = result.errorCount() == 0 && result.unfinished == 0 && tokens.failures() == 0;
      System.out.printf(Locale.ROOT, "checks: heap %s, leftovers %s, errors %s%n", ok(heapOk), ok(leftOk),
          ok(errorsOk));
      passed = heapOk && leftOk && errorsOk;
    } finally {
      if (tokens != null) {
        tokens.close();
      }
      vertx.close().await(30, TimeUnit.SECONDS);
      node.stop();
    }
    System.exit(passed ? 0 : 1);
  }

  private static String ok(boolean ok) {
    return ok ? "ok" : "FAILED";
  }

  /** Heap in use right after a full GC requested with jcmd, read from the node's /metrics. */
  private static double heapAfterGcMb(LoadBenchmark.Server node) throws Exception {
    // A few seconds first: sessions closed by the load generator finish their close handshakes.
    Thread.sleep(5_000);
    Process gc = new ProcessBuilder("jcmd", Long.toString(node.pid), "GC.run").redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    if (!gc.waitFor(60, TimeUnit.SECONDS) || gc.exitValue() != 0) {
      throw new IllegalStateException("jcmd GC.run failed for pid " + node.pid);
    }
    return metrics(node.port).getOrDefault("jvm_memory_used_bytes{area=\"heap\"}", Double.NaN) / (1024 * 1024);
  }

  /** Bytes of live objects by class (jcmd GC.class_histogram, which collects first), to say what a heap change is. */
  private static Map<String, Long> classBytes(LoadBenchmark.Server node) throws Exception {
    Process histogram = new ProcessBuilder("jcmd", Long.toString(node.pid), "GC.class_histogram")
        .redirectErrorStream(true).start();
    Map<String, Long> bytes = new HashMap<>();
    String text = new String(histogram.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    if (!histogram.waitFor(60, TimeUnit.SECONDS) || histogram.exitValue() != 0) {
      throw new IllegalStateException("jcmd GC.class_histogram failed for pid " + node.pid);
    }
    // Lines: "   1:   12345   678901  java.lang.String (java.base@17)"
    for (String line : text.split("\n")) {
      String[] columns = line.trim().split("\\s+");
      if (columns.length >= 4 && columns[0].endsWith(":")) {
        bytes.merge(columns[3], Long.parseLong(columns[2]), Long::sum);
      }
    }
    return bytes;
  }

  /** The classes whose live bytes changed most between the two histograms, largest change first. */
  private static void printGrowth(Map<String, Long> before, Map<String, Long> after) {
    Map<String, Long> change = new HashMap<>();
    after.forEach((name, bytes) -> change.put(name, bytes - before.getOrDefault(name, 0L)));
    before.forEach((name, bytes) -> change.putIfAbsent(name, -bytes));
    System.out.println("live bytes by class, end against warm-up (largest changes):");
    change.entrySet().stream().sorted((a, b) -> Long.compare(Math.abs(b.getValue()), Math.abs(a.getValue())))
        .limit(12).forEach(e -> System.out.printf(Locale.ROOT, "  %+,12d  %,12d  %s%n", e.getValue(),
            after.getOrDefault(e.getKey(), 0L), e.getKey()));
  }

  /** The node's metrics, series summed by name (and by name with its {area="heap"} for the heap). */
  private static Map<String, Double> metrics(int port) throws Exception {
    String text = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + port + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
    Map<String, Double> sums = new HashMap<>();
    for (String line : text.split("\n")) {
      if (line.startsWith("#") || line.isBlank()) {
        continue;
      }
      String series = line.substring(0, line.lastIndexOf(' '));
      double value = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      String name = series.contains("{") ? series.substring(0, series.indexOf('{')) : series;
      sums.merge(name, value, Double::sum);
      if (series.contains("area=\"heap\"")) {
        sums.merge(name + "{area=\"heap\"}", value, Double::sum);
      }
    }
    return sums;
  }
}
