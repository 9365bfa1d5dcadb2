package com.ervc.testing;

import com.ervc.config.ServiceConfig;
import com.ervc.metrics.ServiceMetrics;
import com.ervc.node.Node;
import com.ervc.protocol.Emotion;
import com.ervc.protocol.ErrorCode;
import com.ervc.protocol.ProviderInfo;
import com.ervc.protocol.QualityTier;
import com.ervc.protocol.SpeechException;
import com.ervc.protocol.TtsRequest;
import com.ervc.provider.AudioOut;
import com.ervc.provider.ProviderVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;

import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A test-only provider ("tone") with controllable timing and failures: it writes a deterministic signal, a
 * function of the sentence text only, in 20 ms chunks, so any instance produces byte-identical audio and a test
 * can check exactly what the client got. Timing runs on Vert.x timers; nothing blocks.
 */
public final class ToneProvider extends ProviderVerticle {
  public static final String NAME = "tone";
  public static final String VOICE = "tone-a";
  static final int SAMPLES_PER_CHAR = 240;
  static final int CHUNK_SAMPLES = 480;
  /** The first-byte delay of a {@link Behaviour#slowOnce} text. */
  public static final long SLOW_ONCE_MS = 1_500;

  /** Knobs a test turns while the provider runs. */
  public static final class Behaviour {
    public final AtomicLong firstByteDelayMs = new AtomicLong();
    /** Tiers that skip {@link #firstByteDelayMs}: a provider whose lower tiers are faster. */
    public final Set<QualityTier> fastTiers = ConcurrentHashMap.newKeySet();
    public final AtomicLong chunkDelayMs = new AtomicLong();
    /** When > 0: fail every request with {@code internal} while it stays so. */
    public final AtomicInteger failing = new AtomicInteger();
    public final AtomicInteger requests = new AtomicInteger();
    /**
     * Texts whose first request waits {@link #SLOW_ONCE_MS} for its first byte, on whichever instance takes it; the
     * text's next request (a hedge) does not. Give several instances one set to make just the first of them slow.
     */
    public volatile Set<String> slowOnce = ConcurrentHashMap.newKeySet();
    /** Every text this instance was asked to speak (health and circuit probes included). */
    public final Queue<String> texts = new ConcurrentLinkedQueue<>();
  }

  private final Behaviour behaviour;

  public ToneProvider(ServiceMetrics metrics, ServiceConfig config, Behaviour behaviour) {
    super(metrics, config);
    this.behaviour = behaviour;
  }

  /** Deploys a tone provider on {@code node} with the node's configuration. */
  public static Behaviour deployOn(Node node) {
    Behaviour behaviour = new Behaviour();
    ToneProvider provider = new ToneProvider(node.metrics(), node.config(), behaviour);
    try {
      node.vertx().deployVerticle(provider).await(30, TimeUnit.SECONDS);
      // As node/Node does, so that a drain reaches it.
      node.state().register("provider.tone." + provider.deploymentID(), provider);
    } catch (Exception e) {
      throw new IllegalStateException("tone provider did not deploy", e);
    }
    return behaviour;
  }

  /** The exact PCM the provider produces for {@code text}. */
  public static Buffer expected(String text) {
    int samples = SAMPLES_PER_CHAR * text.length();
    Buffer pcm = Buffer.buffer(samples * 2);
    int seed = text.hashCode();
    for (int i = 0; i < samples; i++) {
      pcm.appendShortLE((short) ((i * 31 + seed) % 20000));
    }
    return pcm;
  }

  @Override
  protected String name() {
    return NAME;
  }

  @Override
  protected Future<ProviderInfo> probe(String nodeId) {
    return Future.succeededFuture(new ProviderInfo(NAME, nodeId, true, VOICE,
        List.of(new ProviderInfo.Voice(VOICE, "Tone A", "en", "neutral")), Emotion.wireNames(),
        QualityTier.wireNames(), true, false, 24000, "test tone"));
  }

  @Override
  protected Future<Void> synthesize(TtsRequest sentence, AudioOut out) {
    behaviour.requests.incrementAndGet();
    behaviour.texts.add(sentence.text());
    if (behaviour.failing.get() > 0) {
      return Future.failedFuture(new SpeechException(ErrorCode.INTERNAL, "tone engine failure (test)"));
    }
    Buffer pcm = expected(sentence.text());
    Promise<Void> done = Promise.promise();
    long delay = behaviour.slowOnce.remove(sentence.text()) ? SLOW_ONCE_MS
        : behaviour.fastTiers.contains(sentence.quality()) ? 0 : behaviour.firstByteDelayMs.get();
    vertx.setTimer(Math.max(1, delay), id -> writeFrom(pcm, 0, out, done));
    return done.future();
  }

  private void writeFrom(Buffer pcm, int offset, AudioOut out, Promise<Void> done) {
    if (offset >= pcm.length()) {
      done.complete();
      return;
    }
    // An odd cut on purpose: the transport must carry the odd byte over.
    int end = Math.min(pcm.length(), offset + CHUNK_SAMPLES * 2 + (offset == 0 ? 1 : 0));
    out.write(pcm.getBuffer(offset, end)).onComplete(ar -> {
      if (ar.failed()) {
        done.fail(ar.cause());
      } else if (behaviour.chunkDelayMs.get() > 0) {
        vertx.setTimer(behaviour.chunkDelayMs.get(), id -> writeFrom(pcm, end, out, done));
      } else {
        writeFrom(pcm, end, out, done);
      }
    });
  }

  @Override
  protected int maxQueue() {
    return 64;
  }

  @Override
  protected int concurrency() {
    return 4;
  }
}
