package com.ervc.pipeline;

import com.ervc.cache.AudioCache;
import com.ervc.cluster.Drainable;
import com.ervc.cluster.LoadRegistry;
import com.ervc.cluster.LocalSinks;
import com.ervc.cluster.StreamSender;
import com.ervc.config.CacheConfig;
import com.ervc.config.TtsConfig;
import com.ervc.metrics.ServiceMetrics;
import com.ervc.protocol.Addresses;
import com.ervc.protocol.BusProtocol;
import com.ervc.protocol.ErrorCode;
import com.ervc.protocol.PipelineStart;
import com.ervc.protocol.ProviderMessage;
import com.ervc.protocol.SpeechException;
import com.ervc.protocol.TtsRequest;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Serves {@code tts.pipeline.synthesize}: validates the request, routes it to a provider instance, accepts, then
 * streams the audio to the sink the request names, failing over to another instance when one fails.
 */
public final class PipelineVerticle extends VerticleBase implements Drainable {
  private static final Logger LOG = LoggerFactory.getLogger(PipelineVerticle.class);
  /** How often a request waiting for capacity looks again. */
  static final long QUEUE_POLL_MS = 25;

  private final LoadRegistry registry;
  private Router router;
  private SentenceSplitter splitter;
  private SentenceAudioSource audioSource;
  private NodeDeaths deaths;
  private final TtsConfig tts;
  private final CacheConfig cache;
  private final ServiceMetrics metrics;
  /** Sinks of this node, reached without the event bus. */
  private final LocalSinks localSinks;
  private final AudioCache localCache;
  /** Told each routing choice, when a gateway on this node serves cached replies itself; else null. */
  private final CachedReplies cachedReplies;
  private final Function<String, Future<SocketAddress>> eventBusOfNode;
  private MessageConsumer<Object> intake;
  /** Written on this verticle's event loop, read by drain status requests from other threads. */
  private volatile int running;

  /**
   * @param localCache     this node's audio cache when it has the cache role (asked directly), else null (asked over
   *                       the event bus)
   * @param eventBusOfNode where a cluster node's event bus listens (to watch provider nodes, {@link NodeDeaths})
   * @param nodeId         this node's id (its own provider instances stay in the load view however late their
   *                       reports: {@link LoadRegistry})
   * @param cachedReplies  the cached replies a gateway on this node serves itself (taught every routing choice), or
   *                       null
   */
  public PipelineVerticle(ServiceMetrics metrics, TtsConfig tts, CacheConfig cache, LocalSinks localSinks,
                          AudioCache localCache, Function<String, Future<SocketAddress>> eventBusOfNode,
                          String nodeId, CachedReplies cachedReplies) {
    this.registry = new LoadRegistry(nodeId);
    this.cachedReplies = cachedReplies;
    this.localSinks = localSinks;
    this.localCache = localCache;
    this.metrics = metrics;
    this.eventBusOfNode = eventBusOfNode;
    this.tts = tts;
    this.cache = cache;
  }

  @Override
  public Future<?> start() {
    router = new Router(tts.provider(), tts.enableProviderSwitching());
    splitter = new SentenceSplitter(tts.firstChunkMaxChars(), tts.maxChunkChars());
    DeadlinePolicy deadlines = new DeadlinePolicy(tts);
    ProviderReceiver receiver = new ProviderReceiver(vertx, deadlines);
    deaths = new NodeDeaths(registry, receiver, metrics, eventBusOfNode);
    deaths.listen(vertx);
    audioSource = new SentenceAudioSource(vertx.eventBus(), receiver, cache.timeoutMs(), tts.providerTimeoutMs(),
        metrics, r -> deadlines.of(r.provider(), r.instanceId(), registry.get(r.instanceId())), deaths, localCache);
    return registry.listen(vertx)
        .compose(v -> receiver.start())
        .compose(v -> {
          intake = vertx.eventBus().consumer(Addresses.PIPELINE_SYNTHESIZE, this::handle);
          return intake.completion();
        });
  }

  /** Other pipeline nodes take the new requests; the streams running here finish. */
  @Override
  public Future<Void> stopIntake() {
    return Drainable.onContext(context, () -> intake.unregister());
  }

  @Override
  public Future<Void> resumeIntake() {
    return Drainable.onContext(context, () -> {
      if (intake.isRegistered()) {
        return Future.succeededFuture();
      }
      intake = vertx.eventBus().consumer(Addresses.PIPELINE_SYNTHESIZE, this::handle);
      return intake.completion();
    });
  }

  @Override
  public int inFlight() {
    return running;
  }

