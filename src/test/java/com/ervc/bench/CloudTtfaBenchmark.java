package com.ervc.bench;

import com.ervc.config.ServiceConfig;
import com.ervc.metrics.ServiceMetrics;
import com.ervc.node.Node;
import com.ervc.protocol.Emotion;
import com.ervc.protocol.QualityTier;
import com.ervc.protocol.TtsRequest;
import com.ervc.provider.ProviderHarness;
import com.ervc.provider.ProviderVerticle;
import com.ervc.provider.azure.AzureVerticle;
import com.ervc.provider.azure.FakeAzureSpeechServer;
import com.ervc.provider.cloud.FakeCloudServer;
import com.ervc.provider.elevenlabs.ElevenLabsVerticle;
import com.ervc.provider.elevenlabs.FakeElevenLabsServer;
import com.ervc.provider.openai.FakeOpenAiServer;
import com.ervc.provider.openai.FakeRealtimeServer;
import com.ervc.provider.openai.OpenAiVerticle;
import com.ervc.testing.Await;
import com.ervc.testing.TestNodes;
import com.ervc.testing.WsProbe;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

/**
 * Time to first audio through each cloud provider, against its fake (which streams a sentence in 5 chunks 40 ms
 * apart, so a whole sentence takes about 160 ms to arrive), measured side by side in one run: the provider itself
 * (request to its first AudioOut write, and to the end) and the whole service over WebSocket on a cold cache
 * (request to the first binary frame). While the event-bus reply still carries whole sentences, the service's
 * first frame waits for the provider's end; with chunk streaming it should approach the provider's first chunk.
 * Then the openai provider's Realtime transport: the service's first frame against the fake's first audio delta,
 * and a cold against a warm session. Run with scripts/bench-cloud.sh [rounds].
 */
public final class CloudTtfaBenchmark {
  private static final String KEY = "bench-key-0123456789abcdef";
  private static final int WARMUP = 5;

