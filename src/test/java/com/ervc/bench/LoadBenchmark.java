package com.ervc.bench;

import com.ervc.testing.RedisServer;
import com.ervc.testing.TestNodes;
import com.ervc.testing.WsProbe;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import java.util.function.LongFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code scripts/bench-load.sh}: drives the same WebSocket load ({@link LoadGenerator}) against this service and
 * against the bare-transport floor ({@link FloorServer}, the same frames with no other work), alternating between
 * the two in rounds so that machine noise hits both alike, and prints TTFA percentiles, replies/s, late-chunk share,
 * resident memory and GC pauses of both server JVMs, with the ratios. Both servers run in JVMs of their own with the
 * same JVM options (those of {@code scripts/run.sh}); GC pauses are read from their {@code -Xlog:gc} files.
 * <p>
 * Options (all optional): {@code --sessions N} (200), {@code --rate R} total requests/s, 0 = back to back (0),
 * {@code --duration S} measured seconds per target (20), {@code --warmup S} (8), {@code --rounds N} (2),
 * {@code --text cached|uncached} (cached), {@code --provider-nodes N} (0: one all-roles node; N: a gateway,
 * pipeline and cache node plus N provider nodes), {@code --target PORT} (a node already running on this machine,
 * in dev auth mode, with limits raised as in {@link #nodeEnv}), {@code --target-pid PID} (its process, for memory
 * and no GC log), {@code --redis-outage S} (start a redis-server for the node, kill it S seconds into a service
 * round and restart it S seconds later; prints TTFA before, during and after), {@code --jvm-opts "..."}.
 */
public final class LoadBenchmark {
  /** One sentence whose audio is 13 frames of 100 ms at 24 kHz, the frame count the figures use. */
  static final String CACHED_TEXT = "Have a lovely day.";
  /** USER_HZ of /proc/PID/stat, 100 on Linux. */
  private static final long CLOCK_TICKS = 100;
  private static final Pattern HAZELCAST_STARTED = Pattern.compile("\\[127\\.0\\.0\\.1]:([0-9]+) is STARTED");
  private static final Pattern PAUSE = Pattern.compile("Pause.*?([0-9]+\\.[0-9]+)ms\\s*$");

  private LoadBenchmark() {
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = options(args);
    int sessions = Integer.parseInt(opts.getOrDefault("sessions", "200"));
    double rate = Double.parseDouble(opts.getOrDefault("rate", "0"));
    long durationMs = (long) (Double.parseDouble(opts.getOrDefault("duration", "20")) * 1000);
    long warmupMs = (long) (Double.parseDouble(opts.getOrDefault("warmup", "8")) * 1000);
    int rounds = Integer.parseInt(opts.getOrDefault("rounds", "2"));
    boolean cached = !"uncached".equals(opts.getOrDefault("text", "cached"));
    int providerNodes = Integer.parseInt(opts.getOrDefault("provider-nodes", "0"));
    long outageMs = (long) (Double.parseDouble(opts.getOrDefault("redis-outage", "0")) * 1000);
    List<String> jvmOpts = List.of(opts.getOrDefault("jvm-opts", "").trim().split("\\s+")).stream()
        .filter(s -> !s.isEmpty()).toList();

    System.out.printf(Locale.ROOT, "machine at start: %s%n", machineLoad());
    List<Server> started = new ArrayList<>();
    RedisServer redis = outageMs > 0 ? new RedisServer().start() : null;
    Vertx vertx = Vertx.vertx();
    try {
      Server service;
      if (opts.containsKey("target")) {
        service = Server.running(Integer.parseInt(opts.get("target")), opts.containsKey("target-pid")
            ? Long.parseLong(opts.get("target-pid")) : -1);
      } else {
        service = startService(jvmOpts, providerNodes, redis, started);
      }
      int[] frames = probe(vertx, service.port);
      System.out.printf(Locale.ROOT, "one cached reply: %d frames, %d PCM bytes each, the last %d%n",
          frames[0], frames[1], frames[2]);
      int floorPort = freePort();
      Server floor = Server.start("floor", jvmOpts, List.of("-cp", System.getProperty("java.class.path"),
          FloorServer.class.getName(), Integer.toString(floorPort), Integer.toString(frames[0]),
          Integer.toString(frames[1]), Integer.toString(frames[2])), Map.of(), floorPort);
      started.add(floor);
      floor.awaitListening();
      long serviceIdleRss = service.rssKb();
      long floorIdleRss = floor.rssKb();

      LongFunction<String> text = cached ? n -> CACHED_TEXT
          : n -> "Load number " + spell(n) + " says " + (n % 2 == 0 ? "hello" : "goodbye") + " to you.";
      List<String> tokens = tokens(service.port, sessions);
      IntFunction<String> serviceUri = session -> "/ws?token=" + tokens.get(session);
      LoadGenerator.Options serviceLoad = new LoadGenerator.Options("127.0.0.1", service.port, sessions, rate,
          durationMs / rounds, serviceUri, text, 0, 0);
      LoadGenerator.Options floorLoad = new LoadGenerator.Options("127.0.0.1", floor.port, sessions, rate,
          durationMs / rounds, session -> "/ws", text, 0, 0);

      System.out.printf(Locale.ROOT, "warm-up: %d s per target%n", warmupMs / 1000);
      new LoadGenerator(vertx, withDuration(floorLoad, warmupMs)).run();
      new LoadGenerator(vertx, withDuration(serviceLoad, warmupMs)).run();

      List<LoadGenerator.Result> serviceParts = new ArrayList<>();
      List<LoadGenerator.Result> floorParts = new ArrayList<>();
      List<Double> gcService = new ArrayList<>();
      List<Double> gcFloor = new ArrayList<>();
      long[] peak = {0, 0};
      long[] outage = {0, 0, 0, 0};
      long[] cpu = {0, 0};
      for (int round = 0; round < rounds; round++) {
        floorParts.add(measure(vertx, floor, floorLoad, gcFloor, peak, cpu, 1, null));
        Runnable fault = redis != null && round == rounds - 1 ? () -> outage(redis, service.port,
            serviceLoad.durationMs(), outageMs, outage) : null;
        serviceParts.add(measure(vertx, service, serviceLoad, gcService, peak, cpu, 0, fault));
      }
      LoadGenerator.Result s = LoadGenerator.Result.merge(serviceParts);
      LoadGenerator.Result f = LoadGenerator.Result.merge(floorParts);

      System.out.printf(Locale.ROOT, "%nload: %d sessions, %s, %d s per target in %d rounds, %s text, %s%n",
          sessions, rate > 0 ? String.format(Locale.ROOT, "%.0f requests/s", rate) : "back to back",
          durationMs / 1000, rounds, cached ? "cached" : "uncached",
          providerNodes > 0 ? "gateway node + " + providerNodes + " provider node(s)" : "one node, all roles");
      System.out.printf(Locale.ROOT, "JVM options of both servers: %s%n", String.join(" ", jvmOpts));
      System.out.printf(Locale.ROOT, "machine at the end: %s%n", machineLoad());
      System.out.printf(Locale.ROOT, "%-34s %14s %14s %8s%n", "", "this service", "bare transport", "ratio");
      for (double p : new double[] {50, 95, 99, 100}) {
        row(p == 100 ? "TTFA max ms" : "TTFA p" + (int) p + " ms", s.ttfaMs(p), f.ttfaMs(p));
      }
      row("replies/s", s.repliesPerSecond(), f.repliesPerSecond());
      // CPU per reply holds still on a shared machine, where the wall-clock figures move with the neighbours.
      row("server CPU ms per reply", (double) cpu[0] / Math.max(1, s.replies), (double) cpu[1] / Math.max(1, f.replies));
      row("late chunks %", 100 * s.lateShare(), 100 * f.lateShare());
      row("RSS idle MB", serviceIdleRss / 1024.0, floorIdleRss / 1024.0);
      row("RSS peak under load MB", peak[0] / 1024.0, peak[1] / 1024.0);
      row("RSS after load MB", service.rssKb() / 1024.0, floor.rssKb() / 1024.0);
      row("GC pauses", gcService.size(), gcFloor.size());
      row("GC pause total ms", sum(gcService), sum(gcFloor));
      row("GC pause max ms", max(gcService), max(gcFloor));
      System.out.printf(Locale.ROOT, "replies: service %d (skipped turns %d, unfinished %d), floor %d%n",
          s.replies, s.skipped, s.unfinished, f.replies);
      System.out.printf(Locale.ROOT, "errors: service %s, floor %s%n", s.errorSummary(), f.errorSummary());
      if (redis != null) {
        LoadGenerator.Result last = serviceParts.get(serviceParts.size() - 1);
        System.out.printf(Locale.ROOT, "%nRedis outage of %d s in the last service round (all replies counted: "
            + "errors above)%n", outageMs / 1000);
        System.out.printf(Locale.ROOT, "%-34s %10s %10s %10s %8s%n", "", "p50 ms", "p99 ms", "max ms", "replies");
        window("before the outage", last, Long.MIN_VALUE, outage[0]);
        window("during the outage", last, outage[0], outage[1]);
        window("after Redis is back", last, outage[1], Long.MAX_VALUE);
        System.out.printf(Locale.ROOT, "p99 during / before: %.2f%n",
            last.ttfaMs(99, outage[0], outage[1]) / last.ttfaMs(99, Long.MIN_VALUE, outage[0]));
        System.out.printf(Locale.ROOT, "node marked Redis down %s after the kill; up again (cache, limits and leases "
            + "cluster-wide) %s after Redis was restarted%n", elapsed(outage[0], outage[2]),
            elapsed(outage[1], outage[3]));
        System.out.printf(Locale.ROOT, "node's Redis state after the run: %s%n", redisState(service.port));
      }
    } finally {
      for (Server server : started) {
        server.stop();
      }
      if (redis != null) {
        redis.close();
      }
      vertx.close().await(30, TimeUnit.SECONDS);
    }
    System.exit(0);
  }

  /** One measured run against {@code server}, sampling its RSS (peak into {@code peak[slot]}) and its GC pauses. */
  private static LoadGenerator.Result measure(Vertx vertx, Server server, LoadGenerator.Options load,
                                              List<Double> pauses, long[] peak, long[] cpu, int slot,
                                              Runnable fault)
      throws Exception {
    long gcFrom = server.gcLogLength();
    long cpuFrom = server.cpuMs();
    AtomicLong max = new AtomicLong();
    Thread sampler = new Thread(() -> {
      while (!Thread.currentThread().isInterrupted()) {
        max.accumulateAndGet(server.rssKb(), Math::max);
        try {
          Thread.sleep(250);
        } catch (InterruptedException e) {
          return;
        }
      }
    });
    sampler.setDaemon(true);
    sampler.start();
    Thread faults = null;
    if (fault != null) {
      faults = new Thread(fault);
      faults.start();
    }
    LoadGenerator.Result result = new LoadGenerator(vertx, load).run();
    sampler.interrupt();
    sampler.join();
    if (faults != null) {
      faults.join();
    }
    peak[slot] = Math.max(peak[slot], max.get());
    pauses.addAll(server.gcPausesSince(gcFrom));
    cpu[slot] += server.cpuMs() - cpuFrom;
    return result;
  }

  /**
   * Kills redis-server a third into the round and restarts it {@code outageMs} later, recording {kill, restart, the
   * node seen marking Redis down, the node seen using it again}: the node's one Redis state ({@code /health}'s
   * {@code services.cache.available}) is what its cache, rate limits and connection leases all follow.
   */
  private static void outage(RedisServer redis, int port, long roundMs, long outageMs, long[] moments) {
    try {
      Thread.sleep(roundMs / 3);
      moments[0] = System.nanoTime();
      redis.stop();
      moments[2] = awaitRedisState(port, false, moments[0] + TimeUnit.MILLISECONDS.toNanos(outageMs));
      long restartAt = moments[0] + TimeUnit.MILLISECONDS.toNanos(outageMs);
      Thread.sleep(Math.max(0, (restartAt - System.nanoTime()) / 1_000_000));
      redis.start();
      moments[1] = System.nanoTime();
      moments[3] = awaitRedisState(port, true, moments[1] + TimeUnit.SECONDS.toNanos(30));
    } catch (Exception e) {
      throw new IllegalStateException("the Redis outage could not be staged", e);
    }
  }

  /** When {@code /health} first showed the node's Redis as {@code available}; 0 when not seen by {@code until}. */
  private static long awaitRedisState(int port, boolean available, long until) throws InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    while (System.nanoTime() < until) {
      try {
        JsonObject cache = new JsonObject(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/health")).timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString()).body())
            .getJsonObject("services", new JsonObject()).getJsonObject("cache", new JsonObject());
        // Only the cache node's own answer counts ("no cache node answered" is the health check's timeout).
        if (cache.containsKey("backend") && cache.getBoolean("available", !available) == available) {
          return System.nanoTime();
        }
      } catch (IOException | RuntimeException e) {
        // a busy node may not answer within 2 s: ask again
      }
      Thread.sleep(100);
    }
    return 0;
  }

  private static String elapsed(long from, long to) {
    return to == 0 ? "(not seen in time)" : String.format(Locale.ROOT, "%.2f s", (to - from) / 1e9);
  }

  private static void window(String label, LoadGenerator.Result result, long from, long to) {
    System.out.printf(Locale.ROOT, "%-34s %10.2f %10.2f %10.2f %8d%n", label, result.ttfaMs(50, from, to),
        result.ttfaMs(99, from, to), result.ttfaMs(100, from, to), result.count(from, to));
  }

  /** The node's view of its cache from {@code /health} (for Redis: available, hits, misses, errors). */
  private static String redisState(int port) {
    try {
      String health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + port + "/health")).build(), HttpResponse.BodyHandlers.ofString()).body();
      return new JsonObject(health).getJsonObject("services", new JsonObject()).getJsonObject("cache",
          new JsonObject()).encode();
    } catch (Exception e) {
      return "(health unreadable: " + e.getMessage() + ")";
    }
  }

  /** The node(s): one all-roles node, or a gateway/pipeline/cache node and {@code providerNodes} provider nodes. */
  private static Server startService(List<String> jvmOpts, int providerNodes, RedisServer redis, List<Server> started)
      throws Exception {
    String cluster = TestNodes.uniqueClusterName();
    Map<String, String> env = nodeEnv(cluster, 1000);
    if (redis != null) {
      env.put("REDIS_URL", redis.url());
    }
    List<String> jar = new ArrayList<>(List.of("-Dhazelcast.logging.type=slf4j", "-jar",
        System.getProperty("ervc.jar", "target/ervc.jar")));
    if (providerNodes > 0) {
      jar.addAll(List.of("--roles", "gateway,pipeline,cache"));
    }
    int port = freePort();
    Map<String, String> gatewayEnv = new HashMap<>(env);
    gatewayEnv.put("HTTP_PORT", Integer.toString(port));
    Server service = Server.start("service", jvmOpts, jar, gatewayEnv, port);
    started.add(service);
    if (providerNodes > 0) {
      // Nodes started together on a machine with other clusters' members each became a cluster of one (seen on
      // the shared machine); the provider nodes join the gateway node's Hazelcast member directly.
      env.put("CLUSTER_MEMBERS", "127.0.0.1:" + service.awaitHazelcastPort());
    }
    for (int i = 0; i < providerNodes; i++) {
      Map<String, String> providerEnv = new HashMap<>(env);
      providerEnv.put("HTTP_PORT", "0");
      providerEnv.put("METRICS_PORT", "0");
      started.add(Server.start("provider" + i, jvmOpts, List.of("-Dhazelcast.logging.type=slf4j", "-jar",
          System.getProperty("ervc.jar", "target/ervc.jar"), "--roles", "providers"), providerEnv, 0));
    }
    service.awaitReady();
    return service;
  }

  /**
   * The node settings of the benchmark: every per-client limit raised out of the way (the load comes from one
   * address, and the benchmark measures the serving path, not the limits) and adaptive quality off (it would change
   * the tier, and so the cache key, under load). A node started by hand for {@code --target} needs the same.
   */
  static Map<String, String> nodeEnv(String cluster, int sessions) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("CLUSTER_NAME", cluster);
    env.put("HTTP_HOST", "127.0.0.1");
    env.put("SHUTDOWN_DRAIN_SECONDS", "1");
    env.put("ADAPTIVE_QUALITY", "false");
    env.put("MAX_WEBSOCKET_CONNECTIONS", Integer.toString(Math.max(1000, sessions)));
    env.put("WEBSOCKET_RATE_LIMIT", "1000000");
    env.put("WS_CONNECTIONS_PER_IP_PER_MINUTE", "1000000");
    env.put("WS_CONNECTIONS_PER_USER", "100");
    env.put("API_RATE_LIMIT", "1000000");
    env.put("CHARACTERS_PER_USER_PER_MINUTE", "100000000");
    return env;
  }

  /**
   * The audio of one cached reply: {frames, PCM bytes of a full frame, PCM bytes of the last}; primes the cache. A
   * gateway node is ready before the provider nodes started next to it have joined its cluster and reported their
   * load, so {@code provider_unavailable} is asked again, once a second for at most two minutes.
   */
  private static int[] probe(Vertx vertx, int port) throws Exception {
    long until = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    try (WsProbe ws = new WsProbe(vertx, port)) {
      ws.nextOfType("ready");
      for (int attempt = 0; ; attempt++) {
        String id = "probe" + attempt;
        ws.send(new JsonObject().put("type", "synthesize").put("id", id).put("text", CACHED_TEXT));
        WsProbe.Reply reply = ws.collect(id);
        if (reply.last().getString("type").equals("audio_end")) {
          List<WsProbe.Frame> audio = reply.audio();
          return new int[] {audio.size(), audio.get(0).pcm().length(), audio.get(audio.size() - 1).pcm().length()};
        }
        if (!"provider_unavailable".equals(reply.last().getString("code")) || System.nanoTime() > until) {
          throw new IllegalStateException("the probe request failed: " + reply.last().encode());
        }
        Thread.sleep(1_000);
      }
    }
  }

  /**
   * One dev token per session (each its own subject), fetched before the load starts. On a starved machine a node
   * just started can take many seconds per answer (the soak once failed at the 10 s of TestNodes.devTokens), so each
   * request gets a minute.
   */
  static List<String> tokens(int port, int sessions) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    List<String> tokens = new ArrayList<>();
    for (int i = 0; i < sessions; i++) {
      tokens.add(devToken(http, port, null));
    }
    return tokens;
  }

  /** A dev token: of a new subject, or of {@code current}'s subject when that is given and still valid. */
  static String devToken(HttpClient http, int port, String current) throws Exception {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + port + "/api/v1/auth/dev-token"))
        .timeout(java.time.Duration.ofMinutes(1)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(current == null ? "" : new JsonObject().put("token", current)
            .encode())).build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IllegalStateException("dev token refused (the node must run in dev auth mode): "
          + response.statusCode() + " " + response.body());
    }
    return new JsonObject(response.body()).getString("token");
  }

  /**
   * The cores and the load average (1, 5, 15 min) of this machine: the load client and the servers share it, so on
   * a machine shared with other work the figures of one run only compare with each other.
   */
  static String machineLoad() {
    try {
      String[] load = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return Runtime.getRuntime().availableProcessors() + " cores, load average " + load[0] + " " + load[1] + " "
          + load[2];
    } catch (IOException e) {
      return Runtime.getRuntime().availableProcessors() + " cores, load average unknown";
    }
  }

  private static LoadGenerator.Options withDuration(LoadGenerator.Options o, long ms) {
    return new LoadGenerator.Options(o.host(), o.port(), o.sessions(), o.rate(), ms, o.uri(), o.text(),
        o.cancelShare(), o.abortShare(), o.renewal());
  }

  private static void row(String label, double service, double floor) {
    System.out.printf(Locale.ROOT, "%-34s %14.2f %14.2f %8.2f%n", label, service, floor, service / floor);
  }

  private static double sum(List<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).sum();
  }

  private static double max(List<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).max().orElse(0);
  }

  static Map<String, String> options(String[] args) {
    Map<String, String> opts = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 == args.length) {
        throw new IllegalArgumentException("options are --name value pairs; got " + args[i]);
      }
      opts.put(args[i].substring(2), args[++i]);
    }
    return opts;
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  static String spell(long n) {
    String[] ones = {"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"};
    StringBuilder words = new StringBuilder();
    for (char digit : Long.toString(n).toCharArray()) {
      words.append(words.isEmpty() ? "" : " ").append(ones[digit - '0']);
    }
    return words.toString();
  }

  /** A server JVM started by the benchmark (or a running one): its port, process, log and GC log. */
  static final class Server {
    final String name;
    final int port;
    final Process process;
    final long pid;
    final Path log;
    final Path gcLog;

    private Server(String name, int port, Process process, long pid, Path log, Path gcLog) {
      this.name = name;
      this.port = port;
      this.process = process;
      this.pid = pid;
      this.log = log;
      this.gcLog = gcLog;
    }

    static Server running(int port, long pid) {
      return new Server("service", port, null, pid, null, null);
    }

    static Server start(String name, List<String> jvmOpts, List<String> main, Map<String, String> env, int port)
        throws IOException {
      Path log = Files.createTempFile("ervc-bench-" + name, ".log");
      Path gcLog = Files.createTempFile("ervc-bench-" + name, ".gc.log");
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.addAll(List.of(System.getenv().getOrDefault("HAZELCAST_JVM_FLAGS", "").trim().split("\\s+")));
      command.removeIf(String::isEmpty);
      command.addAll(jvmOpts);
      command.add("-Xlog:gc:file=" + gcLog + ":uptime");
      command.add("-Dlogback.configurationFile=src/test/resources/logback-quiet.xml");
      command.addAll(main);
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
      builder.environment().putAll(env);
      Process process = builder.start();
      return new Server(name, port, process, process.pid(), log, gcLog);
    }

    void awaitListening() throws Exception {
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (System.nanoTime() < until) {
        alive();
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
          return;
        } catch (IOException e) {
          Thread.sleep(100);
        }
      }
      throw new IllegalStateException(name + " did not listen on " + port + "; its log:\n" + logText());
    }

    /** The port of this node's Hazelcast member, from its log line "[127.0.0.1]:PORT ... is STARTED" (two minutes). */
    int awaitHazelcastPort() throws Exception {
      long until = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
      while (System.nanoTime() < until) {
        alive();
        Matcher started = HAZELCAST_STARTED.matcher(logText());
        if (started.find()) {
          return Integer.parseInt(started.group(1));
        }
        Thread.sleep(250);
      }
      throw new IllegalStateException(name + " started no Hazelcast member within 2 minutes; its log:\n" + logText());
    }

    /**
     * Waits for {@code /ready} (bounded: five minutes; a gateway node with two provider nodes took more than two
     * before it could speak on the shared machine at load average 35-47).
     */
    void awaitReady() throws Exception {
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
      long until = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
      while (System.nanoTime() < until) {
        alive();
        try {
          if (http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ready")).build(),
              HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
            return;
          }
        } catch (IOException e) {
          // not listening yet
        }
        Thread.sleep(250);
      }
      throw new IllegalStateException(name + " was not ready within 5 minutes; its log:\n" + logText());
    }

    private void alive() {
      if (process != null && !process.isAlive()) {
        throw new IllegalStateException(name + " exited with " + process.exitValue() + "; its log:\n" + logText());
      }
    }

    String logText() {
      try {
        return log == null ? "" : Files.readString(log);
      } catch (IOException e) {
        return "(unreadable)";
      }
    }

    /** CPU time (user + system) the process used so far, in ms; 0 when unknown. */
    long cpuMs() {
      if (pid < 0) {
        return 0;
      }
      try {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 1000 / CLOCK_TICKS;
      } catch (IOException | RuntimeException e) {
        return 0;
      }
    }

    /** Resident memory in KiB (VmRSS), 0 when unknown. */
    long rssKb() {
      if (pid < 0) {
        return 0;
      }
      try {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
          if (line.startsWith("VmRSS:")) {
            return Long.parseLong(line.replaceAll("[^0-9]", ""));
          }
        }
      } catch (IOException e) {
        return 0;
      }
      return 0;
    }

    long gcLogLength() {
      try {
        return gcLog == null ? 0 : Files.size(gcLog);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** The stop-the-world pauses (ms) logged after byte {@code from} of the GC log. */
    List<Double> gcPausesSince(long from) {
      List<Double> pauses = new ArrayList<>();
      if (gcLog == null) {
        return pauses;
      }
      try {
        String text = Files.readString(gcLog);
        for (String line : text.substring((int) Math.min(from, text.length())).split("\n")) {
          Matcher pause = PAUSE.matcher(line);
          if (pause.find()) {
            pauses.add(Double.parseDouble(pause.group(1)));
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return pauses;
    }

    void stop() throws InterruptedException {
      if (process != null && process.isAlive()) {
        process.destroy(); // SIGTERM: the node drains and leaves its cluster
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      }
    }
  }
}
