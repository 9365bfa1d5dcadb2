package com.ervc.quality;

import com.ervc.audio.Pcm16;
import com.ervc.cluster.ProviderDirectory;
import com.ervc.cluster.QualityResults;
import com.ervc.config.QualityConfig;
import com.ervc.config.TtsConfig;
import com.ervc.eval.Corpus;
import com.ervc.eval.CorpusLine;
import com.ervc.eval.PocketsphinxTranscriber;
import com.ervc.eval.Transcriber;
import com.ervc.metrics.ServiceMetrics;
import com.ervc.protocol.Addresses;
import com.ervc.protocol.BusProtocol;
import com.ervc.protocol.ProviderInfo;
import com.ervc.protocol.ProviderMessage;
import com.ervc.protocol.QualityResult;
import com.ervc.protocol.TtsRequest;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The periodic quality check of one node ({@code quality.*}): every {@code quality.intervalMinutes} it has each of
 * this node's available provider instances speak the configured corpus lines in the voices {@link VoiceSelection}
 * picks, over the same bus request as the health probe (so through admission, circuit breaker and the engine),
 * measures the audio on a worker thread with {@link QualityFigures} and publishes the {@code tts_quality_*} gauges
 * and the cluster-wide {@link QualityResults} that {@code GET /api/v1/providers} shows.
 */
public final class QualityMonitor {
  private static final Logger LOG = LoggerFactory.getLogger(QualityMonitor.class);
  static final String POCKETSPHINX_COMMAND = "pocketsphinx_continuous";

  private final Vertx vertx;
  private final String nodeId;
  private final QualityConfig config;
  private final TtsConfig tts;
  private final ServiceMetrics metrics;
  private final VoiceSelection voices;
  private final Transcriber transcriber;
  private final ProviderDirectory directory;
  private final QualityResults results;
  private final AtomicBoolean running = new AtomicBoolean();
  private long timer = -1;

