package com.ervc.bench;

import com.ervc.protocol.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import java.util.function.LongFunction;

/**
 * {@code scripts/bench-admin.sh}: what the admin console costs a node. One all-roles node in a JVM of its own under
 * a bounded load of cached replies ({@link LoadGenerator}), measured in phases of the same run, alternated over
 * rounds so machine noise hits all alike: 0, 1 and 10 consoles connected over the event-bus bridge (each subscribed
 * to the nodes, providers, event-bus, sessions, cache and audit views), then 1 console with the live tail off and
 * on (tailing the busiest addresses: the reply sink and the cache lookups). Per phase: the node's CPU time per
 * second, its event-loop delay (the admin agent's 100 ms timer, mean and max over the last 5 s), event-bus messages
 * delivered per second on the node, the console frames received per second, and TTFA p50/p99; then ratios to the
 * 0-console (or tail-off) phase.
 * <p>
 * Options: {@code --sessions N} (50), {@code --rate R} total requests/s (100), {@code --duration S} per phase (10),
 * {@code --rounds N} (2), {@code --jvm-opts "..."}.
 */
public final class AdminBenchmark {
  private static final String ADMIN_TOKEN = "bench-admin-credential-0123456789";
  private static final List<String> VIEWS = List.of("nodes", "providers", "eventbus", "sessions", "cache", "audit");

  private AdminBenchmark() {
  }

  /** One phase's figures. */
  private record Figures(double cpuPerSecond, double loopMeanMs, double loopMaxMs, double busPerSecond,
                         double framesPerSecond, double p50, double p99, long replies) {
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = LoadBenchmark.options(args);
    int sessions = Integer.parseInt(opts.getOrDefault("sessions", "50"));
    double rate = Double.parseDouble(opts.getOrDefault("rate", "100"));
    long durationMs = (long) (Double.parseDouble(opts.getOrDefault("duration", "10")) * 1000);
    int rounds = Integer.parseInt(opts.getOrDefault("rounds", "2"));
    List<String> jvmOpts = List.of(opts.getOrDefault("jvm-opts", "").trim().split("\\s+")).stream()
        .filter(s -> !s.isEmpty()).toList();

    Map<String, String> env = LoadBenchmark.nodeEnv("bench-admin-" + UUID.randomUUID().toString().substring(0, 8),
        sessions);
    int port = LoadBenchmark.freePort();
    env.put("HTTP_PORT", Integer.toString(port));
    env.put("ADMIN_TOKEN", ADMIN_TOKEN);
    LoadBenchmark.Server node = LoadBenchmark.Server.start("admin-node", jvmOpts, List.of(
        "-Dhazelcast.logging.type=slf4j", "-jar", System.getProperty("ervc.jar", "target/ervc.jar")), env, port);
    Vertx vertx = Vertx.vertx();
    try {
      node.awaitReady();
      WebClient http = WebClient.create(vertx);
      List<String> tokens = LoadBenchmark.tokens(port, sessions);
      IntFunction<String> uri = session -> "/ws?token=" + tokens.get(session);
      LongFunction<String> text = n -> LoadBenchmark.CACHED_TEXT;
      LoadGenerator.Options load = new LoadGenerator.Options("127.0.0.1", port, sessions, rate, durationMs, uri,
          text, 0, 0);
      String nodeId = nodes(http, port).getJsonObject(0).getString("node");
      System.out.printf(Locale.ROOT, "node %s on port %d; %d sessions at %.0f requests/s, %d s phases, %d rounds%n",
          nodeId, port, sessions, rate, durationMs / 1000, rounds);
      new LoadGenerator(vertx, new LoadGenerator.Options("127.0.0.1", port, sessions, rate, 5_000, uri, text, 0, 0))
          .run(); // warm-up, also fills the cache

      Map<String, List<Figures>> phases = new LinkedHashMap<>();
      JsonArray tailed = new JsonArray().add("tts.sink.<nodeId>").add(Addresses.CACHE_GET);
      for (int round = 0; round < rounds; round++) {
        for (int consoles : List.of(0, 1, 10)) {
          phases.computeIfAbsent(consoles + " consoles", k -> new ArrayList<>())
              .add(phase(vertx, http, node, load, consoles, false));
        }
        post(http, port, "/admin/v1/tail/start", new JsonObject().put("confirm", "start").put("addresses", tailed)
            .put("seconds", 600));
        phases.computeIfAbsent("1 console, tail on", k -> new ArrayList<>())
            .add(phase(vertx, http, node, load, 1, true));
        post(http, port, "/admin/v1/tail/stop", new JsonObject().put("confirm", "stop"));
        phases.computeIfAbsent("1 console, tail off", k -> new ArrayList<>())
            .add(phase(vertx, http, node, load, 1, true));
      }
      report(phases);
    } finally {
      vertx.close().await(30, TimeUnit.SECONDS);
      node.process.destroy();
      node.process.waitFor(30, TimeUnit.SECONDS);
    }
  }

  private static JsonArray nodes(WebClient http, int port) throws Exception {
    return http.get(port, "127.0.0.1", "/admin/v1/nodes").bearerTokenAuthentication(ADMIN_TOKEN).send()
        .await(30, TimeUnit.SECONDS).bodyAsJsonArray();
  }

