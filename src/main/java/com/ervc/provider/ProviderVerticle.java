package com.ervc.provider;

import com.ervc.cluster.Addresses;
import com.ervc.cluster.Drainable;
import com.ervc.cluster.StreamSender;
import com.ervc.metrics.ServiceMetrics;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Event-bus wiring shared by every provider: probes the engine at start (a provider that cannot work fails its
 * deployment with a clear message), serves its name-level address {@code tts.provider.<name>.synthesize} and its
 * own instance address with a bounded number of requests in flight, streams each sentence's audio to the
 * pipeline receiver that asked for it as the engine writes it, publishes its load about once a second, and keeps
 * its entry in the {@link ProviderDirectory} fresh. docs/event-bus.md describes the messages.
 */
public abstract class ProviderVerticle extends VerticleBase implements Drainable {
  public static final long LOAD_INTERVAL_MS = 1_000;
  /** A freed slot is reported within this time, so no pipeline waits a whole interval on a stale "full". */
  static final long FREED_REPORT_MS = 50;
  private static final Logger LOG = LoggerFactory.getLogger(ProviderVerticle.class);

  private final InstanceStats stats = new InstanceStats();
  private final AtomicBoolean reportPending = new AtomicBoolean();
  private final String instanceId = UUID.randomUUID().toString();
  private final ServiceMetrics metrics;
  private ProviderDirectory directory;
  private volatile ProviderInfo info;
  private long announcer = -1;
  private long loadPublisher = -1;
  private Admission admission;
  private CircuitBreaker breaker;
  /** Streaming requests running on this instance, by stream id, so the pipeline can cancel them. */
  private final Map<String, StreamedAudioOut> streams = new HashMap<>();
  private int streamWindow;
  private long streamStallMs;
  /** The name-level and the instance consumer, registered only while the instance is available. */
  private List<MessageConsumer<JsonObject>> consumers = List.of();
  /** Set by a drain: the instance stays out of the directory and the load view from then on. */
  private boolean draining;

  protected ProviderVerticle(ServiceMetrics metrics) {
    this.metrics = metrics;
  }

  /** The provider name used in addresses, requests and the directory. */
  protected abstract String name();

  /** Checks the engine and describes what it offers. Fails when the provider cannot work on this node. */
  protected abstract Future<ProviderInfo> probe(String nodeId);

  /**
   * Synthesizes one sentence to PCM s16le mono at {@code sentence.sampleRate()}, off the event loop, writing the
   * audio to {@code out} as it is produced; the future completes once all of it was written.
   */
  protected abstract Future<Void> synthesize(TtsRequest sentence, AudioOut out);

  protected abstract int maxQueue();

  /**
   * Answers a health probe without synthesizing, or returns null to answer it with a real synthesis (the default).
   * A transport whose every synthesis is billed proves its credentials and model this way instead.
   */
  protected Future<Void> checkWithoutSynthesis(TtsRequest probe) {
    return null;
  }

  /** False for a provider the operator did not set up (e.g. no API key): it exports no up/load meters. */
  protected boolean configured() {
    return true;
  }

  /** How many requests the engine works on at once (its worker count): the unit of {@code tts_provider_load}. */
  protected abstract int concurrency();

  private String instanceAddress() {
    return Addresses.providerInstance(name(), instanceId);
  }

  @Override
  public Future<?> start() {
    directory = new ProviderDirectory(vertx);
    JsonObject tts = config().getJsonObject("tts");
    JsonObject own = config().getJsonObject("providers").getJsonObject(name(), new JsonObject());
    Integer ownCapacity = own.getInteger("maxLoad");
    admission = new Admission(ownCapacity != null ? ownCapacity : tts.getInteger("maxLoadPerProvider"), maxQueue(),
        System::currentTimeMillis);
    breaker = new CircuitBreaker(tts.getInteger("circuitFailureThreshold"), tts.getLong("circuitOpenMs"),
        System::currentTimeMillis);
    streamWindow = tts.getInteger("streamWindow");
    streamStallMs = tts.getLong("streamStallTimeoutMs");
    String nodeId = config().getJsonObject("node").getString("id", "local");
    return probe(nodeId)
        .recover(failure -> Future.failedFuture(new IllegalStateException(
            "provider '" + name() + "' is unavailable on this node: " + failure.getMessage(), failure)))
        .compose(described -> {
          info = described;
          return Future.all(serve(described.available()),
              vertx.eventBus().consumer(Addresses.PROVIDER_LOAD_REQUEST, m -> publishLoad()).completion());
        })
        .compose(v -> directory.announce(info))
        .onSuccess(v -> {
          announcer = vertx.setPeriodic(ProviderDirectory.REFRESH_MS, id -> directory.announce(info));
          publishLoad();
          loadPublisher = vertx.setPeriodic(LOAD_INTERVAL_MS, id -> {
            probeIfHalfOpen();
            publishLoad();
          });
          if (!configured()) {
            return; // announced (so operators see why) but not measured: its 0 would only raise alerts
          }
          metrics.provider(name(), () -> info == null || !info.available() ? 0 : 1,
              () -> admission.sentences() / (double) concurrency());
        });
  }

