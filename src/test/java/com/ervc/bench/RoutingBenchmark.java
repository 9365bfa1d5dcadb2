package com.ervc.bench;

import com.ervc.node.Node;
import com.ervc.protocol.Addresses;
import com.ervc.protocol.BusProtocol;
import com.ervc.protocol.LoadRequest;
import com.ervc.protocol.PipelineStart;
import com.ervc.protocol.ProviderMessage;
import com.ervc.protocol.TtsRequest;
import com.ervc.testing.Await;
import com.ervc.testing.TestNodes;
import com.ervc.testing.ToneProvider;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the router and the streaming transport cost, measured side by side in one run on a real three-node
 * cluster in this JVM (nodes talk over loopback TCP like separate hosts): a pipeline node (with a cache that
 * stores nothing, so every sentence is synthesized) and two provider nodes running the test "tone" provider, which
 * produces a sentence's audio at once (no engine time), so what remains is transport and routing.
 * <ul>
 *   <li><b>direct</b>: one sentence sent straight to one provider instance address, the whole PCM in the reply
 *       (what a client of a single provider would do);</li>
 *   <li><b>routed</b>: the same sentence through {@code tts.pipeline.synthesize}: router choice among every
 *       instance, streamed request to the instance, chunks back to the pipeline, re-chunked to 100 ms and sent
 *       to a sink with acknowledgements, as the gateway receives them.</li>
 * </ul>
 * Latency rounds alternate the two paths one request at a time; throughput runs alternate batches of
 * concurrent requests. Run with scripts/bench-routing.sh [rounds] [concurrency] [instances per provider node].
 */
public final class RoutingBenchmark {
  private static final int WARMUP = 30;

  /** The end of one routed reply as the sink saw it. */
  private record Routed(double firstAudioMs, double totalMs, int chunks) {
  }

  private final EventBus bus;
  private final String sink = "bench.sink." + UUID.randomUUID();
  private final Map<String, Promise<Routed>> open = new ConcurrentHashMap<>();
  private final Map<String, long[]> progress = new ConcurrentHashMap<>();

