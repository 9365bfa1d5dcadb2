package com.ervc.metrics;

import com.ervc.config.Settings;
import com.ervc.protocol.ErrorCode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleSupplier;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * The service's own Prometheus metrics (docs/operations.md#metrics lists them). Every label value goes through a
 * normaliser with a closed set of answers, so no client input can create new series.
 */
public final class ServiceMetrics {
  private static final Duration[] TTFA_BUCKETS = seconds(0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2, 3, 5);
  private static final Duration[] FAILOVER_BUCKETS = seconds(0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 2, 5, 10, 30);
  private static final Duration[] RESOLUTION_BUCKETS = seconds(0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
      0.05, 0.25);
  /** The checks of the reference-audio quality gate (profile.QualityGate). */
  private static final List<String> QUALITY_CHECKS = List.of("low_sample_rate", "too_short", "too_long", "clipping",
      "mostly_silence", "too_quiet", "noisy", "dc_offset");
  private static final List<String> RESOLUTIONS = List.of("hit", "miss", "unknown", "unavailable");
  private static final Duration[] SYNTHESIS_BUCKETS = seconds(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 16, 30);
  private static final Duration[] ENCODE_BUCKETS = seconds(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5);
  private static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "WS");
  private static final List<String> DEATH_SOURCES = List.of("membership", "connection");
  private static final Set<String> TIERS = Set.of("fast", "balanced", "high");
  private static final Set<Integer> CLOSE_CODES = Set.of(1000, 1001, 1002, 1003, 1005, 1006, 1007, 1008, 1009, 1011,
      4001, 4008);
  private static final Set<String> NON_CONFORMING = Set.of("jvm.compilation.time", "process.cpu.time", "system.cpu.count");
  private static final String HTTP_RESPONSE_TIME = "vertx.http.server.response.time";
  private static final double[] HTTP_BUCKETS_NANOS = java.util.Arrays.stream(
      seconds(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)).mapToDouble(Duration::toNanos).toArray();
  private static final Set<String> BRIDGE_REFUSALS = Set.of("unauthenticated", "address");
  private static final List<String> AUTH_REASONS = List.of("missing", "invalid", "expired", "origin");
  public static final String OK = "ok";
  public static final String CANCELLED = "cancelled";
  public static final String NO_PROVIDER = "none";
  private static final String OTHER = "other";

  private final PrometheusMeterRegistry registry;
  private final String node;
  private final AtomicLong cacheHits = new AtomicLong();
  private final AtomicLong cacheMisses = new AtomicLong();
  private final Map<String, QualityReading> quality = new ConcurrentHashMap<>();
  private final Map<String, Meter> perRequestMeters = new ConcurrentHashMap<>();

  public ServiceMetrics(PrometheusMeterRegistry registry, String node) {
    this.registry = registry;
    this.node = node;
  }

  /**
   * Registers the node-wide meters. Called once Vert.x has set up its metrics, because Micrometer warns about
   * (and does not apply) filters that Vert.x adds after meters exist.
   */
  public void registerNodeMeters(List<String> roles, boolean cuda) {
    Gauge.builder("tts.node.info", () -> 1).description("1 per node, labelled with its roles and CUDA availability")
        .tag("node", node).tag("roles", String.join(",", roles)).tag("cuda", Boolean.toString(cuda)).register(registry);
    // Counters over small closed label sets start at 0, so rate() and alerts work before the first event;
    // tts_failovers_total{from,to} appears with the first failover.
    for (String success : List.of("true", "false")) {
      cloningAttempts(success);
    }
    QUALITY_CHECKS.forEach(this::qualityFailures);
    RESOLUTIONS.forEach(this::profileResolutions);
    for (String direction : List.of("up", "down")) {
      qualityChanges(direction);
    }
    hedges(false);
    hedges(true);
    DEATH_SOURCES.forEach(this::nodeDeaths);
    for (String reason : AUTH_REASONS) {
      Counter.builder("tts.auth.failures").description("Refused credentials by reason")
          .tag("reason", reason).register(registry);
    }
    Gauge.builder("cache.hit.rate", this, ServiceMetrics::cacheHitRate)
        .description("Share of sentence cache lookups answered from the cache since start (0-1)").register(registry);
  }

  public static ServiceMetrics create(String node) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    // Micrometer's JVM binders name these with abbreviated units (_ms, _ns) or a _count gauge, which Prometheus'
    // naming rules (promtool check metrics) reject; the same facts are in jvm_* and process_cpu_usage.
    registry.config().meterFilter(MeterFilter.deny(id -> NON_CONFORMING.contains(id.getName())));
    // Vert.x's HTTP response time gets explicit buckets (its own quantile option would put ~80 on every timer).
    registry.config().meterFilter(new MeterFilter() {
      @Override
      public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
        return HTTP_RESPONSE_TIME.equals(id.getName())
            ? DistributionStatisticConfig.builder().serviceLevelObjectives(HTTP_BUCKETS_NANOS).build().merge(config)
            : config;
      }
    });
    return new ServiceMetrics(registry, node);
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  public String node() {
    return node;
  }

  public void httpRequest(String method, int status) {
    String m = METHODS.contains(method) ? method : OTHER;
    String s = status >= 100 && status <= 599 ? Integer.toString(status) : OTHER;
    this.<Counter>perRequest("http", m, s, () -> Counter.builder("voice.chat.requests")
        .description("HTTP requests, and WebSocket synthesize requests (method WS)").tag("method", m).tag("status", s)
        .register(registry)).increment();
  }

  /** Follows one synthesis request from the gateway's point of view. */
  public RequestTrace request(String tier, int characters, boolean webSocket) {
    return new RequestTrace(this, TIERS.contains(tier) ? tier : OTHER, characters, webSocket);
  }

  /** A request refused before any provider was chosen (validation, limits). */
  public void rejected(ErrorCode code, boolean webSocket) {
    request(OTHER, 0, webSocket).failed(null, code);
  }

  void firstAudio(String provider, String tier, long nanos) {
    String p = provider(provider);
    this.<Timer>perRequest("ttfa", p, tier, () -> Timer.builder("tts.time.to.first.audio")
            .description("Request received to first audio chunk handed to the client")
            .serviceLevelObjectives(TTFA_BUCKETS).tag("provider", p).tag("tier", tier).register(registry))
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  void finished(String provider, String outcome, double audioSeconds, int characters) {
    String p = provider(provider);
    String o = outcome(outcome);
    this.<Counter>perRequest("requests", p, o, () -> Counter.builder("tts.requests")
        .description("Synthesis requests by provider and outcome").tag("provider", p).tag("outcome", o)
        .register(registry)).increment();
    if (audioSeconds > 0) {
      this.<Counter>perRequest("audio", p, "", () -> Counter.builder("tts.audio.seconds")
          .description("Seconds of audio delivered to clients").tag("provider", p).register(registry))
          .increment(audioSeconds);
    }
    if (OK.equals(outcome)) {
      this.<Counter>perRequest("characters", p, "", () -> Counter.builder("tts.characters")
          .description("Characters of text spoken (completed requests)").tag("provider", p).register(registry))
          .increment(characters);
    }
  }

  /**
   * A meter of the per-request path, registered on first use and then found by its labels in one map look-up
   * instead of built and looked up in the registry for each request (tags sorted, id hashed, registry map read);
   * both labels come from closed sets, so the map stays small.
   */
  @SuppressWarnings("unchecked")
  private <M extends Meter> M perRequest(String meter, String label1, String label2, Supplier<M> register) {
    return (M) perRequestMeters.computeIfAbsent(meter + '\n' + label1 + '\n' + label2, key -> register.get());
  }

  /** Time one response of the OpenAI-compatible endpoint spent in a Java encoder (mp3, opus, flac). */
  public void encoded(String format, long nanos) {
    Timer.builder("tts.encode.duration").description("Time one response spent encoding its audio in Java, by format")
        .tag("format", format).serviceLevelObjectives(ENCODE_BUCKETS).register(registry)
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  /** An ffmpeg encoder process that could not start ({@code start}), exited non-zero ({@code exit}) or broke off
   * ({@code io}). */
  public void ffmpegFailure(String reason) {
    Counter.builder("tts.ffmpeg.failures").description("ffmpeg encoder processes that failed, by reason")
        .tag("reason", Set.of("start", "exit", "io").contains(reason) ? reason : OTHER).register(registry).increment();
  }

  /**
   * A voice registration at a cloning vendor reached {@code status} ({@code pending} when it starts, then
   * {@code ready} or {@code failed}); docs/voice-profiles.md#registration-at-the-vendors.
   */
  public void registration(String provider, String status) {
    Counter.builder("voice.registrations").description("Voice registrations at cloning vendors by provider and status")
        .tag("provider", provider).tag("status", status).register(registry).increment();
  }

  public void rateLimited(String kind) {
    Counter.builder("tts.rate.limited").description("Requests or connections refused by a limit, by kind").tag("kind", kind).register(registry).increment();
  }

  /** One operator action of the admin API, by kind (a closed set, docs/operations.md) and outcome. */
  public void adminAction(String action, String outcome) {
    Counter.builder("admin.actions").description("Admin API actions by kind and outcome (ok, failed, refused)")
        .tag("action", action).tag("outcome", outcome).register(registry).increment();
  }

  /** Messages the admin console's live tail sampled ({@code kept}) or skipped for its rate cap ({@code dropped}). */
  public void adminTail(String outcome, long messages) {
    Counter.builder("admin.tail.messages").description("Messages the admin console's live tail kept or dropped")
        .tag("outcome", outcome).register(registry).increment(messages);
  }

  /** Admin consoles connected to this node's SockJS bridge (authenticated sockets). */
  public void adminConsoles(IntSupplier connected) {
    Gauge.builder("admin.consoles.connected", connected::getAsInt)
        .description("Admin consoles connected to this node's event-bus bridge").register(registry);
  }

  /**
   * A frame or connection the admin console's bridge refused, by reason ({@code unauthenticated}: no valid ticket;
   * {@code address}: an address outside the console's admin space for that direction).
   */
  public void adminBridgeRefused(String reason) {
    Counter.builder("admin.bridge.refused").description("Frames and connections the admin bridge refused, by reason")
        .tag("reason", BRIDGE_REFUSALS.contains(reason) ? reason : OTHER).register(registry).increment();
  }

  public void authFailure(String reason) {
    String label = AUTH_REASONS.contains(reason) ? reason : OTHER;
    Counter.builder("tts.auth.failures").description("Refused credentials by reason").tag("reason", label)
        .register(registry).increment();
  }

  public void webSocketClosed(Short code) {
    String label = code != null && CLOSE_CODES.contains((int) code) ? Short.toString(code) : OTHER;
    Counter.builder("websocket.close").description("WebSocket connections closed, by close code").tag("code", label).register(registry).increment();
  }

  public void webSocketCapacity(IntSupplier active, int max) {
    Gauge.builder("websocket.connections.active", active::getAsInt).description("Open WebSocket sessions")
        .register(registry);
    Gauge.builder("websocket.connections.max", () -> max).description("WebSocket sessions this gateway accepts at most")
        .register(registry);
  }

  public void synthesis(String provider, String voice, long nanos) {
    Timer.builder("tts.synthesis.duration").description("One sentence synthesized inside a provider")
        .serviceLevelObjectives(SYNTHESIS_BUCKETS).tag("provider", provider(provider)).tag("voice", voice(voice))
        .register(registry).record(nanos, TimeUnit.NANOSECONDS);
  }

  /** up: 1 while the provider serves on this node; load: in-flight requests per worker (1 = saturated). */
  public void provider(String provider, DoubleSupplier up, DoubleSupplier load) {
    Gauge.builder("tts.provider.up", up::getAsDouble).description("1 while the provider serves on this node").tag("provider", provider(provider)).tag("node", node)
        .register(registry);
    Gauge.builder("tts.provider.load", load::getAsDouble)
        .description("In-flight requests per worker of the provider on this node (1 = saturated)").tag("provider", provider(provider)).tag("node", node)
        .register(registry);
  }

  /**
   * Publishes the latest periodic quality run of one provider voice on this node: mean integrated loudness (LUFS),
   * clicks found, share of clipped samples, mean time to the audio (ms), and the word and character error rates when
   * a recogniser ran ({@code NaN}: no such gauge). The gauges appear with the first run and keep the last values
   * between runs.
   */
  public void qualityRun(String provider, String voice, double loudnessLufs, int clicks, double clippingRatio,
      double wordErrorRate, double characterErrorRate, double ttfaMs, long epochSeconds) {
    QualityReading reading = quality.computeIfAbsent(provider(provider) + "\n" + voice(voice),
        key -> registerQuality(provider(provider), voice(voice)));
    reading.values = new double[] {loudnessLufs, clicks, clippingRatio, wordErrorRate, epochSeconds,
        characterErrorRate, ttfaMs};
    if (!Double.isNaN(wordErrorRate) && reading.werRegistered.compareAndSet(false, true)) {
      qualityGauge("tts.quality.wer", "Word error rate of the round-trip recognition in the last quality run",
          reading, 3);
      qualityGauge("tts.quality.cer", "Character error rate of the round-trip recognition in the last quality run",
          reading, 5);
    }
    // Last, so a scrape that sees a run's time also sees every figure of that run.
    if (reading.timestampRegistered.compareAndSet(false, true)) {
      qualityGauge("tts.quality.last.run.timestamp.seconds", "Unix time the last quality run finished", reading, 4);
    }
  }

  private QualityReading registerQuality(String provider, String voice) {
    QualityReading reading = new QualityReading(provider, voice);
    qualityGauge("tts.quality.loudness.lufs", "Mean integrated loudness (ITU-R BS.1770) of the last quality run",
        reading, 0);
    qualityGauge("tts.quality.clicks", "Clicks (isolated sample jumps) found in the last quality run", reading, 1);
    qualityGauge("tts.quality.clipping.ratio", "Share of clipped samples in the last quality run (0-1)", reading, 2);
    qualityGauge("tts.quality.ttfa.ms", "Mean time from request to audio in the last quality run (ms)", reading, 6);
    return reading;
  }

  private void qualityGauge(String name, String description, QualityReading reading, int index) {
    Gauge.builder(name, reading, r -> r.values[index]).strongReference(true).description(description)
        .tag("provider", reading.provider).tag("voice", reading.voice).tag("node", node).register(registry);
  }

  /** The figures of one provider voice's last quality run, read by its gauges. */
  private static final class QualityReading {
    final String provider;
    final String voice;
    final AtomicBoolean werRegistered = new AtomicBoolean();
    final AtomicBoolean timestampRegistered = new AtomicBoolean();
    volatile double[] values = {Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN};

    QualityReading(String provider, String voice) {
      this.provider = provider;
      this.voice = voice;
    }
  }

  /**
   * Sentences whose audio transcript differed from the text sent (the OpenAI Realtime verbatim check); the counter
   * starts at 0 for a provider that checks.
   */
  public Counter providerMismatches(String provider) {
    return Counter.builder("tts.provider.mismatch")
        .description("Sentences whose spoken transcript differed from the text sent (after normalisation)")
        .tag("provider", provider(provider)).register(registry);
  }

  private Counter qualityChanges(String direction) {
    return Counter.builder("tts.quality.changes").description("Adaptive quality tier changes of WebSocket sessions")
        .tag("direction", "up".equals(direction) ? "up" : "down").register(registry);
  }

  /** A session's adaptive quality cap moved one tier {@code up} or {@code down}. */
  public void qualityChange(String direction) {
    qualityChanges(direction).increment();
  }

  /** A reply moved from provider {@code from} to {@code to} (failover). */
  public void failover(String from, String to) {
    Counter.builder("tts.failovers").description("Replies moved from one provider instance to another (failover)")
        .tag("from", provider(from)).tag("to", provider(to)).register(registry).increment();
  }

  /**
   * One failover's silence, each part from the reply's last audio frame before it: to the first frame after it ({@code
   * gapNanos}), to the failure known ({@code failedNanos}), to the replacement's request ({@code requestedNanos}) and
   * to the replacement's first audio at the pipeline ({@code firstAudioNanos}).
   */
  public void failoverGap(long gapNanos, long failedNanos, long requestedNanos, long firstAudioNanos) {
    Timer.builder("tts.failover.gap").description("Client silence from the last good audio before a failover to the "
            + "first audio after the switch").serviceLevelObjectives(FAILOVER_BUCKETS).register(registry)
        .record(gapNanos, TimeUnit.NANOSECONDS);
    failoverPhase("failed", failedNanos);
    failoverPhase("requested", requestedNanos);
    failoverPhase("first_audio", firstAudioNanos);
  }

  private void failoverPhase(String phase, long nanos) {
    Timer.builder("tts.failover.phase").description("From the last good audio before a failover to a step of it: the "
            + "failure known, the replacement requested, its first audio at the pipeline")
        .tag("phase", phase).serviceLevelObjectives(FAILOVER_BUCKETS).register(registry)
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  /** A late sentence was also asked of a second instance ({@code won}: the second answered first). */
  public void hedge(boolean won) {
    hedges(won).increment();
  }

  private Counter hedges(boolean won) {
    return Counter.builder("tts.hedges").description("Hedged sentence requests: sent, and won by the second instance")
        .tag("outcome", won ? "won" : "sent").register(registry);
  }

  /** A provider node's death was learnt from {@code source} (membership or send). */
  public void nodeDeathDetected(String source) {
    nodeDeaths(DEATH_SOURCES.contains(source) ? source : OTHER).increment();
  }

  private Counter nodeDeaths(String source) {
    return Counter.builder("tts.node.deaths").description("Provider nodes found gone, by the source that told first")
        .tag("source", source).register(registry);
  }

  private Counter cloningAttempts(String success) {
    return Counter.builder("voice.cloning.attempts")
        .description("Voice profiles asked for (created, or refused by consent, limits or the quality gate)")
        .tag("success", success).register(registry);
  }

  /** A request to create a voice profile ended: stored, or refused. */
  public void cloningAttempt(boolean success) {
    cloningAttempts(Boolean.toString(success)).increment();
  }

  private Counter qualityFailures(String check) {
    return Counter.builder("voice.cloning.quality.failures")
        .description("Reference clips refused by the quality gate, by failed check").tag("check", check)
        .register(registry);
  }

  /** A reference clip failed quality check {@code check} (one clip may fail several). */
  public void qualityFailure(String check) {
    qualityFailures(QUALITY_CHECKS.contains(check) ? check : OTHER).increment();
  }

  private Counter profileResolutions(String result) {
    return Counter.builder("voice.profile.resolutions")
        .description("Requests spoken with voice: profile:<id>, by how the profile was found (hit: in memory, miss: "
            + "read from the store, unknown: no such profile of the caller, unavailable: the store failed)")
        .tag("result", result).register(registry);
  }

  /** One {@code profile:} voice resolved (or not) in {@code nanos}; {@code result} as in {@link #RESOLUTIONS}. */
  public void profileResolution(String result, long nanos) {
    profileResolutions(RESOLUTIONS.contains(result) ? result : OTHER).increment();
    Timer.builder("voice.profile.resolution").description("Time to resolve a profile: voice into its provider, voice "
            + "and settings").serviceLevelObjectives(RESOLUTION_BUCKETS).tag("cached", Boolean.toString("hit".equals(result)))
        .register(registry).record(nanos, TimeUnit.NANOSECONDS);
  }

  public void cacheRequest(String result) {
    if ("hit".equals(result)) {
      cacheHits.incrementAndGet();
    } else if ("miss".equals(result)) {
      cacheMisses.incrementAndGet();
    }
    String r = Set.of("hit", "miss", "error").contains(result) ? result : OTHER;
    this.<Counter>perRequest("cache", r, "", () -> Counter.builder("tts.cache.requests")
        .description("Sentence cache lookups by result (hit, miss, error)").tag("result", r).register(registry))
        .increment();
  }

  private double cacheHitRate() {
    long hits = cacheHits.get();
    long total = hits + cacheMisses.get();
    return total == 0 ? 0 : (double) hits / total;
  }

  static String provider(String name) {
    return name == null ? NO_PROVIDER : Settings.PROVIDERS.contains(name) || NO_PROVIDER.equals(name) ? name : OTHER;
  }

  /** Voices are bounded by the providers' catalogues; cloned voices share one label. */
  static String voice(String voice) {
    if (voice == null) {
      return "default";
    }
    if (voice.startsWith("custom") || voice.startsWith("clone")) {
      return "custom";
    }
    return voice.length() <= 32 && voice.matches("[A-Za-z0-9_+\\-.]+") ? voice : OTHER;
  }

  static String outcome(String outcome) {
    return OK.equals(outcome) || CANCELLED.equals(outcome) || ErrorCode.fromWire(outcome).isPresent() ? outcome : OTHER;
  }

  private static Duration[] seconds(double... values) {
    Duration[] durations = new Duration[values.length];
    for (int i = 0; i < values.length; i++) {
      durations[i] = Duration.ofNanos((long) (values[i] * 1e9));
    }
    return durations;
  }
}