  private static JsonObject post(WebClient http, int port, String path, JsonObject body) throws Exception {
    var answer = http.post(port, "127.0.0.1", path).bearerTokenAuthentication(ADMIN_TOKEN).sendJsonObject(body)
        .await(30, TimeUnit.SECONDS);
    if (answer.statusCode() != 200) {
      throw new IllegalStateException(path + " answered " + answer.statusCode() + " " + answer.bodyAsString());
    }
    return answer.bodyAsJsonObject();
  }

  private static long busReceived(JsonObject status) {
    return status.getJsonObject("eventBus").getJsonObject("received").stream()
        .mapToLong(e -> ((Number) e.getValue()).longValue()).sum();
  }

  /** Opens {@code consoles} bridge sockets (subscribed to the views, and the tail with {@code tail}), runs the load. */
  private static Figures phase(Vertx vertx, WebClient http, LoadBenchmark.Server node, LoadGenerator.Options load,
                               int consoles, boolean tail) throws Exception {
    WebSocketClient client = vertx.createWebSocketClient();
    AtomicLong frames = new AtomicLong();
    List<WebSocket> sockets = new ArrayList<>();
    for (int i = 0; i < consoles; i++) {
      String ticket = post(http, load.port(), "/admin/v1/bridge/ticket", new JsonObject()).getString("ticket");
      WebSocket socket = client.connect(load.port(), "127.0.0.1", "/admin/eventbus/websocket?ticket=" + ticket)
          .await(30, TimeUnit.SECONDS);
      socket.handler(data -> frames.incrementAndGet());
      List<String> views = new ArrayList<>(VIEWS);
      if (tail) {
        views.add("tail");
      }
      for (String view : views) {
        socket.writeTextMessage(new JsonObject().put("type", "register").put("address", Addresses.adminView(view))
            .encode());
      }
      sockets.add(socket);
    }
    // The bridge closes sockets that stop pinging.
    long pinger = vertx.setPeriodic(5_000, id -> sockets.forEach(s -> s.writeTextMessage("{\"type\":\"ping\"}")));
    long framesBefore = frames.get();
    JsonObject before = nodes(http, load.port()).getJsonObject(0);
    long cpuBefore = node.cpuMs();
    long start = System.nanoTime();
    LoadGenerator.Result result = new LoadGenerator(vertx, load).run();
    double seconds = (System.nanoTime() - start) / 1e9;
    long cpu = node.cpuMs() - cpuBefore;
    JsonObject after = nodes(http, load.port()).getJsonObject(0);
    long framesDuring = frames.get() - framesBefore;
    vertx.cancelTimer(pinger);
    Future.join(sockets.stream().map(WebSocket::close).toList()).await(30, TimeUnit.SECONDS);
    client.close();
    JsonObject delay = after.getJsonObject("eventLoopDelay");
    return new Figures(cpu / 1000.0 / seconds, delay.getDouble("meanMs"), delay.getDouble("maxMs"),
        (busReceived(after) - busReceived(before)) / seconds, framesDuring / seconds, result.ttfaMs(50),
        result.ttfaMs(99), result.replies);
  }

  private static void report(Map<String, List<Figures>> phases) {
    Map<String, Figures> mean = new LinkedHashMap<>();
    phases.forEach((name, runs) -> mean.put(name, new Figures(
        runs.stream().mapToDouble(Figures::cpuPerSecond).average().orElse(0),
        runs.stream().mapToDouble(Figures::loopMeanMs).average().orElse(0),
        runs.stream().mapToDouble(Figures::loopMaxMs).max().orElse(0),
        runs.stream().mapToDouble(Figures::busPerSecond).average().orElse(0),
        runs.stream().mapToDouble(Figures::framesPerSecond).average().orElse(0),
        runs.stream().mapToDouble(Figures::p50).average().orElse(0),
        runs.stream().mapToDouble(Figures::p99).average().orElse(0),
        runs.stream().mapToLong(Figures::replies).sum())));
    System.out.printf(Locale.ROOT, "%n%-22s %9s %9s %9s %11s %9s %9s %9s %8s%n", "phase (mean of rounds)",
        "cpu s/s", "loop ms", "loop max", "bus msg/s", "frames/s", "TTFA p50", "TTFA p99", "replies");
    mean.forEach((name, f) -> System.out.printf(Locale.ROOT, "%-22s %9.3f %9.2f %9.1f %11.0f %9.1f %9.1f %9.1f %8d%n",
        name, f.cpuPerSecond(), f.loopMeanMs(), f.loopMaxMs(), f.busPerSecond(), f.framesPerSecond(), f.p50(),
        f.p99(), f.replies()));
    System.out.printf(Locale.ROOT, "%nratios                  cpu s/s   loop ms bus msg/s  TTFA p50  TTFA p99%n");
    ratio("1 console / 0", mean.get("1 consoles"), mean.get("0 consoles"));
    ratio("10 consoles / 0", mean.get("10 consoles"), mean.get("0 consoles"));
    ratio("tail on / off", mean.get("1 console, tail on"), mean.get("1 console, tail off"));
  }

  private static void ratio(String label, Figures f, Figures base) {
    System.out.printf(Locale.ROOT, "%-22s %9.2f %9.2f %9.2f %9.2f %9.2f%n", label, f.cpuPerSecond() / base.cpuPerSecond(),
        f.loopMeanMs() / base.loopMeanMs(), f.busPerSecond() / base.busPerSecond(), f.p50() / base.p50(),
        f.p99() / base.p99());
  }
}
