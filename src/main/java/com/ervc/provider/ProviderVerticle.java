package com.ervc.provider;

import com.ervc.cluster.Addresses;
import com.ervc.cluster.Drainable;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import com.ervc.metrics.ServiceMetrics;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Event-bus wiring shared by every provider: probes the engine at start (a provider that cannot work fails its
 * deployment with a clear message), serves {@code tts.provider.<name>.synthesize} with a bounded queue, and keeps
 * its entry in the {@link ProviderDirectory} fresh.
 */
public abstract class ProviderVerticle extends VerticleBase implements Drainable {
  private final AtomicInteger inFlight = new AtomicInteger();
  private final ServiceMetrics metrics;
  private ProviderDirectory directory;
  private volatile ProviderInfo info;
  private long announcer = -1;
  private MessageConsumer<JsonObject> consumer;
  /** Set by a drain: the instance stays out of the directory from then on. */
  private boolean draining;
  private int maxQueue;

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

  /** False for a provider the operator did not set up (e.g. no API key): it exports no up/load meters. */
  protected boolean configured() {
    return true;
  }

  /** How many requests the engine works on at once (its worker count): the unit of {@code tts_provider_load}. */
  protected abstract int concurrency();

  @Override
  public Future<?> start() {
    directory = new ProviderDirectory(vertx);
    maxQueue = maxQueue();
    String nodeId = config().getJsonObject("node").getString("id", "local");
    return probe(nodeId)
        .recover(failure -> Future.failedFuture(new IllegalStateException(
            "provider '" + name() + "' is unavailable on this node: " + failure.getMessage(), failure)))
        .compose(described -> {
          info = described;
          return serve(described.available());
        })
        .compose(v -> directory.announce(info))
        .onSuccess(v -> {
          announcer = vertx.setPeriodic(ProviderDirectory.REFRESH_MS, id -> directory.announce(info));
          if (!configured()) {
            return; // announced (so operators see why) but not measured: its 0 would only raise alerts
          }
          metrics.provider(name(), () -> info == null || !info.available() ? 0 : 1, () -> inFlight.get() / (double) concurrency());
        });
  }

  private void handle(Message<JsonObject> msg) {
    ProviderInfo serving = info;
    if (serving == null) {
      msg.fail(ErrorCode.PROVIDER_UNAVAILABLE.status(), "provider '" + name() + "' is stopping");
      return;
    }
    if (!serving.available()) {
      msg.fail(ErrorCode.PROVIDER_UNAVAILABLE.status(), "provider '" + name() + "' is unavailable: " + serving.detail());
      return;
    }
    TtsRequest sentence;
    try {
      sentence = TtsRequest.fromJson(msg.body());
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
    if (inFlight.incrementAndGet() > maxQueue) {
      inFlight.decrementAndGet();
      msg.fail(ErrorCode.PROVIDER_UNAVAILABLE.status(), "provider '" + name() + "' is overloaded; try again shortly");
      return;
    }
    int sampleRate = sentence.sampleRate();
    String voice = sentence.voice();
    long start = System.nanoTime();
    Buffer collected = Buffer.buffer();
    AudioOut out = pcm -> {
      synchronized (collected) {
        collected.appendBuffer(pcm);
      }
      return Future.succeededFuture();
    };
    synthesize(sentence, out).onComplete(ar -> {
      inFlight.decrementAndGet();
      if (ar.succeeded()) {
        metrics.synthesis(name(), voice, System.nanoTime() - start);
        msg.reply(collected,
            new DeliveryOptions().addHeader(Addresses.H_SAMPLE_RATE, Integer.toString(sampleRate)));
      } else {
        SpeechException failure = SpeechException.from(ar.cause());
        msg.fail(failure.code().status(), failure.getMessage());
      }
    });
  }

  /**
   * Leaves the directory, so that new replies are routed to other instances; the address stays registered
   * because replies already running here (of this node's or another node's pipeline) need their next sentences.
   */
  @Override
  public Future<Void> stopIntake() {
    return Drainable.onContext(context, () -> {
      draining = true;
      vertx.cancelTimer(announcer); // or a last announcement could re-add the entry after the withdrawal
      ProviderInfo announced = info;
      return announced == null ? Future.succeededFuture()
          : directory.withdraw(name(), announced.nodeId()).otherwiseEmpty();
    });
  }

  @Override
  public int inFlight() {
    return inFlight.get();
  }

  /**
   * Replaces this instance's directory entry at once, e.g. when a provider finds its credentials rejected
   * ({@code available=false} with the reason in {@code detail}) or working again. Call on the verticle's context.
   */
  protected final void republish(ProviderInfo updated) {
    if (info != null) {
      info = updated;
      serve(updated.available()).onComplete(v -> {
        if (!draining) {
          directory.announce(updated);
        }
      });
    }
  }

  /**
   * Only an available instance consumes requests: the event bus spreads a provider's address over every node
   * that listens, so an instance that cannot serve (no key, rejected credentials) must not listen.
   */
  private Future<Void> serve(boolean available) {
    if (available && consumer == null) {
      consumer = vertx.eventBus().consumer(Addresses.provider(name()), this::handle);
      return consumer.completion();
    }
    if (!available && consumer != null) {
      MessageConsumer<JsonObject> stopping = consumer;
      consumer = null;
      return stopping.unregister();
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