  private void handle(Message<Object> msg) {
    if (!BusProtocol.accepts(msg, PipelineStart.TYPE)) {
      return;
    }
    PipelineStart start;
    List<String> sentences;
    try {
      start = PipelineStart.from(msg.body());
      sentences = splitter.split(start.request().text());
      if (sentences.isEmpty()) {
        throw new SpeechException(ErrorCode.INVALID_REQUEST, "the text has nothing to speak");
      }
    } catch (SpeechException e) {
      msg.fail(e.code().status(), e.getMessage());
      return;
    } catch (RuntimeException e) {
      msg.fail(ErrorCode.INVALID_REQUEST.status(), "malformed pipeline request");
      return;
    }
    TtsRequest parsed = start.request();
    String stream = start.stream();
    route(parsed, Set.of(), null, tts.routeQueueMs())
        .onFailure(failure -> {
          SpeechException error = SpeechException.from(failure);
          msg.fail(error.code().status(), error.getMessage());
        })
        .onSuccess(route -> {
          if (cachedReplies != null) {
            cachedReplies.learn(parsed, route);
          }
          PipelineStart.Accepted accepted = new PipelineStart.Accepted(route.provider(), route.voice());
          msg.reply(accepted.body(), BusProtocol.options(accepted));
          StreamSender out = localSinks.open(vertx.eventBus(), context, start.sink(), stream, tts.streamWindow(),
              tts.streamStallTimeoutMs());
          List<Route> used = new ArrayList<>(List.of(route));
          // Instances that were sent a sentence of this reply: only they hold a slot for it (a cache hit asks none).
          Set<String> asked = new HashSet<>();
          SpeechJob.Rerouter rerouter = tts.enableProviderSwitching()
              ? (failed, excluded) -> {
                release(failed, stream, asked);
                used.remove(failed);
                return route(parsed, excluded, failed, tts.routeQueueMs()).onSuccess(next -> {
                  used.add(next);
                  metrics.failover(failed.provider(), next.provider());
                });
              }
              : null;
          SpeechJob.Hedger hedger = tts.enableProviderSwitching() ? new SpeechJob.Hedger() {
            @Override
            public Future<Route> hedge(Route current, Set<String> excluded) {
              return route(parsed, excluded, current, 0); // a hedge never waits for capacity
            }

            @Override
            public void done(Route second) {
              if (!used.contains(second)) { // unless the reply moved there since
                release(second, stream, asked);
              }
            }
          } : null;
          running++;
          new SpeechJob(parsed, sentences, route, (sentence, r) -> audioSource.open(sentence, r, stream)
              .onSuccess(audio -> {
                if (!audio.cached()) {
                  asked.add(r.instanceId());
                }
              }), rerouter, hedger, (ms, task) -> vertx.setTimer(Math.max(1, ms), id -> task.run()), metrics, out, tts.chunkMillis())
              .run()
              .onComplete(ar -> {
                running--;
                used.forEach(r -> release(r, stream, asked));
              })
              .onFailure(failure -> LOG.debug("stream {} ended early: {}", stream, failure.getMessage()));
        });
  }

  /**
   * The reply no longer uses {@code route}: its load correction ends, and the instance, when it was {@code asked}
   * for a sentence of the reply (and so holds a slot for it), is told to free the slot.
   */
  private void release(Route route, String reply, Set<String> asked) {
    registry.released(route.instanceId());
    if (asked.contains(route.instanceId()) && !deaths.gone(route.nodeId())) {
      ProviderMessage.ReplyDone done = new ProviderMessage.ReplyDone(reply);
      vertx.eventBus().send(route.address(), done.body(), BusProtocol.options(done));
    }
  }

  /** Routes with the router; while every capable instance is at capacity, waits up to {@code queueMs}. */
  private Future<Route> route(TtsRequest request, Set<String> excluded, Route sticky, long queueMs) {
    Promise<Route> routed = Promise.promise();
    attempt(request, excluded, sticky, System.currentTimeMillis() + queueMs, routed);
    return routed.future();
  }

  private void attempt(TtsRequest request, Set<String> excluded, Route sticky, long deadline, Promise<Route> routed) {
    Router.Result result;
    try {
      result = router.pick(request, registry.live(System.currentTimeMillis()), excluded, sticky);
    } catch (RuntimeException e) {
      routed.fail(e);
      return;
    }
    if (result.route() != null) {
      registry.assigned(result.route().instanceId());
      routed.complete(result.route());
    } else if (result.full() && System.currentTimeMillis() < deadline) {
      vertx.setTimer(QUEUE_POLL_MS, id -> attempt(request, excluded, sticky, deadline, routed));
    } else {
      routed.fail(result.error());
    }
  }
}
