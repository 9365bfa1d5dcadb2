package com.ervc.provider;

import com.ervc.cluster.Drainable;
import com.ervc.cluster.StreamSender;
import com.ervc.config.ServiceConfig;
import com.ervc.config.TtsConfig;
import com.ervc.metrics.ServiceMetrics;
import com.ervc.protocol.AdminMessage;
import com.ervc.protocol.Addresses;
import com.ervc.protocol.BusProtocol;
import com.ervc.protocol.ErrorCode;
import com.ervc.protocol.ProviderInfo;
import com.ervc.protocol.ProviderLoad;
import com.ervc.protocol.ProviderMessage;
import com.ervc.protocol.SpeechException;
import com.ervc.protocol.StreamMessage;
import com.ervc.protocol.TtsRequest;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/**
 * Event-bus wiring shared by every provider: probes the engine at start (a provider that cannot work fails its
 * deployment with a clear message), serves its name-level address {@code tts.provider.<name>.synthesize} and its
 * own instance address, and streams each admitted sentence's audio to the pipeline receiver that asked for it as
 * the engine writes it. The parts are its own classes: {@link ProviderIntake} (dispatch by message type,
 * admission, breaker check), {@link CircuitBreaker} with {@link HalfOpenProbe}, {@link LoadReporter},
 * {@link DirectoryAnnouncer} and {@link StreamRegistry}. docs/event-bus.md describes the messages.
 */
public abstract class ProviderVerticle extends VerticleBase implements Drainable {
  private static final Logger LOG = LoggerFactory.getLogger(ProviderVerticle.class);

  private final InstanceStats stats = new InstanceStats();
  private final String instanceId = UUID.randomUUID().toString();
  private final ServiceMetrics metrics;
  private final ServiceConfig config;
  private final StreamRegistry streams = new StreamRegistry();
  private volatile ProviderInfo info;
  private Admission admission;
  private CircuitBreaker breaker;
  private ProviderIntake intake;
  private Function<TtsRequest, Future<Void>> probeCheck;
  private LoadReporter reporter;
  private DirectoryAnnouncer announcer;
  private InstanceControl control;
  private int streamWindow;
  private long streamStallMs;
  /** The name-level and the instance consumer, registered only while the instance is available. */
  private List<MessageConsumer<Object>> consumers = List.of();
  /** Set by a drain: the instance stays out of the directory and the load view from then on. */
  private boolean draining;

  protected ProviderVerticle(ServiceMetrics metrics, ServiceConfig config) {
    this.metrics = metrics;
    this.config = config;
  }