  private CloudTtfaBenchmark() {
  }

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 30;
    Vertx fakes = Vertx.vertx();
    Map<String, FakeCloudServer> servers = new LinkedHashMap<>();
    servers.put("elevenlabs", new FakeElevenLabsServer(fakes, KEY).start());
    servers.put("azure", new FakeAzureSpeechServer(fakes, KEY).start());
    servers.put("openai", new FakeOpenAiServer(fakes, KEY).start());
    servers.values().forEach(s -> s.chunkDelayMs = 40);
    Map<String, String> env = TestNodes.env(TestNodes.uniqueClusterName());
    env.put("ELEVENLABS_BASE_URL", servers.get("elevenlabs").url());
    env.put("ELEVENLABS_API_KEY", KEY);
    env.put("AZURE_TTS_ENDPOINT", servers.get("azure").url());
    env.put("AZURE_SPEECH_KEY", KEY);
    env.put("OPENAI_BASE_URL", servers.get("openai").url() + "/v1");
    env.put("OPENAI_API_KEY", KEY);
    env.put("HEALTH_PROBE_INTERVAL_SECONDS", "3600");
    Map<String, BiFunction<ServiceMetrics, ServiceConfig, ProviderVerticle>> factories = Map.of(
        "elevenlabs", ElevenLabsVerticle::new, "azure", AzureVerticle::new, "openai", OpenAiVerticle::new);
    Map<String, String> voices = Map.of("elevenlabs", FakeElevenLabsServer.VOICE, "azure", "en-US-JennyNeural",
        "openai", "coral");
    Node node = TestNodes.start(env);
    System.out.printf(Locale.ROOT, "TTFA over %d rounds (ms)            median      p95%n", rounds);
    try (WsProbe ws = new WsProbe(node.vertx(), node.httpPort())) {
      ws.nextOfType("ready");
      for (String provider : servers.keySet()) {
        List<Double> first = new ArrayList<>();
        List<Double> whole = new ArrayList<>();
        List<Double> service = new ArrayList<>();
        try (ProviderHarness direct = ProviderHarness.deploy(factories.get(provider), env)) {
          for (int i = -WARMUP; i < rounds; i++) {
            String text = "Round " + (i + WARMUP) + " of the cloud benchmark for " + provider + ".";
            double[] times = providerTimes(direct, new TtsRequest(text, provider, voices.get(provider),
                Emotion.NEUTRAL, 0.5, QualityTier.BALANCED, 1.0, 0.0, 24_000));
            double viaService = TtfaBenchmark.speak(ws, new JsonObject().put("type", "synthesize")
                .put("id", provider + i).put("provider", provider).put("text", "Service " + text));
            if (i >= 0) {
              first.add(times[0]);
              whole.add(times[1]);
              service.add(viaService);
            }
          }
        }
        TtfaBenchmark.row(provider + " first chunk", first);
        TtfaBenchmark.row(provider + " whole sentence", whole);
        TtfaBenchmark.row(provider + " service first frame", service);
        System.out.printf(Locale.ROOT, "%s ratio service / first chunk (median) %.2f%n", provider,
            TtfaBenchmark.median(service) / TtfaBenchmark.median(first));
      }
      realtime(rounds, fakes);
    } finally {
      TestNodes.stop(node);
      for (FakeCloudServer server : servers.values()) {
        server.close();
      }
      fakes.close().await(10, TimeUnit.SECONDS);
    }
    System.exit(0);
  }

  /**
   * The openai provider on the Realtime transport (a node of its own: a node runs one openai provider): the service's
   * first WebSocket frame against the moment the fake sent the first audio delta, both from the request; and the
   * provider's first chunk on a cold session (every session closed before, so one is opened and configured) against
   * a warm one (the next sentence on the same session).
   */
  private static void realtime(int rounds, Vertx fakes) throws Exception {
    FakeRealtimeServer fake = (FakeRealtimeServer) new FakeRealtimeServer(fakes, KEY).start();
    fake.chunkDelayMs = 40;
    Map<String, String> env = TestNodes.env(TestNodes.uniqueClusterName());
    env.put("OPENAI_REALTIME_URL", fake.url());
    env.put("OPENAI_API_KEY", KEY);
    env.put("HEALTH_PROBE_INTERVAL_SECONDS", "3600");
    Node node = TestNodes.start(env);
    List<Double> delta = new ArrayList<>();
    List<Double> frame = new ArrayList<>();
    List<Double> cold = new ArrayList<>();
    List<Double> warm = new ArrayList<>();
    try (WsProbe ws = new WsProbe(node.vertx(), node.httpPort());
         ProviderHarness direct = ProviderHarness.deploy(OpenAiVerticle::new, env)) {
      ws.nextOfType("ready");
      for (int i = -WARMUP; i < rounds; i++) {
        String text = "Round " + (i + WARMUP) + " of the Realtime benchmark.";
        long sent = System.nanoTime();
        double viaService = TtfaBenchmark.speak(ws, new JsonObject().put("type", "synthesize")
            .put("id", "realtime" + i).put("provider", "openai").put("text", "Service " + text));
        double fakeDelta = (fake.firstDeltaAt() - sent) / 1e6;
        fake.closeAllSessions();
        Await.until("the benchmark's sessions are closed", Duration.ofSeconds(5), () -> fake.openSessions() == 0);
        TtsRequest sentence = new TtsRequest(text, "openai", "coral", Emotion.NEUTRAL, 0.5, QualityTier.BALANCED,
            1.0, 0.0, 24_000);
        double coldFirst = providerTimes(direct, sentence)[0];
        double warmFirst = providerTimes(direct, sentence)[0];
        if (i >= 0) {
          frame.add(viaService);
          delta.add(fakeDelta);
          cold.add(coldFirst);
          warm.add(warmFirst);
        }
      }
    } finally {
      TestNodes.stop(node);
      fake.close();
    }
    TtfaBenchmark.row("realtime fake first delta", delta);
    TtfaBenchmark.row("realtime service first frame", frame);
    System.out.printf(Locale.ROOT, "realtime ratio service first frame / fake first delta (median) %.2f%n",
        TtfaBenchmark.median(frame) / TtfaBenchmark.median(delta));
    TtfaBenchmark.row("realtime first chunk, cold session", cold);
    TtfaBenchmark.row("realtime first chunk, warm session", warm);
    System.out.printf(Locale.ROOT, "realtime ratio cold / warm session first chunk (median) %.2f%n",
        TtfaBenchmark.median(cold) / TtfaBenchmark.median(warm));
  }

  /** Milliseconds to the first AudioOut write and to the end of one synthesis. */
  private static double[] providerTimes(ProviderHarness provider, TtsRequest sentence) throws Exception {
    long start = System.nanoTime();
    double[] first = {-1};
    provider.synthesize(sentence, pcm -> {
      if (first[0] < 0) {
        first[0] = (System.nanoTime() - start) / 1e6;
      }
      return Future.succeededFuture();
    }).await(30, TimeUnit.SECONDS);
    return new double[] {first[0], (System.nanoTime() - start) / 1e6};
  }
}