  /** This instance's current load report, or null once it stops or drains. */
  protected ProviderLoad load() {
    ProviderInfo serving = info;
    if (serving == null || draining) {
      return null;
    }
    return new ProviderLoad(instanceId, instanceAddress(), serving, admission.replies(), admission.capacity(),
        Math.max(0, admission.sentences() - concurrency()), stats.ttfaEwmaMs(), stats.ttfaP95Ms(), stats.errorRate(), breaker.state().wire(), false);
  }

  /** Coalesces the reports of slots freed in a burst into one. */
  private void reportFreedSlot() {
    if (reportPending.compareAndSet(false, true)) {
      vertx.setTimer(FREED_REPORT_MS, id -> {
        reportPending.set(false);
        publishLoad();
      });
    }
  }

  private void publishLoad() {
    ProviderLoad current = load();
    if (current != null) {
      vertx.eventBus().publish(Addresses.PROVIDER_LOAD, current.toJson());
    }
  }

  /**
   * A streaming request ({@code {"request", "receiver", "stream", "reply"}}, from the router) is accepted or refused at
   * once and its audio then streamed to {@code receiver}; a bare {@link TtsRequest} (health probes) gets the
   * whole sentence's PCM as the reply.
   */
  private void handle(Message<JsonObject> msg) {
    ProviderInfo serving = info;
    if (serving == null) {
      msg.fail(ErrorCode.PROVIDER_UNAVAILABLE.status(), "provider '" + name() + "' is stopping");
      return;
    }
    JsonObject body = msg.body();
    if (body != null && body.containsKey("replyDone")) {
      admission.done(body.getString("replyDone"));
      reportFreedSlot();
      return;
    }
    if (body != null && body.containsKey("cancel")) {
      StreamedAudioOut cancelled = streams.remove(body.getString("cancel"));
      if (cancelled != null) {
        cancelled.cancel();
        if (body.getBoolean("deadlineMissed", false)) {
          // Too slow to start or stalled: as much a failure as an error, though the engine never reported one.
          countFailure("missed a deadline");
        }
      }
      return;
    }
    if (!serving.available()) {
      msg.fail(ErrorCode.PROVIDER_UNAVAILABLE.status(), "provider '" + name() + "' is unavailable: " + serving.detail());
      return;
    }
    boolean streaming = body != null && body.containsKey("receiver");
    TtsRequest sentence;
    try {
      sentence = TtsRequest.fromJson(streaming ? body.getJsonObject("request") : body);
      if (streaming && (body.getString("receiver") == null || body.getString("stream") == null)) {
        throw new SpeechException(ErrorCode.INVALID_REQUEST, "a streaming request needs 'receiver' and 'stream'");
      }
      if (sentence.voice() == null) {
        sentence = sentence.withProvider(name(), serving.defaultVoice());
      } else if (!serving.hasVoice(sentence.voice())) {
        throw new SpeechException(ErrorCode.INVALID_REQUEST,
            "voice '" + sentence.voice() + "' is not offered by provider '" + name() + "' (see GET /api/v1/voices)");
      }
    } catch (SpeechException e) {
      msg.fail(e.code().status(), e.getMessage());
      return;
    } catch (RuntimeException e) {
      msg.fail(ErrorCode.INVALID_REQUEST.status(), "malformed synthesis request");
      return;
    }
    if (!breaker.allows()) {
      msg.fail(ErrorCode.PROVIDER_UNAVAILABLE.status(), "provider '" + name() + "' is failing: its circuit breaker is "
          + breaker.state().wire() + "; try again shortly");
      return;
    }
    if (!streaming && "true".equals(msg.headers().get(Addresses.H_HEALTH_PROBE))) {
      Future<Void> check = checkWithoutSynthesis(sentence);
      if (check != null) {
        check.onComplete(ar -> {
          if (ar.succeeded()) {
            msg.reply(Buffer.buffer(), new DeliveryOptions().addHeader(Addresses.H_HEALTH_PROBE, Addresses.CHECKED_WITHOUT_AUDIO));
          } else {
            SpeechException failure = SpeechException.from(ar.cause());
            msg.fail(failure.code().status(), failure.getMessage());
          }
        });
        return;
      }
    }
    // A bare request (health probe) is a reply of its own.
    String reply = streaming ? body.getString("reply", body.getString("stream")) : UUID.randomUUID().toString();
    String refused = admission.admit(reply);
    if (refused != null) {
      msg.fail(ErrorCode.PROVIDER_UNAVAILABLE.status(), "provider '" + name() + "' refused: " + refused
          + "; try again shortly");
      return;
    }
    if (streaming) {
      msg.reply(new JsonObject().put("instance", instanceId).put("node", serving.nodeId()));
      String stream = body.getString("stream");
      StreamSender sender = new StreamSender(vertx.eventBus(), body.getString("receiver"), stream, streamWindow,
          streamStallMs);
      StreamedAudioOut out = new StreamedAudioOut(vertx.getOrCreateContext(), sender);
      streams.put(stream, out);
      run(sentence, reply, out).onComplete(ar -> {
        streams.remove(stream);
        if (ar.succeeded()) {
          sender.send("end", null, true);
        } else if (!sender.isBroken()) {
          SpeechException failure = SpeechException.from(ar.cause());
          sender.send("error", new JsonObject().put("code", failure.code().wire()).put("message", failure.getMessage()),
              true);
        }
      });
    } else {
      Buffer collected = Buffer.buffer();
      int sampleRate = sentence.sampleRate();
      run(sentence, reply, pcm -> {
        synchronized (collected) {
          collected.appendBuffer(pcm);
        }
        return Future.succeededFuture();
      }).onComplete(ar -> {
        admission.done(reply); // a bare request is a whole reply: its slot is free at once
        if (ar.succeeded()) {
          msg.reply(collected, new DeliveryOptions().addHeader(Addresses.H_SAMPLE_RATE, Integer.toString(sampleRate)));
        } else {
          SpeechException failure = SpeechException.from(ar.cause());
          msg.fail(failure.code().status(), failure.getMessage());
        }
      });
    }
  }