  /** The node's configuration, for the sections a provider reads. */
  protected final ServiceConfig configuration() {
    return config;
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
   * How a health probe is answered: null (the default) synthesizes it; a provider whose every synthesis is billed
   * returns a check that proves its credentials and model without audio, and takes no admission slot for it.
   */
  protected Function<TtsRequest, Future<Void>> probeCheck() {
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
    TtsConfig tts = config.tts();
    admission = new Admission(config.providerCapacity(name()), maxQueue(), System::currentTimeMillis);
    breaker = new CircuitBreaker(tts.circuitFailureThreshold(), tts.circuitOpenMs(), System::currentTimeMillis);
    streamWindow = tts.streamWindow();
    streamStallMs = tts.streamStallTimeoutMs();
    probeCheck = probeCheck();
    intake = new ProviderIntake(name(), admission, breaker, probeCheck != null);
    reporter = new LoadReporter(vertx, this::load);
    announcer = new DirectoryAnnouncer(vertx, () -> info);
    String nodeId = config.node().id() != null ? config.node().id() : "local";
    return probe(nodeId)
        .recover(failure -> Future.failedFuture(new IllegalStateException(
            "provider '" + name() + "' is unavailable on this node: " + failure.getMessage(), failure)))
        .compose(described -> {
          info = described;
          control = new InstanceControl(breaker, admission, stats, this::probeNow);
          return Future.all(serve(described.available()), reporter.listen(),
              vertx.eventBus().consumer(Addresses.adminInstance(instanceId), this::handleAdmin).completion());
        })
        .compose(v -> announcer.announce())
        .onSuccess(v -> {
          announcer.keepFresh();
          reporter.start(this::probeIfHalfOpen);
          if (!configured()) {
            return; // announced (so operators see why) but not measured: its 0 would only raise alerts
          }
          metrics.provider(name(), () -> info == null || !info.available() ? 0 : 1,
              () -> admission.sentences() / (double) concurrency());
        });
  }

  /** This instance's current load report, or null once it stops or drains. */
  private ProviderLoad load() {
    return draining ? null : report();
  }

  /** The load report as it stands (also while draining), or null once it stops. */
  private ProviderLoad report() {
    ProviderInfo serving = info;
    if (serving == null) {
      return null;
    }
    return new ProviderLoad(instanceId, instanceAddress(), serving, admission.replies(), admission.capacity(),
        Math.max(0, admission.sentences() - concurrency()), stats.ttfaEwmaMs(), stats.ttfaP95Ms(), stats.errorRate(),
        breaker.state().wire(), false);
  }

  private void handle(Message<Object> msg) {
    if (!BusProtocol.accepts(msg)) {
      return;
    }
    ProviderIntake.Decision decision = intake.decide(info, msg.headers().get(BusProtocol.H_TYPE), msg.body());
    if (decision instanceof ProviderIntake.Refuse refuse) {
      msg.fail(refuse.code().status(), refuse.message());
    } else if (decision instanceof ProviderIntake.SlotFreed) {
      reporter.slotsChanged();
    } else if (decision instanceof ProviderIntake.Cancel cancel) {
      if (streams.cancel(cancel.cancel().stream()) && cancel.cancel().deadlineMissed()) {
        // Too slow to start or stalled: as much a failure as an error, though the engine never reported one.
        countFailure("missed a deadline");
      }
    } else if (decision instanceof ProviderIntake.Run run && run.streamed() != null) {
      stream(msg, run.sentence(), run.streamed());
    } else if (decision instanceof ProviderIntake.Run run) {
      answerWhole(msg, run.sentence(), run.reply());
    } else if (decision instanceof ProviderIntake.Check check) {
      answerChecked(msg, check.probe());
    }
  }

  /** Accepts at once, then sends the audio to the request's receiver as the engine writes it. */
  private void stream(Message<Object> msg, TtsRequest sentence, ProviderMessage.Sentence request) {
    ProviderMessage.Accepted accepted = new ProviderMessage.Accepted(instanceId, info.nodeId());
    msg.reply(accepted.body(), BusProtocol.options(accepted));
    StreamSender sender = new StreamSender(vertx.eventBus(), request.receiver(), request.stream(), streamWindow,
        streamStallMs);
    StreamedAudioOut out = new StreamedAudioOut(vertx.getOrCreateContext(), sender);
    streams.add(request.stream(), out);
    run(sentence, request.reply(), out).onComplete(ar -> {
      streams.remove(request.stream());
      if (ar.succeeded()) {
        sender.send(new StreamMessage.SentenceEnd());
      } else if (!sender.isBroken()) {
        sender.send(StreamMessage.Failure.of(ar.cause()));
      }
    });
  }

  /** A probe: the whole sentence's PCM as the reply. */
  private void answerWhole(Message<Object> msg, TtsRequest sentence, String reply) {
    Buffer collected = Buffer.buffer();
    run(sentence, reply, pcm -> {
      synchronized (collected) {
        collected.appendBuffer(pcm);
      }
      return Future.succeededFuture();
    }).onComplete(ar -> {
      admission.done(reply); // a probe is a whole reply: its slot is free at once
      if (ar.succeeded()) {
        ProviderMessage.ProbeAudio audio = new ProviderMessage.ProbeAudio(collected, sentence.sampleRate());
        msg.reply(audio.body(), BusProtocol.options(audio));
      } else {
        fail(msg, ar.cause());
      }
    });
  }

  /** A probe answered by the provider's check: {@code checked-without-audio}, or the check's failure. */
  private void answerChecked(Message<Object> msg, TtsRequest probe) {
    probeCheck.apply(probe).onComplete(ar -> {
      if (ar.succeeded()) {
        ProviderMessage.ProbeChecked checked = new ProviderMessage.ProbeChecked();
        msg.reply(checked.body(), BusProtocol.options(checked));
      } else {
        fail(msg, ar.cause());
      }
    });
  }

  private static void fail(Message<Object> msg, Throwable cause) {
    SpeechException failure = SpeechException.from(cause);
    msg.fail(failure.code().status(), failure.getMessage());
  }

  /** Runs one admitted request, measuring time to first audio and the outcome. */
  private Future<Void> run(TtsRequest sentence, String reply, AudioOut out) {
    reporter.slotsChanged(); // admitted: the slot is taken
    long start = System.nanoTime();
    boolean[] first = {true};
    AudioOut measured = new AudioOut() {
      @Override
      public Future<Void> write(Buffer pcm) {
        if (first[0]) {
          first[0] = false;
          stats.firstAudio((System.nanoTime() - start) / 1_000_000);
        }
        return out.write(pcm);
      }

      @Override
      public boolean cancelled() {
        return out.cancelled();
      }
    };
    Future<Void> done;
    try {
      done = synthesize(sentence, measured);
    } catch (RuntimeException e) {
      done = Future.failedFuture(e);
    }
    return done.andThen(ar -> {
      admission.release(reply);
      reporter.slotsChanged();
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
    if (info != null && breaker.tryProbe()) {
      probeNow();
    }
  }

  /** One real synthesis of the probe sentence: success closes the circuit (unless an operator holds it open). */
  private Future<Void> probeNow() {
    ProviderInfo serving = info;
    if (serving == null) {
      return Future.failedFuture(new IllegalStateException("the instance is stopping"));
    }
    TtsConfig tts = config.tts();
    TtsRequest probe = TtsRequest.parse(new JsonObject().put("text", CircuitBreaker.PROBE_TEXT), Integer.MAX_VALUE,
        tts.sampleRate()).withProvider(name(), serving.defaultVoice());
    return HalfOpenProbe.run(vertx, tts.providerTimeoutMs(), tts.providerStallTimeoutMs(), out -> synthesize(probe, out))
        .andThen(ar -> {
          if (ar.succeeded()) {
            breaker.success();
            LOG.info("provider '{}' instance {}: probe succeeded, circuit breaker closed", name(), instanceId);
          } else {
            countFailure(String.valueOf(ar.cause().getMessage()));
          }
        });
  }

  /** An operator's command (circuit, capacity, re-probe); the answer is the load report after it. */
  private void handleAdmin(Message<Object> msg) {
    if (!BusProtocol.accepts(msg)) {
      return;
    }
    AdminMessage command;
    try {
      command = AdminMessage.instanceCommand(msg.headers().get(BusProtocol.H_TYPE), msg.body());
    } catch (SpeechException e) {
      msg.fail(e.code().status(), e.getMessage());
      return;
    }
    control.apply(command).onComplete(ar -> {
      reporter.publish();
      ProviderLoad now = report();
      if (ar.failed()) {
        msg.fail(ar.cause() instanceof SpeechException e ? e.code().status() : ErrorCode.PROVIDER_UNAVAILABLE.status(),
            String.valueOf(ar.cause().getMessage()));
      } else if (now == null) {
        msg.fail(ErrorCode.PROVIDER_UNAVAILABLE.status(), "the instance is stopping");
      } else {
        AdminMessage.InstanceStatus status = new AdminMessage.InstanceStatus(now.toJson());
        msg.reply(status.body(), BusProtocol.options(status));
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
      reporter.leave(last);
      return announcer.withdraw();
    });
  }

  /** Joins the directory and the load view again; the addresses never left. */
  @Override
  public Future<Void> resumeIntake() {
    return Drainable.onContext(context, () -> {
      if (!draining || info == null) {
        return Future.succeededFuture();
      }
      draining = false;
      announcer.keepFresh();
      reporter.start(this::probeIfHalfOpen);
      return announcer.announce();
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
          announcer.announce();
          reporter.publish();
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
      List<MessageConsumer<Object>> stopping = consumers;
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