  private RoutingBenchmark(EventBus bus) {
    this.bus = bus;
  }

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 300;
    int concurrency = args.length > 1 ? Integer.parseInt(args[1]) : 8;
    int perNode = args.length > 2 ? Integer.parseInt(args[2]) : 2;
    String cluster = TestNodes.uniqueClusterName();
    Map<String, String> common = Map.of("ESPEAK_ENABLED", "false", "ONNX_ENABLED", "false", "CACHE_SIZE", "0",
        "LOG_LEVEL", "WARN");
    List<Node> nodes = new ArrayList<>();
    try {
      Map<String, String> env = TestNodes.env(cluster);
      env.putAll(common);
      env.put("NODE_ROLES", "pipeline,cache");
      Node pipeline = TestNodes.start(env);
      nodes.add(pipeline);
      for (int n = 0; n < 2; n++) {
        Map<String, String> providerEnv = TestNodes.env(cluster);
        providerEnv.putAll(common);
        providerEnv.put("NODE_ROLES", "providers");
        Node node = TestNodes.start(providerEnv);
        nodes.add(node);
        for (int i = 0; i < perNode; i++) {
          ToneProvider.deployOn(node);
        }
      }
      RoutingBenchmark bench = new RoutingBenchmark(pipeline.vertx().eventBus());
      bench.run(rounds, concurrency, bench.toneInstances(2 * perNode));
    } finally {
      Collections.reverse(nodes);
      nodes.forEach(TestNodes::stop);
    }
    System.exit(0);
  }

  private void run(int rounds, int concurrency, List<String> instances) throws Exception {
    bus.<Object>consumer(sink, this::onStreamMessage).completion().await(10, TimeUnit.SECONDS);
    String direct = instances.get(0);
    List<Double> directMs = new ArrayList<>();
    List<Double> routedFirstMs = new ArrayList<>();
    List<Double> routedTotalMs = new ArrayList<>();
    List<Double> addedPerRequestMs = new ArrayList<>();
    List<Double> addedPerChunkMs = new ArrayList<>();
    int chunks = 0;
    for (int i = -WARMUP; i < rounds; i++) {
      String text = sentence(i + WARMUP);
      double d = direct(direct, text).await(30, TimeUnit.SECONDS);
      Routed r = routed(text).await(30, TimeUnit.SECONDS);
      if (i >= 0) {
        directMs.add(d);
        routedFirstMs.add(r.firstAudioMs());
        routedTotalMs.add(r.totalMs());
        addedPerRequestMs.add(r.totalMs() - d);
        addedPerChunkMs.add((r.totalMs() - d) / r.chunks());
        chunks = r.chunks();
      }
    }
    System.out.printf(Locale.ROOT, "Routing benchmark: %d tone instances on 2 provider nodes, %d rounds, sentences of"
        + " %d ms audio delivered in %d chunks%n", instances.size(), rounds, sentence(0).length() * 10, chunks);
    System.out.printf(Locale.ROOT, "%-52s %9s %9s%n", "latency (ms)", "p50", "p99");
    row("direct: one instance, whole sentence in the reply", directMs);
    row("routed: first audio chunk at the sink", routedFirstMs);
    row("routed: whole sentence at the sink", routedTotalMs);
    row("router + streaming added, per request", addedPerRequestMs);
    row("router + streaming added, per delivered chunk", addedPerChunkMs);
    System.out.printf(Locale.ROOT, "ratio routed first chunk / direct (p50) %.2f%n",
        percentile(routedFirstMs, 50) / percentile(directMs, 50));
    System.out.printf(Locale.ROOT, "ratio routed whole / direct       (p50) %.2f%n",
        percentile(routedTotalMs, 50) / percentile(directMs, 50));

    int batch = Math.max(concurrency * 25, 100);
    List<Double> directRps = new ArrayList<>();
    List<Double> routedRps = new ArrayList<>();
    for (int repeat = 0; repeat < 3; repeat++) {
      directRps.add(throughput(batch, concurrency, text -> direct(direct, text).mapEmpty()));
      routedRps.add(throughput(batch, concurrency, text -> routed(text).mapEmpty()));
    }
    System.out.printf(Locale.ROOT, "throughput, %d concurrent, %d requests a batch, median of 3 batches (requests/s)%n",
        concurrency, batch);
    System.out.printf(Locale.ROOT, "  direct to one instance                  %9.1f%n", percentile(directRps, 50));
    System.out.printf(Locale.ROOT, "  routed over %d instances                 %9.1f%n", instances.size(),
        percentile(routedRps, 50));
    System.out.printf(Locale.ROOT, "ratio routed / direct throughput          %.2f%n",
        percentile(routedRps, 50) / percentile(directRps, 50));
  }

  /** Distinct sentences of equal length (a hit in any cache would flatter a path). */
  private static String sentence(int n) {
    return String.format(Locale.ROOT, "Routing benchmark sentence %08d.", n);
  }

  private static TtsRequest request(String text) {
    return TtsRequest.parse(new JsonObject().put("text", text).put("provider", ToneProvider.NAME), 5000, 24000);
  }

  private Future<Double> direct(String address, String text) {
    long start = System.nanoTime();
    ProviderMessage.Probe probe = new ProviderMessage.Probe(request(text));
    return bus.<Buffer>request(address, probe.body(),
            BusProtocol.stamp(new DeliveryOptions().setSendTimeout(30_000), probe))
        .map(reply -> {
          if (reply.body().length() != ToneProvider.expected(text).length()) {
            throw new IllegalStateException("direct reply has " + reply.body().length() + " bytes");
          }
          return (System.nanoTime() - start) / 1e6;
        });
  }

  private Future<Routed> routed(String text) {
    String stream = UUID.randomUUID().toString();
    Promise<Routed> done = Promise.promise();
    open.put(stream, done);
    progress.put(stream, new long[] {System.nanoTime(), -1, 0, 0});
    PipelineStart start = new PipelineStart(stream, sink, request(text));
    bus.request(Addresses.PIPELINE_SYNTHESIZE, start.body(),
            BusProtocol.stamp(new DeliveryOptions().setSendTimeout(30_000), start))
        .onFailure(failure -> finish(stream, failure));
    return done.future();
  }

  /** The sink: acknowledges every stream message like the gateway does, and times the audio. */
  private void onStreamMessage(Message<Object> msg) {
    String stream = msg.headers().get(Addresses.H_STREAM);
    long[] p = progress.get(stream); // start, first audio, audio bytes, chunks
    msg.reply(null);
    if (p == null) {
      return;
    }
    switch (String.valueOf(msg.headers().get(BusProtocol.H_TYPE))) {
      case "audio" -> {
        if (p[1] < 0) {
          p[1] = System.nanoTime();
        }
        p[2] += ((Buffer) msg.body()).length();
        p[3]++;
      }
      case "end" -> finish(stream, null);
      case "error" -> finish(stream, new IllegalStateException("routed reply failed: " + msg.body()));
      default -> {
      }
    }
  }

  private void finish(String stream, Throwable failure) {
    Promise<Routed> done = open.remove(stream);
    long[] p = progress.remove(stream);
    if (done == null) {
      return;
    }
    if (failure != null) {
      done.fail(failure);
      return;
    }
    long now = System.nanoTime();
    done.complete(new Routed((p[1] - p[0]) / 1e6, (now - p[0]) / 1e6, (int) p[3]));
  }

  private interface Call {
    Future<Void> send(String text);
  }

  /** Requests per second for {@code total} requests kept {@code concurrency} in flight. */
  private static double throughput(int total, int concurrency, Call call) throws Exception {
    AtomicInteger next = new AtomicInteger();
    Promise<Void> all = Promise.promise();
    AtomicInteger running = new AtomicInteger(concurrency);
    long start = System.nanoTime();
    for (int worker = 0; worker < concurrency; worker++) {
      loop(next, total, call, running, all);
    }
    all.future().await(5, TimeUnit.MINUTES);
    return total / ((System.nanoTime() - start) / 1e9);
  }

  private static void loop(AtomicInteger next, int total, Call call, AtomicInteger running, Promise<Void> all) {
    int n = next.getAndIncrement();
    if (n >= total) {
      if (running.decrementAndGet() == 0) {
        all.tryComplete();
      }
      return;
    }
    call.send(sentence(1_000_000 + n)).onComplete(ar -> {
      if (ar.failed()) {
        all.tryFail(ar.cause());
      } else {
        loop(next, total, call, running, all);
      }
    });
  }

  /** Addresses of the tone instances, from their load reports, once all of them have reported. */
  private List<String> toneInstances(int expected) throws Exception {
    Set<String> seen = ConcurrentHashMap.newKeySet();
    var consumer = bus.<JsonObject>consumer(Addresses.PROVIDER_LOAD, msg -> {
      JsonObject load = msg.body();
      if (ToneProvider.NAME.equals(load.getJsonObject("info").getString("name"))) {
        seen.add(load.getString("address"));
      }
    });
    consumer.completion().await(10, TimeUnit.SECONDS);
    AtomicInteger polls = new AtomicInteger();
    try {
      Await.until(() -> "all " + expected + " tone instances report; " + seen.size() + " did", Duration.ofSeconds(30),
          () -> {
            if (polls.getAndIncrement() % 10 == 0) {
              // new members may have missed the first call
              bus.publish(Addresses.PROVIDER_LOAD_REQUEST, null, BusProtocol.options(new LoadRequest()));
            }
            return seen.size() >= expected;
          });
    } finally {
      consumer.unregister().await(10, TimeUnit.SECONDS);
    }
    return new ArrayList<>(seen).stream().sorted().toList();
  }

  private static void row(String label, List<Double> values) {
    System.out.printf(Locale.ROOT, "%-52s %9.2f %9.2f%n", label, percentile(values, 50), percentile(values, 99));
  }

  private static double percentile(List<Double> values, int pct) {
    List<Double> sorted = values.stream().sorted().toList();
    int index = (int) Math.ceil(pct / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
  }
}
