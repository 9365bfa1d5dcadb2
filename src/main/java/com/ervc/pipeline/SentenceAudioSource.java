package com.ervc.pipeline;

import com.ervc.cache.CacheKey;
import com.ervc.cache.CachedAudio;
import com.ervc.cluster.Addresses;
import com.ervc.metrics.ServiceMetrics;
import com.ervc.provider.TtsRequest;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gets one sentence's audio: from the cache when it has it, else from the provider (then stored). The cache is
 * best effort: a cache node that is down or slow counts as a miss, so speech never waits on it for long.
 */
final class SentenceAudioSource {
  private static final Logger LOG = LoggerFactory.getLogger(SentenceAudioSource.class);

  private final EventBus bus;
  private final long cacheTimeoutMs;
  private final long providerTimeoutMs;
  private final ServiceMetrics metrics;
  private boolean cacheReachable = true;

  SentenceAudioSource(EventBus bus, long cacheTimeoutMs, long providerTimeoutMs, ServiceMetrics metrics) {
    this.metrics = metrics;
    this.bus = bus;
    this.cacheTimeoutMs = cacheTimeoutMs;
    this.providerTimeoutMs = providerTimeoutMs;
  }

  Future<SentenceAudio> audio(TtsRequest sentence) {
    long start = System.nanoTime();
    String key = CacheKey.of(sentence);
    return cached(key, sentence.sampleRate()).compose(hit -> hit != null
        ? Future.succeededFuture(new SentenceAudio(hit, true, elapsedMs(start)))
        : synthesize(sentence, key).map(pcm -> new SentenceAudio(pcm, false, elapsedMs(start))));
  }

  private Future<Buffer> cached(String key, int sampleRate) {
    return bus.<Buffer>request(Addresses.CACHE_GET, key, new DeliveryOptions().setSendTimeout(cacheTimeoutMs))
        .map(reply -> {
          cacheUp();
          Buffer pcm = reply.body() == null ? null : usable(reply.body(), sampleRate);
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
  private static Buffer usable(Buffer stored, int sampleRate) {
    try {
      CachedAudio entry = CachedAudio.decode(stored);
      return entry.sampleRate() == sampleRate ? entry.pcm() : null;
    } catch (IllegalArgumentException e) {
      LOG.warn("ignoring unreadable cache entry: {}", e.getMessage());
      return null;
    }
  }

  private Future<Buffer> synthesize(TtsRequest sentence, String key) {
    return bus.<Buffer>request(Addresses.provider(sentence.provider()), sentence.toJson(),
            new DeliveryOptions().setSendTimeout(providerTimeoutMs))
        .map(Message::body)
        .onSuccess(pcm -> bus.request(Addresses.CACHE_PUT, new CachedAudio(sentence.sampleRate(), 1, pcm).encode(),
            new DeliveryOptions().setSendTimeout(cacheTimeoutMs).addHeader(Addresses.H_KEY, key)));
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

  private static long elapsedMs(long startNanos) {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }
}