  /**
   * @param transcriber null to export no WER
   * @throws IllegalArgumentException when a configured line id is not in the built-in corpus
   */
  QualityMonitor(Vertx vertx, String nodeId, QualityConfig config, TtsConfig tts, ServiceMetrics metrics,
      List<CorpusLine> corpus, Transcriber transcriber) {
    this.vertx = vertx;
    this.nodeId = nodeId;
    this.config = config;
    this.tts = tts;
    this.metrics = metrics;
    this.transcriber = transcriber;
    this.directory = new ProviderDirectory(vertx);
    this.results = new QualityResults(vertx);
    Map<String, CorpusLine> byId = corpus.stream().collect(Collectors.toMap(CorpusLine::id, Function.identity()));
    List<String> unknown = config.lines().stream().filter(id -> !byId.containsKey(id)).toList();
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException("QUALITY_MONITOR_LINES (quality.lines) names lines the built-in corpus does "
          + "not hold: " + unknown);
    }
    this.voices = new VoiceSelection(config, config.lines().stream().map(byId::get).toList());
  }

  /** The monitor of a node, with the built-in corpus and the configured recogniser when it is installed. */
  public static QualityMonitor create(Vertx vertx, String nodeId, QualityConfig config, TtsConfig tts,
      ServiceMetrics metrics) {
    List<CorpusLine> corpus;
    try {
      corpus = Corpus.builtIn();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new QualityMonitor(vertx, nodeId, config, tts, metrics, corpus, recogniser(config.recogniser()));
  }

  private static Transcriber recogniser(String configured) {
    if (!QualityConfig.POCKETSPHINX.equals(configured)) {
      return null;
    }
    if (!onPath(POCKETSPHINX_COMMAND)) {
      LOG.warn("quality.recogniser is pocketsphinx but {} is not on the PATH: the quality check exports no WER",
          POCKETSPHINX_COMMAND);
      return null;
    }
    return new PocketsphinxTranscriber(POCKETSPHINX_COMMAND);
  }

  private static boolean onPath(String command) {
    String path = System.getenv("PATH");
    return path != null && Arrays.stream(path.split(File.pathSeparator))
        .anyMatch(dir -> new File(dir, command).canExecute());
  }

  /** Runs the first check now and then every interval; a run still going when the next is due is not doubled. */
  public void start() {
    timer = vertx.setPeriodic(1, config.intervalMinutes() * 60_000L, id -> runOnce());
  }

  public void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }

  /** One check of every available provider instance on this node; completes when all are published. */
  public Future<Void> runOnce() {
    if (!running.compareAndSet(false, true)) {
      return Future.succeededFuture();
    }
    String run = "quality-check:" + UUID.randomUUID();
    return directory.list()
        .compose(providers -> Future.join(providers.stream()
            .filter(p -> p.available() && nodeId.equals(p.nodeId()))
            .map(p -> check(p, run)).toList()))
        .<Void>mapEmpty()
        .onComplete(ar -> running.set(false));
  }

  /** The provider's selected voices, one after the other: the check must not crowd out the node's real requests. */
  private Future<Void> check(ProviderInfo provider, String run) {
    Future<Void> done = Future.succeededFuture();
    for (VoiceSelection.Check voice : voices.next(provider)) {
      done = done.compose(v -> check(provider, voice.voice(), voice.lines(), run));
    }
    return done;
  }

  private Future<Void> check(ProviderInfo provider, String voice, List<CorpusLine> lines, String run) {
    Future<List<QualityFigures.Clip>> clips = Future.succeededFuture(new ArrayList<>());
    for (CorpusLine line : lines) {
      clips = clips.compose(done -> synthesize(provider, voice, line).map(clip -> {
        if (clip != null) {
          done.add(clip);
        }
        return done;
      }));
    }
    return clips.compose(done -> {
      if (done.isEmpty()) {
        return Future.succeededFuture(); // answers probes without audio (a billed provider): nothing to measure
      }
      return vertx.executeBlocking(() -> QualityFigures.measure(done, transcriber), false)
          .compose(figures -> {
            long now = System.currentTimeMillis();
            metrics.qualityRun(provider.name(), voice, figures.loudnessLufs(), figures.clicks(),
                figures.clippingRatio(), figures.wordErrorRate(), figures.characterErrorRate(), figures.ttfaMs(),
                now / 1000);
            LOG.info("quality check of provider '{}' voice '{}' ({} lines): {}", provider.name(), voice, done.size(),
                figures);
            return results.put(new QualityResult(provider.name(), voice, nodeId, run, now, done.size(),
                QualityResult.measured(figures.wordErrorRate()), QualityResult.measured(figures.characterErrorRate()),
                figures.clicks(), QualityResult.measured(figures.loudnessLufs()), figures.clippingRatio(),
                figures.ttfaMs()));
          });
    }).onFailure(failure -> LOG.warn("quality check of provider '{}' voice '{}' failed: {}", provider.name(), voice,
        failure.getMessage())).otherwiseEmpty().mapEmpty();
  }

  /** The line as this node's instance of the provider speaks it, or null when it answered without audio. */
  private Future<QualityFigures.Clip> synthesize(ProviderInfo provider, String voice, CorpusLine line) {
    TtsRequest request = TtsRequest.parse(new JsonObject().put("text", line.text()), Integer.MAX_VALUE,
        tts.sampleRate()).withProvider(provider.name(), voice);
    ProviderMessage.Probe probe = new ProviderMessage.Probe(request);
    DeliveryOptions options = new DeliveryOptions().setLocalOnly(true).setSendTimeout(tts.providerTimeoutMs());
    long asked = System.nanoTime();
    return vertx.eventBus().<Buffer>request(Addresses.provider(provider.name()), probe.body(),
            BusProtocol.stamp(options, probe))
        .map(reply -> clip(reply, line, (System.nanoTime() - asked) / 1e6));
  }

  /** {@code ttfaMs}: the probe answers with the sentence whole, so its first audio is the whole reply. */
  private static QualityFigures.Clip clip(Message<Buffer> reply, CorpusLine line, double ttfaMs) {
    String rate = reply.headers().get(Addresses.H_SAMPLE_RATE);
    if (!ProviderMessage.ProbeAudio.TYPE.equals(reply.headers().get(BusProtocol.H_TYPE)) || rate == null
        || reply.body() == null || reply.body().length() == 0) {
      return null;
    }
    return new QualityFigures.Clip(line, Pcm16.fromLittleEndian(reply.body().getBytes()), Integer.parseInt(rate),
        ttfaMs);
  }
}