  /** Runs one accepted request, measuring time to first audio and the outcome. */
  private Future<Void> run(TtsRequest sentence, String reply, AudioOut out) {
    long start = System.nanoTime();
    boolean[] first = {true};
    AudioOut measured = pcm -> {
      if (first[0]) {
        first[0] = false;
        stats.firstAudio((System.nanoTime() - start) / 1_000_000);
      }
      return out.write(pcm);
    };
    Future<Void> done;
    try {
      done = synthesize(sentence, measured);
    } catch (RuntimeException e) {
      done = Future.failedFuture(e);
    }
    return done.andThen(ar -> {
      admission.release(reply);
      reportFreedSlot();
      // A consumer that went away (cancel) is not the engine's fault.
      boolean engineFailed = ar.failed() && !out.cancelled() && !(ar.cause() instanceof StreamedAudioOut.ConsumerGone);
      stats.finished(engineFailed);
      if (ar.succeeded()) {
        breaker.success();
        metrics.synthesis(name(), sentence.voice(), System.nanoTime() - start);
      } else if (engineFailed) {
        countFailure(String.valueOf(ar.cause().getMessage()));
      }
    });
  }

  private void countFailure(String why) {
    if (breaker.failure()) {
      LOG.warn("provider '{}' instance {}: circuit breaker open after repeated failures (last: {})", name(), instanceId,
          why);
    }
  }

