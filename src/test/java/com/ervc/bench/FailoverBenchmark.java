package com.ervc.bench;

import com.ervc.testing.FailoverCluster;
import com.ervc.testing.FailoverCluster.Reading;
import com.ervc.testing.FailoverCluster.Round;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Failover without an audible gap, measured: a local three-JVM cluster ({@link FailoverCluster}: gateway + pipeline
 * here, two espeak provider JVMs from the packaged jar) speaks one long reply per round, and in each round the
 * provider JVM serving it is killed with SIGKILL as a random sentence's first request leaves for it (so a request is
 * certainly pending there: every round fails over), then replaced. The client reads every frame
 * as it arrives, or (asked for, with the same kill points) at playback rate (a real-time
 * player: the socket reads only when the player needs audio, so back-pressure holds the server to its stream window).
 * Prints, per round, whether the reply completed byte-identical to the undisturbed one, the switches, how the
 * pipeline learnt of the death, the delivery gap (the client's longest wait for audio) and the longest silence a
 * real-time player hears, and where the failover's time went. Each mode's first row is the same run's reply without
 * a kill (the baseline). Usage: FailoverBenchmark [rounds] [sentences] [seed] [on_arrival|at_playback_rate]
 */
public final class FailoverBenchmark {
  private static final int SAMPLE_RATE = FailoverCluster.SAMPLE_RATE;
  /** The pipeline's failover phases, then its whole gap. */
  private static final List<String> PHASES = List.of("failed", "requested", "first_audio", "gap");
  /** The first sentence request a round may kill at (1-based; the reply asks its first three sentences at once). */
  private static final int FIRST_KILL_REQUEST = 4;

  private FailoverBenchmark() {
  }

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    int sentences = args.length > 1 ? Integer.parseInt(args[1]) : 40;
    long seed = args.length > 2 ? Long.parseLong(args[2]) : System.nanoTime();
    // Reading on arrival unless asked: it is the browser page's way of reading.
    List<Reading> modes = args.length > 3 ? List.of(Reading.valueOf(args[3].toUpperCase(Locale.ROOT)))
        : List.of(Reading.ON_ARRIVAL);
    StringBuilder text = new StringBuilder();
    for (int i = 1; i <= sentences; i++) {
      text.append("This is sentence number ").append(i).append(" of the failover benchmark reply. ");
    }
    String loadBefore = loadAverage();
    List<String> summary = new ArrayList<>();
    try (FailoverCluster cluster = FailoverCluster.start()) {
      PrometheusMeterRegistry metrics = cluster.front().metrics().registry();
      // Both provider JVMs' first syntheses (the router tries an instance without measurements first).
      cluster.reply("The cluster warms up. Its first node speaks.", null);
      cluster.reply("The cluster warms up. Its second node speaks.", null);
      System.out.printf(Locale.ROOT, "failover benchmark: %d rounds per client mode, %d sentences, seed %d, %s; load "
          + "average before: %s%n", rounds, sentences, seed, Instant.now().truncatedTo(ChronoUnit.SECONDS), loadBefore);
      System.out.println("""
          Each round speaks one reply; the provider JVM serving it is killed (SIGKILL) as the reply's kill@req-th
          sentence request (sentence kill@req, first requests only) leaves for it, then replaced. Columns: exact =
          every sentence once and audio byte-identical to the baseline; sw = switches; detected by = how the pipeline
          learnt the node was gone ("no switch": the round did not fail over); at = the sentence it switched at
          (s1 = the first); delivery gap = the client's longest wait for audio
          (ms; from when it began waiting for a frame to its arrival), p95 of those waits; heard = the longest
          silence a real-time player with an 80 ms jitter buffer hears (ms). Then, from the kill (ms): the client's
          last audio before the gap, the process reaped, the pipeline counting the node dead, the client's next
          audio; and on the pipeline's clock, from its last frame sent before the failover (ms): failure known,
          sentence asked again, its first audio, first frame sent on (mean over the round's failovers); last, the
          first sentences requested after the kill, in the order sent (the sentence switched at should lead).""");
      for (Reading mode : modes) {
        summary.addAll(runMode(cluster, metrics, mode, text.toString().strip(), sentences, rounds, new Random(seed)));
      }
      summary.forEach(System.out::println);
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

  /** The baseline and {@code rounds} kill rounds with the client reading as {@code mode} says; the summary lines. */
  private static List<String> runMode(FailoverCluster cluster, PrometheusMeterRegistry metrics, Reading mode,
                                      String text, int sentences, int rounds, Random random) throws Exception {
    Round baseline = cluster.reply(text, null, mode);
    int frames = baseline.arrivals().length;
    System.out.printf(Locale.ROOT, "%nclient reads %s (%d frames, %.1f s of audio):%n",
        mode == Reading.ON_ARRIVAL ? "every frame as it arrives" : "at playback rate (80 ms buffer, back-pressure)",
        frames, baseline.pcm().length() / 2.0 / SAMPLE_RATE);
    System.out.printf(Locale.ROOT, "%-9s %-8s %-5s %-3s %-11s %-4s %9s %6s %6s | %s%n", "round", "kill@req", "exact",
        "sw", "detected by", "at", "delivery", "p95", "heard", "from the kill: client's last audio, process gone, "
            + "death counted, client's next audio | pipeline: failed, asked again, 1st audio, 1st frame sent");
    print("baseline", "-", baseline, baseline, "-", "");
    int completed = 0;
    List<Double> longest = new ArrayList<>();
    List<Double> heard = new ArrayList<>();
    Map<String, double[]> modeBefore = phaseTotals(metrics);
    for (int r = 1; r <= rounds; r++) {
      // The kill point is chosen on the server's side, where the failover happens: a client reading at playback rate
      // is tens of seconds behind the server, so a kill at one of its frames mostly comes after the killed node has
      // served the whole reply. Killing as a sentence's first request leaves makes each round a failover: that
      // request is certainly pending on the killed node. From the fourth on (the first three are asked at once, so
      // a kill there comes before any audio: a time to first audio, not a gap; FailoverIT covers it).
      int killAt = FIRST_KILL_REQUEST + random.nextInt(Math.max(1, sentences - FIRST_KILL_REQUEST + 1));
      Map<String, double[]> before = phaseTotals(metrics);
      Round round = cluster.replyKillingAtRequest(text, killAt, mode);
      completed += complete(round, baseline) ? 1 : 0;
      longest.add(round.longestGapMs());
      heard.add(round.heardSilenceMs(SAMPLE_RATE));
      print(Integer.toString(r), Integer.toString(killAt), round, baseline, detectedBy(round),
          breakdown(round, before, phaseTotals(metrics)) + " | asked after the kill: "
              + askedAfterKill(round, baseline));
      if (!complete(round, baseline)) {
        System.out.println("  round " + r + " ended with " + round.end().encode());
      }
      cluster.replaceKilled();
    }
    Map<String, double[]> modeAfter = phaseTotals(metrics);
    double failovers = modeAfter.get("gap")[1] - modeBefore.get("gap")[1];
    String name = mode == Reading.ON_ARRIVAL ? "reading on arrival" : "reading at playback rate";
    return List.of(
        String.format(Locale.ROOT, "%s: completed byte-exact %d/%d", name, completed, rounds),
        String.format(Locale.ROOT, "%s: delivery gap per round p50 %.1f ms, max %.1f ms; baseline %.1f ms", name,
            percentile(longest, 0.5), percentile(longest, 1), baseline.longestGapMs()),
        String.format(Locale.ROOT, "%s: heard silence per round (%.0f ms jitter buffer) p50 %.1f ms, max %.1f ms; "
                + "baseline %.1f ms", name, Round.JITTER_BUFFER_MS, percentile(heard, 0.5), percentile(heard, 1),
            baseline.heardSilenceMs(SAMPLE_RATE)),
        String.format(Locale.ROOT, "%s: pipeline tts_failover_gap_seconds %.0f failovers, mean %.1f ms", name,
            failovers, failovers == 0 ? 0 : (modeAfter.get("gap")[0] - modeBefore.get("gap")[0]) / failovers));
  }

  private static boolean complete(Round round, Round baseline) {
    return "audio_end".equals(round.end().getString("type")) && round.sentences().equals(baseline.sentences())
        && round.pcm().equals(baseline.pcm());
  }

  /** How the reply learnt that the killed node's stream failed: the reason of its first switch from that node. */
  private static String detectedBy(Round round) {
    JsonObject sw = switchFromKilled(round);
    if (sw == null) {
      return "no switch";
    }
    String reason = sw.getString("reason");
    return reason.contains("node gone (connection)") ? "connection" : reason.contains("node gone (membership)")
        ? "membership" : reason.contains("first-byte") ? "first-byte" : reason.contains("stalled") ? "stall"
        : "other";
  }

  /**
   * The first sentences requested after the kill, in the order the pipeline sent them (s1 = the reply's first): the
   * sentence switched at should come first, the sentences ahead behind it.
   */
  private static String askedAfterKill(Round round, Round baseline) {
    return round.askedAfterKill().stream().limit(4)
        .map(text -> "s" + (baseline.sentences().indexOf(text) + 1)).collect(Collectors.joining(" "));
  }

  /** The first switch away from the killed node, or null. */
  private static JsonObject switchFromKilled(Round round) {
    for (Object o : round.end().getJsonArray("switches", new JsonArray())) {
      JsonObject sw = (JsonObject) o;
      if (sw.getString("fromNode").equals(round.killedNode())) {
        return sw;
      }
    }
    return null;
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
    if (round.killedNode() == null) {
      return "no kill: the reply ended before the kill point";
    }
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
    JsonObject sw = result.killedNode() == null ? null : switchFromKilled(result);
    System.out.printf(Locale.ROOT, "%-9s %-8s %-5s %-3d %-11s %-4s %9.1f %6.1f %6.1f | %s%n", round, killAt,
        complete(result, baseline) ? "yes" : "NO", result.switches(), detectedBy,
        sw == null ? "-" : "s" + (sw.getInteger("sentence") + 1), result.longestGapMs(), result.p95GapMs(),
        result.heardSilenceMs(SAMPLE_RATE), breakdown);
  }
}
