package com.ervc.bench;

import com.ervc.testing.FailoverCluster;
import com.ervc.testing.FailoverCluster.Round;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.json.JsonObject;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Failover without an audible gap, measured: a local three-JVM cluster ({@link FailoverCluster}: gateway + pipeline
 * here, two espeak provider JVMs from the packaged jar) speaks one long reply per round, and in each round the
 * provider JVM serving it is killed with SIGKILL at a random audio frame, then replaced. Prints, per round, whether
 * the reply completed byte-identical to the undisturbed one, the switches, how the pipeline learnt of the death, the
 * client's longest and p95 gap between audio frames, the longest silence a real-time player would hear, and where the
 * failover's time went (from the kill, ms): the last audio before the silence, the failure known, the replacement
 * requested, its first audio at the pipeline and at the client. The first row is the same run's reply without a kill
 * (the baseline). Usage: FailoverBenchmark [rounds] [sentences] [seed]
 */
public final class FailoverBenchmark {
  private static final int SAMPLE_RATE = 24_000;
  /** The pipeline's failover phases, then its whole gap. */
  private static final List<String> PHASES = List.of("failed", "requested", "first_audio", "gap");

  private FailoverBenchmark() {
  }

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    int sentences = args.length > 1 ? Integer.parseInt(args[1]) : 40;
    long seed = args.length > 2 ? Long.parseLong(args[2]) : System.nanoTime();
    StringBuilder text = new StringBuilder();
    for (int i = 1; i <= sentences; i++) {
      text.append("This is sentence number ").append(i).append(" of the failover benchmark reply. ");
    }
    Random random = new Random(seed);
    String loadBefore = loadAverage();
    try (FailoverCluster cluster = FailoverCluster.start()) {
      PrometheusMeterRegistry metrics = cluster.front().metrics().registry();
      // Both provider JVMs' first syntheses (the router tries an instance without measurements first).
      cluster.reply("The cluster warms up. Its first node speaks.", null);
      cluster.reply("The cluster warms up. Its second node speaks.", null);
      Round baseline = cluster.reply(text.toString().strip(), null);
      int frames = baseline.arrivals().length;
      System.out.printf(Locale.ROOT, "failover benchmark: %d rounds, %d sentences (%d frames), seed %d; load average "
          + "before: %s%n", rounds, sentences, frames, seed, loadBefore);
      System.out.printf(Locale.ROOT, "%-9s %-6s %-5s %-3s %-11s %8s %6s %6s | %s%n", "round", "kill@", "exact", "sw",
          "detected by", "gap ms", "p95", "heard", "from the kill (ms): client's last audio, process gone, death counted, "
              + "client's next audio | pipeline, from its last frame (ms): failed, requested, 1st audio, 1st frame sent");
      print("baseline", "-", baseline, baseline, "-", "");
      int completed = 0;
      List<Double> longest = new ArrayList<>();
      List<Double> heard = new ArrayList<>();
      for (int r = 1; r <= rounds; r++) {
        int killAt = 1 + random.nextInt(Math.max(1, frames - 1));
        Map<String, double[]> before = phaseTotals(metrics);
        Round round = cluster.reply(text.toString().strip(),
            got -> got.stream().filter(f -> f.binary() != null).count() == killAt);
        completed += complete(round, baseline) ? 1 : 0;
        longest.add(round.longestGapMs());
        heard.add(round.heardSilenceMs(SAMPLE_RATE));
        print(Integer.toString(r), Integer.toString(killAt), round, baseline, detectedBy(round),
            breakdown(round, before, phaseTotals(metrics)));
        if (!complete(round, baseline)) {
          System.out.println("  round " + r + " ended with " + round.end().encode());
        }
        cluster.replaceKilled();
      }
      System.out.printf(Locale.ROOT, "completed byte-exact: %d/%d%n", completed, rounds);
      System.out.printf(Locale.ROOT, "longest gap per round (client, at arrival): p50 %.1f ms, max %.1f ms; baseline "
          + "%.1f ms%n", percentile(longest, 0.5), percentile(longest, 1), baseline.longestGapMs());
      System.out.printf(Locale.ROOT, "longest silence a real-time player hears (%.0f ms jitter buffer): p50 %.1f ms, "
          + "max %.1f ms; baseline %.1f ms%n", Round.JITTER_BUFFER_MS, percentile(heard, 0.5), percentile(heard, 1),
          baseline.heardSilenceMs(SAMPLE_RATE));
      Timer gap = metrics.find("tts.failover.gap").timer();
      if (gap != null) {
        System.out.printf(Locale.ROOT, "pipeline tts_failover_gap_seconds: %d failovers, mean %.1f ms, max %.1f ms%n",
            gap.count(), gap.mean(TimeUnit.MILLISECONDS), gap.max(TimeUnit.MILLISECONDS));
      }
      for (String source : List.of("membership", "connection")) {
        Counter deaths = metrics.find("tts.node.deaths").tag("source", source).counter();
        System.out.printf(Locale.ROOT, "node deaths detected first by %s: %.0f%n", source,
            deaths == null ? 0 : deaths.count());
      }
      for (String outcome : List.of("sent", "won")) {
        Counter hedges = metrics.find("tts.hedges").tag("outcome", outcome).counter();
        System.out.printf(Locale.ROOT, "hedges %s: %.0f%n", outcome, hedges == null ? 0 : hedges.count());
      }
      System.out.printf(Locale.ROOT, "load average after: %s%n", loadAverage());
    }
    System.exit(0);
  }

  private static boolean complete(Round round, Round baseline) {
    return "audio_end".equals(round.end().getString("type")) && round.sentences().equals(baseline.sentences())
        && round.pcm().equals(baseline.pcm());
  }

  /** How the reply learnt that the killed node's stream failed: the reason of its first switch from that node. */
  private static String detectedBy(Round round) {
    for (Object o : round.end().getJsonArray("switches", new io.vertx.core.json.JsonArray())) {
      JsonObject sw = (JsonObject) o;
      if (sw.getString("fromNode").equals(round.killedNode())) {
        String reason = sw.getString("reason");
        return reason.contains("node gone (connection)") ? "connection" : reason.contains("node gone (membership)")
            ? "membership" : reason.contains("first-byte") ? "first-byte" : reason.contains("stalled") ? "stall"
            : "other";
      }
    }
    return "no switch";
  }

  /** Each failover phase's total (ms) and count, to tell one round's from the difference. */
  private static Map<String, double[]> phaseTotals(PrometheusMeterRegistry metrics) {
    Map<String, double[]> totals = new HashMap<>();
    for (String phase : PHASES) {
      Timer timer = phase.equals("gap") ? metrics.find("tts.failover.gap").timer()
          : metrics.find("tts.failover.phase").tag("phase", phase).timer();
      totals.put(phase, timer == null ? new double[2]
          : new double[] {timer.totalTime(TimeUnit.MILLISECONDS), timer.count()});
    }
    return totals;
  }

  /**
   * Where the round's failover time went. From the kill: the client's last audio before the silence the kill caused,
   * the killed process reaped (its kernel closed its sockets by then), the pipeline counting the node dead, the
   * client's first audio after that silence. Then the pipeline's own clock
   * (the mean over the round's failovers), from its last audio frame sent before the failover: the failure known, the
   * replacement requested, its first audio at the pipeline, the first frame sent on ({@code tts_failover_gap_seconds}).
   * The two clocks start apart: the pipeline may be up to {@code STREAM_WINDOW} frames ahead of the client.
   */
  private static String breakdown(Round round, Map<String, double[]> before, Map<String, double[]> after) {
    long[] gap = round.gapAfterKill();
    if (gap == null) {
      return "no silence after the kill";
    }
    StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%.0f, %.0f, %s, %.0f |",
        (gap[0] - round.killedAtNanos()) / 1e6, (round.goneAtNanos() - round.killedAtNanos()) / 1e6,
        round.deathCountedAtNanos() < 0 ? "-"
            : String.format(Locale.ROOT, "%.0f", (round.deathCountedAtNanos() - round.killedAtNanos()) / 1e6),
        (gap[1] - round.killedAtNanos()) / 1e6));
    double failovers = after.get("gap")[1] - before.get("gap")[1];
    for (String phase : PHASES) {
      line.append(failovers == 0 ? " -" : String.format(Locale.ROOT, " %.0f",
          (after.get(phase)[0] - before.get(phase)[0]) / failovers));
    }
    if (failovers > 1) {
      line.append(String.format(Locale.ROOT, " (mean of %.0f failovers)", failovers));
    }
    return line.toString();
  }

  private static double percentile(List<Double> values, double q) {
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(Double::compare);
    return sorted.isEmpty() ? 0 : sorted.get(Math.max(0, (int) Math.ceil(q * sorted.size()) - 1));
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).strip();
    } catch (Exception e) {
      return "unknown";
    }
  }

  private static void print(String round, String killAt, Round result, Round baseline, String detectedBy,
                            String breakdown) {
    System.out.printf(Locale.ROOT, "%-9s %-6s %-5s %-3d %-11s %8.1f %6.1f %6.1f | %s%n", round, killAt,
        complete(result, baseline) ? "yes" : "NO", result.switches(), detectedBy, result.longestGapMs(),
        result.p95GapMs(), result.heardSilenceMs(SAMPLE_RATE), breakdown);
  }
}
