package com.ervc.bench;

import com.ervc.node.Node;
import com.ervc.profile.ProfileResolver;
import com.ervc.testing.ProfileUploads;
import com.ervc.testing.TestNodes;
import com.ervc.testing.WsProbe;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What speaking with a voice profile costs, side by side in one run on one node: cache-hit time to first audio over
 * WebSocket with {@code voice: "profile:<id>"} and with the same base voice and settings given by hand (the same
 * audio, from the audio cache), interleaved; then the in-memory lookup alone. Run with
 * scripts/bench-cloning.sh profiles [rounds].
 */
public final class ProfileResolutionBenchmark {
  private ProfileResolutionBenchmark() {
  }

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 200;
    Path dir = Files.createTempDirectory("ervc-profile-bench");
    Map<String, String> env = TestNodes.env(TestNodes.uniqueClusterName());
    // Hundreds of requests on one connection within a minute: above the default per-connection message rate.
    env.putAll(Map.of("ENABLE_CLONING", "true", "VOICE_CLONING_DIR", dir.toString(), "WEBSOCKET_RATE_LIMIT",
        "1000000"));
    Node node = TestNodes.start(env);
    WebClient http = WebClient.create(node.vertx());
    try {
      JsonObject tokens = TestNodes.devTokens(node.vertx(), node.httpPort());
      var created = ProfileUploads.create(http, node.httpPort(), tokens.getString("apiToken"),
          ProfileUploads.metadata("Bench", "Bench Speaker"), ProfileUploads.speech(3));
      if (created.statusCode() != 201) {
        throw new IllegalStateException("profile not created: " + created.bodyAsString());
      }
      JsonObject profile = created.bodyAsJsonObject();
      String text = "The cache answers this sentence.";
      JsonObject viaProfile = new JsonObject().put("type", "synthesize").put("text", text)
          .put("voice", profile.getString("voiceId"));
      JsonObject byHand = new JsonObject().put("type", "synthesize").put("text", text).put("provider", "espeak")
          .put("voice", "en-gb").put("speed", 1.25).put("emotion", "calm");
      double[] withProfile = new double[rounds];
      double[] without = new double[rounds];
      try (WsProbe ws = new WsProbe(node.vertx(), node.httpPort(), "/ws?token=" + tokens.getString("token"))) {
        ttfaMs(ws, viaProfile, "warm-1");
        ttfaMs(ws, byHand, "warm-2");
        for (int i = 0; i < rounds; i++) {
          withProfile[i] = ttfaMs(ws, viaProfile, "p" + i);
          without[i] = ttfaMs(ws, byHand, "h" + i);
        }
      }
      double p50With = percentile(withProfile, 50);
      double p50Without = percentile(without, 50);
      System.out.printf("cache-hit TTFA over WebSocket, %d interleaved rounds each (ms)%n", rounds);
      System.out.printf("%-26s %8s %8s%n", "", "p50", "p95");
      System.out.printf("%-26s %8.3f %8.3f%n", "voice en-gb + settings", p50Without, percentile(without, 95));
      System.out.printf("%-26s %8.3f %8.3f%n", "voice profile:<id>", p50With, percentile(withProfile, 95));
      System.out.printf("profile / plain p50 ratio: %.3f, difference %.3f ms%n", p50With / p50Without,
          p50With - p50Without);

      ProfileResolver resolver = new ProfileResolver(node.voiceProfiles().orElseThrow(), 100, Duration.ofMinutes(10));
      String id = profile.getString("id");
      String owner = profile.getString("owner");
      var context = node.vertx().getOrCreateContext();
      resolver.forOwner(id, owner, context).await(10, TimeUnit.SECONDS);
      int lookups = 200_000;
      long start = System.nanoTime();
      for (int i = 0; i < lookups; i++) {
        resolver.forOwner(id, owner, context);
      }
      System.out.printf("in-memory profile lookup (cache hit): %.0f ns each over %d lookups%n",
          (System.nanoTime() - start) / (double) lookups, lookups);
    } finally {
      http.close();
      TestNodes.stop(node);
    }
  }

  private static double ttfaMs(WsProbe ws, JsonObject request, String id) throws Exception {
    long sent = System.nanoTime();
    ws.send(request.copy().put("id", id));
    WsProbe.Reply reply = ws.collect(id);
    if (!"audio_end".equals(reply.last().getString("type")) || reply.audio().isEmpty()) {
      throw new IllegalStateException("request " + id + " failed: " + reply.last().encode());
    }
    if (!id.startsWith("warm") && !reply.last().getBoolean("cached")) {
      throw new IllegalStateException("request " + id + " missed the audio cache: " + reply.last().encode());
    }
    return (reply.audio().get(0).receivedNanos() - sent) / 1e6;
  }

  private static double percentile(double[] values, int percent) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(percent / 100.0 * sorted.length) - 1)];
  }
}
