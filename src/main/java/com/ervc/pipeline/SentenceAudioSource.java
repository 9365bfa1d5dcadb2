package com.ervc.pipeline;

import com.ervc.cache.AudioCache;
import com.ervc.cache.CacheKey;
import com.ervc.cache.CachedAudio;
import com.ervc.metrics.ServiceMetrics;
import com.ervc.protocol.Addresses;
import com.ervc.protocol.BusProtocol;
import com.ervc.protocol.CacheMessage;
import com.ervc.protocol.ErrorCode;
import com.ervc.protocol.ProviderMessage;
import com.ervc.protocol.SpeechException;
import com.ervc.protocol.TtsRequest;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.UUID;
import java.util.function.Function;

/**
 * Gets one sentence's audio as a {@link SentenceStream}: from the cache when it has it, else streamed from the
 * route's provider instance (and stored in the cache once complete). The cache is best effort: a cache node that
 * is down or slow counts as a miss, so speech never waits on it for long. When this node runs the cache itself, it
 * is asked directly instead of over the event bus (no request, no copy of the audio in the reply).
 */
final class SentenceAudioSource {
  private static final Logger LOG = LoggerFactory.getLogger(SentenceAudioSource.class);

  private final EventBus bus;
  private final ProviderReceiver receiver;
  private final long cacheTimeoutMs;
  private final long acceptTimeoutMs;
  private final ServiceMetrics metrics;
  private final Function<Route, Deadlines> deadlines;
  private final NodeDeaths deaths;
  /** This node's own cache, or null when the cache runs elsewhere. */
  private final AudioCache localCache;
  private boolean cacheReachable = true;

  SentenceAudioSource(EventBus bus, ProviderReceiver receiver, long cacheTimeoutMs, long acceptTimeoutMs,
                      ServiceMetrics metrics, Function<Route, Deadlines> deadlines, NodeDeaths deaths,
                      AudioCache localCache) {
    this.localCache = localCache;
    this.bus = bus;
    this.receiver = receiver;
    this.cacheTimeoutMs = cacheTimeoutMs;
    this.acceptTimeoutMs = acceptTimeoutMs;
    this.metrics = metrics;
    this.deadlines = deadlines;
    this.deaths = deaths;
  }

  /** The sentence's audio; {@code sentence} names the route's provider and voice, {@code reply} its reply. */
  Future<SentenceStream> open(TtsRequest sentence, Route route, String reply) {
    String key = CacheKey.of(sentence);
    return cached(key, sentence.sampleRate()).map(hit -> hit != null
        ? SentenceStream.complete(route, hit, System.nanoTime())
        : synthesize(sentence, route, key, reply));
  }

  private Future<Buffer> cached(String key, int sampleRate) {
    Future<Buffer> entry;
    if (localCache != null) {
      entry = localCache.get(key);
    } else {
      CacheMessage.Get get = new CacheMessage.Get(key);
      entry = bus.<Buffer>request(Addresses.CACHE_GET, get.body(),
          BusProtocol.stamp(new DeliveryOptions().setSendTimeout(cacheTimeoutMs), get)).map(Message::body);
    }
    return entry
        .map(stored -> {
          cacheUp();
          Buffer pcm = stored == null ? null : usable(stored, sampleRate);
          metrics.cacheRequest(pcm == null ? "miss" : "hit");
          return pcm;
        })
        .otherwise(failure -> {
          cacheDown(failure);
          metrics.cacheRequest("error");
          return null;
        });
  }

  /** The PCM of an entry, or null (a miss) when it is unreadable or at another rate. */
  static Buffer usable(Buffer stored, int sampleRate) {
    try {
      CachedAudio entry = CachedAudio.decode(stored);
      return entry.sampleRate() == sampleRate ? entry.pcm() : null;
    } catch (IllegalArgumentException e) {
      LOG.warn("ignoring unreadable cache entry: {}", e.getMessage());
      return null;
    }
  }

  private SentenceStream synthesize(TtsRequest sentence, Route route, String key, String reply) {
    SentenceStream stream = new SentenceStream(route, deadlines.apply(route), false, System.nanoTime());
    String id = UUID.randomUUID().toString();
    receiver.register(id, stream);
    if (deaths.gone(route.nodeId())) {
      // Routed before the node was known gone (a reply still on it, a lookahead asked of it): fail now, not at a
      // deadline, so the reply moves on at once.
      stream.fail(new SpeechException(ErrorCode.PROVIDER_UNAVAILABLE,
          "provider " + route.describe() + ": node gone"));
      return stream;
    }
    deaths.watch(route.nodeId());
    ProviderMessage.Sentence request = new ProviderMessage.Sentence(sentence, receiver.address(), id, reply);
    bus.request(route.address(), request.body(),
            BusProtocol.stamp(new DeliveryOptions().setSendTimeout(acceptTimeoutMs), request))
        .onFailure(refused -> stream.fail(SpeechException.from(refused)));
    stream.whole()
        .onSuccess(pcm -> {
          Buffer entry = new CachedAudio(sentence.sampleRate(), 1, pcm).encode();
          if (localCache != null) {
            localCache.put(key, entry);
          } else {
            CacheMessage.Put put = new CacheMessage.Put(key, entry);
            bus.request(Addresses.CACHE_PUT, put.body(),
                BusProtocol.stamp(new DeliveryOptions().setSendTimeout(cacheTimeoutMs), put));
          }
        })
        // Tell the provider at once, so it skips work it has not started (a no-op if it already ended).
        .onFailure(failure -> {
          if (!deaths.gone(route.nodeId())) {
            ProviderMessage.Cancel cancel = new ProviderMessage.Cancel(id, stream.deadlineMissed());
            bus.send(route.address(), cancel.body(), BusProtocol.options(cancel));
          }
        });
    return stream;
  }

  private void cacheUp() {
    if (!cacheReachable) {
      cacheReachable = true;
      LOG.info("audio cache reachable again");
    }
  }

  private void cacheDown(Throwable failure) {
    if (cacheReachable) {
      cacheReachable = false;
      LOG.warn("audio cache not reachable ({}); synthesizing without it", failure.getMessage());
    }
  }
}
