package com.ervc.bench;

import com.ervc.node.Node;
import com.ervc.testing.TestNodes;
import com.ervc.testing.WsProbe;
import io.vertx.core.json.JsonObject;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Locale;

/**
 * Time to first audio, measured side by side in one run: running espeak-ng directly (process start to its first
 * PCM bytes), the full service over WebSocket on a cold cache (send to first binary frame), and the service on a
 * warm cache. The three are interleaved round by round so machine noise hits them alike.
 * Run with scripts/bench-ttfa.sh [rounds].
 */
public final class TtfaBenchmark {
  private static final String SENTENCE = "The quick brown fox jumps over the lazy dog";
  private static final int WAV_HEADER_BYTES = 44;
  private static final int WARMUP = 10;

  private TtfaBenchmark() {
  }

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 60;
    Map<String, String> env = TestNodes.env(TestNodes.uniqueClusterName());
    // Two messages a round: the default 50 messages a minute per connection would drop requests mid-run.
    env.put("WEBSOCKET_RATE_LIMIT", "100000");
    Node node = TestNodes.start(env);
    List<Double> direct = new ArrayList<>();
    List<Double> cold = new ArrayList<>();
    List<Double> warm = new ArrayList<>();
    try (WsProbe ws = new WsProbe(node.vertx(), node.httpPort())) {
      ws.nextOfType("ready");
      String cachedText = SENTENCE + ", again and again.";
      speak(ws, cachedText, "prime");
      for (int i = -WARMUP; i < rounds; i++) {
        String fresh = SENTENCE + " " + spell(i + WARMUP) + " times.";
        double d = directEspeakMs(fresh);
        double c = speak(ws, fresh, "cold" + i);
        double w = speak(ws, cachedText, "warm" + i);
        if (i >= 0) {
          direct.add(d);
          cold.add(c);
          warm.add(w);
        }
      }
    } finally {
      TestNodes.stop(node);
    }
    System.out.printf(Locale.ROOT, "TTFA over %d rounds (ms)            median      p95%n", rounds);
    row("espeak-ng run directly", direct);
    row("service, WebSocket, cache miss", cold);
    row("service, WebSocket, cache hit", warm);
    System.out.printf(Locale.ROOT, "ratio cache-miss / direct   (median) %.2f%n", median(cold) / median(direct));
    System.out.printf(Locale.ROOT, "ratio cache-hit  / direct   (median) %.2f%n", median(warm) / median(direct));
    System.out.printf(Locale.ROOT, "ratio cache-hit  / miss     (median) %.2f%n", median(warm) / median(cold));
    System.exit(0);
  }

  private static double speak(WsProbe ws, String text, String id) throws Exception {
    return speak(ws, new JsonObject().put("type", "synthesize").put("id", id).put("text", text));
  }

  /** Milliseconds from sending a synthesize message to the first binary audio frame; waits for the end of the reply. */
  public static double speak(WsProbe ws, JsonObject synthesize) throws Exception {
    String id = synthesize.getString("id");
    long start = System.nanoTime();
    ws.send(synthesize);
    double ttfa = -1;
    while (true) {
      WsProbe.Frame frame = ws.next();
      if (ttfa < 0 && frame.binary() != null) {
        ttfa = (System.nanoTime() - start) / 1e6;
      }
      if (frame.json() != null && id.equals(frame.json().getString("id"))
          && (frame.isType("audio_end") || frame.isType("error"))) {
        if (frame.isType("error")) {
          throw new IllegalStateException(frame.json().encode());
        }
        return ttfa;
      }
    }
  }

  /** Milliseconds from starting espeak-ng to its first PCM bytes on stdout (the fair "direct" TTFA). */
  private static double directEspeakMs(String text) throws Exception {
    long start = System.nanoTime();
    Process process = new ProcessBuilder("espeak-ng", "--stdout", "-v", "en-us", "--stdin")
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    try (OutputStream in = process.getOutputStream()) {
      in.write(text.getBytes(StandardCharsets.UTF_8));
    }
    double ttfa;
    try (InputStream out = process.getInputStream()) {
      byte[] buffer = new byte[WAV_HEADER_BYTES + 1];
      int read = 0;
      while (read < buffer.length) {
        int n = out.read(buffer, read, buffer.length - read);
        if (n < 0) {
          throw new IllegalStateException("espeak-ng produced no audio");
        }
        read += n;
      }
      ttfa = (System.nanoTime() - start) / 1e6;
      out.transferTo(OutputStream.nullOutputStream());
    }
    process.waitFor();
    return ttfa;
  }

  private static String spell(int n) {
    String[] ones = {"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"};
    StringBuilder words = new StringBuilder();
    for (char digit : Integer.toString(n).toCharArray()) {
      words.append(words.isEmpty() ? "" : " ").append(ones[digit - '0']);
    }
    return words.toString();
  }

  static void row(String label, List<Double> values) {
    System.out.printf(Locale.ROOT, "%-34s %8.2f %8.2f%n", label, median(values), percentile(values, 95));
  }

  public static double median(List<Double> values) {
    return percentile(values, 50);
  }

  public static double percentile(List<Double> values, int p) {
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(sorted);
    int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }
}
