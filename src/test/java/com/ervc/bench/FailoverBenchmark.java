package com.ervc.bench;

import com.ervc.testing.FailoverCluster;
import com.ervc.testing.FailoverCluster.Round;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Failover without an audible gap, measured: a local three-JVM cluster ({@link FailoverCluster}: gateway + pipeline
 * here, two espeak provider JVMs from the packaged jar) speaks one long reply per round, and in each round the
 * provider JVM serving it is killed with SIGKILL at a random audio frame, then replaced. Prints, per round, whether
 * the reply completed byte-identical to the undisturbed one, the switches, and the client's longest and p95 gap
 * between audio frames; the first row is the same run's reply without a kill (the baseline).
 * Usage: FailoverBenchmark [rounds] [sentences] [seed]
 */
public final class FailoverBenchmark {
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
    try (FailoverCluster cluster = FailoverCluster.start()) {
      Round baseline = cluster.reply(text.toString().strip(), null);
      int frames = (int) (baseline.pcm().length() / (24_000 * 2 / 10)); // 100 ms frames at 24 kHz
      System.out.printf(Locale.ROOT, "failover benchmark: %d rounds, %d sentences (%d frames), seed %d%n", rounds,
          sentences, frames, seed);
      System.out.printf(Locale.ROOT, "%-9s %-10s %-9s %-9s %-15s %-11s%n", "round", "kill@frame", "complete",
          "switches", "longest gap ms", "p95 gap ms");
      print("baseline", "-", baseline, baseline);
      int completed = 0;
      double worst = 0;
      List<Double> longest = new ArrayList<>();
      for (int r = 1; r <= rounds; r++) {
        int killAt = 1 + random.nextInt(Math.max(1, frames - 1));
        Round round = cluster.reply(text.toString().strip(),
            got -> got.stream().filter(f -> f.binary() != null).count() == killAt);
        completed += complete(round, baseline) ? 1 : 0;
        worst = Math.max(worst, round.longestGapMs());
        longest.add(round.longestGapMs());
        print(Integer.toString(r), Integer.toString(killAt), round, baseline);
        cluster.replaceKilled();
      }
      System.out.printf(Locale.ROOT, "completed byte-exact: %d/%d; longest gap over all rounds %.1f ms (baseline "
          + "%.1f ms)%n", completed, rounds, worst, baseline.longestGapMs());
      PrometheusMeterRegistry metrics = cluster.front().metrics().registry();
      Timer gap = metrics.find("tts.failover.gap").timer();
      if (gap != null) {
        System.out.printf(Locale.ROOT, "pipeline tts_failover_gap_seconds: %d failovers, mean %.1f ms, max %.1f ms%n",
            gap.count(), gap.mean(TimeUnit.MILLISECONDS), gap.max(TimeUnit.MILLISECONDS));
      }
      for (String source : List.of("membership", "send")) {
        Counter deaths = metrics.find("tts.node.deaths").tag("source", source).counter();
        System.out.printf(Locale.ROOT, "node deaths detected first by %s: %.0f%n", source,
            deaths == null ? 0 : deaths.count());
      }
      for (String outcome : List.of("sent", "won")) {
        Counter hedges = metrics.find("tts.hedges").tag("outcome", outcome).counter();
        System.out.printf(Locale.ROOT, "hedges %s: %.0f%n", outcome, hedges == null ? 0 : hedges.count());
      }
    }
    System.exit(0);
  }

  private static boolean complete(Round round, Round baseline) {
    return "audio_end".equals(round.end().getString("type")) && round.sentences().equals(baseline.sentences())
        && round.pcm().equals(baseline.pcm());
  }

  private static void print(String round, String killAt, Round result, Round baseline) {
    System.out.printf(Locale.ROOT, "%-9s %-10s %-9s %-9d %-15.1f %-11.1f%n", round, killAt,
        complete(result, baseline) ? "yes" : "NO", result.switches(), result.longestGapMs(), result.p95GapMs());
  }
}