  /** Half-open: one real synthesis, outside admission, decides whether the instance takes requests again. */
  private void probeIfHalfOpen() {
    ProviderInfo serving = info;
    if (serving == null || !breaker.tryProbe()) {
      return;
    }
    TtsRequest probe = TtsRequest.parse(new JsonObject().put("text", CircuitBreaker.PROBE_TEXT), Integer.MAX_VALUE,
        config().getJsonObject("tts").getInteger("sampleRate")).withProvider(name(), serving.defaultVoice());
    long[] bytes = {0};
    long[] lastAudioMs = {-1};
    long startMs = System.currentTimeMillis();
    Future<Void> done;
    try {
      done = synthesize(probe, pcm -> {
        synchronized (bytes) {
          bytes[0] += pcm.length();
          lastAudioMs[0] = System.currentTimeMillis();
        }
        return Future.succeededFuture();
      });
    } catch (RuntimeException e) {
      done = Future.failedFuture(e);
    }
    // The probe meets the pipeline's deadlines, or it proves nothing: first audio, then no long silence.
    Promise<Void> judged = Promise.promise();
    JsonObject tts = config().getJsonObject("tts");
    long firstByteMs = tts.getLong("providerTimeoutMs");
    long stallMs = tts.getLong("providerStallTimeoutMs");
    long watch = vertx.setPeriodic(Math.max(10, Math.min(250, stallMs / 4)), id -> {
      long now = System.currentTimeMillis();
      synchronized (bytes) {
        if (lastAudioMs[0] < 0 ? now - startMs > firstByteMs : now - lastAudioMs[0] > stallMs) {
          judged.tryFail("the probe missed its " + (lastAudioMs[0] < 0 ? "first-byte" : "stall") + " deadline");
        }
      }
    });
    done.onComplete(ar -> {
      if (ar.failed()) {
        judged.tryFail(ar.cause());
      } else if (bytes[0] == 0) {
        judged.tryFail("the probe produced no audio");
      } else {
        judged.tryComplete();
      }
    });
    judged.future().onComplete(ar -> {
      vertx.cancelTimer(watch);
      if (ar.succeeded()) {
        breaker.success();
        LOG.info("provider '{}' instance {}: probe succeeded, circuit breaker closed", name(), instanceId);
      } else {
        countFailure(String.valueOf(ar.cause().getMessage()));
      }
    });
  }

  /**
   * Leaves the directory and the load view, so that new replies are routed to other instances; the addresses stay
   * registered because replies already running here (of this node's or another node's pipeline) need their next
   * sentences.
   */
  @Override
  public Future<Void> stopIntake() {
    return Drainable.onContext(context, () -> {
      ProviderLoad last = load();
      draining = true;
      vertx.cancelTimer(announcer); // or a last announcement could re-add the entry after the withdrawal
      vertx.cancelTimer(loadPublisher);
      if (last != null) {
        vertx.eventBus().publish(Addresses.PROVIDER_LOAD, last.leavingNow().toJson());
      }
      ProviderInfo announced = info;
      return announced == null ? Future.succeededFuture()
          : directory.withdraw(name(), announced.nodeId()).otherwiseEmpty();
    });
  }

  @Override
  public int inFlight() {
    return admission == null ? 0 : admission.sentences();
  }

  /**
   * Replaces this instance's directory entry and load report at once, e.g. when a provider finds its credentials
   * rejected ({@code available=false} with the reason in {@code detail}) or working again. Call on the verticle's
   * context.
   */
  protected final void republish(ProviderInfo updated) {
    if (info != null) {
      info = updated;
      serve(updated.available()).onComplete(v -> {
        if (!draining) {
          directory.announce(updated);
          publishLoad();
        }
      });
    }
  }

  /**
   * Only an available instance consumes requests: the event bus spreads a provider's name-level address over every
   * node that listens, so an instance that cannot serve (no key, rejected credentials) must not listen.
   */
  private Future<Void> serve(boolean available) {
    if (available && consumers.isEmpty()) {
      consumers = List.of(vertx.eventBus().consumer(Addresses.provider(name()), this::handle),
          vertx.eventBus().consumer(instanceAddress(), this::handle));
      return Future.all(consumers.stream().map(MessageConsumer::completion).toList()).mapEmpty();
    }
    if (!available && !consumers.isEmpty()) {
      List<MessageConsumer<JsonObject>> stopping = consumers;
      consumers = List.of();
      return Future.all(stopping.stream().map(MessageConsumer::unregister).toList()).mapEmpty();
    }
    return Future.succeededFuture();
  }

  /** What this instance currently announces (null before start and after stop). */
  protected final ProviderInfo announced() {
    return info;
  }

  @Override
  public Future<?> stop() {
    return stopIntake().onComplete(ar -> info = null);
  }
}
