package com.ervc.pipeline;

import com.ervc.cache.AudioCache;
import com.ervc.cache.CacheKey;
import com.ervc.config.TtsConfig;
import com.ervc.metrics.ServiceMetrics;
import com.ervc.protocol.CachedReply;
import com.ervc.protocol.Emotion;
import com.ervc.protocol.QualityTier;
import com.ervc.protocol.TtsRequest;
import com.ervc.protocol.VoiceChoice;
import io.vertx.core.buffer.Buffer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Whole replies the audio cache already holds, found for a gateway on this node so that it writes them to its client
 * itself: no stream to the pipeline, no hand-over between event loops, no acknowledgements (docs/performance.md).
 * <p>
 * A cache key names the provider and voice, which the router chooses from the live load view, so a reply is only
 * found for requests whose choice this pipeline made within the last {@link #ROUTE_MEMORY_MS}: the router's choice
 * for a request depends on its provider, voice, tier, emotion and voice profile, not on its text. Every other
 * request, and every reply with a sentence missing from the cache, goes through the pipeline as before, which also
 * renews the memory. Thread-safe: the gateway asks from its event loop, the pipeline teaches from its own.
 */
public final class CachedReplies {
  /**
   * How long a routing choice is reused: a provider that stops or starts changes the choice, and one request a
   * second per kind of request through the router notices it.
   */
  static final long ROUTE_MEMORY_MS = 1_000;

  /** What the router's choice depends on. */
  private record RouteQuestion(String provider, String voice, QualityTier quality, Emotion emotion, String profile,
                               List<VoiceChoice> alternatives) {
    static RouteQuestion of(TtsRequest request) {
      return new RouteQuestion(request.provider(), request.voice(), request.quality(), request.emotion(),
          request.profile(), request.alternatives());
    }
  }

  private record Choice(String provider, String voice, long atMs) {
  }

  private final Map<RouteQuestion, Choice> choices = new ConcurrentHashMap<>();
  private final AudioCache cache;
  private final ServiceMetrics metrics;
  private final SentenceSplitter splitter;
  private final int chunkMillis;
  private final LongSupplier clockMs;

  /** @param cache this node's own audio cache (the pipeline's, asked directly) */
  public CachedReplies(AudioCache cache, ServiceMetrics metrics, TtsConfig tts, LongSupplier clockMs) {
    this.cache = cache;
    this.metrics = metrics;
    this.splitter = new SentenceSplitter(tts.firstChunkMaxChars(), tts.maxChunkChars());
    this.chunkMillis = tts.chunkMillis();
    this.clockMs = clockMs;
  }

  /** The router sent {@code request} to {@code route}'s provider and voice. */
  void learn(TtsRequest request, Route route) {
    choices.put(RouteQuestion.of(request), new Choice(route.provider(), route.voice(), clockMs.getAsLong()));
  }

  /**
   * The reply to {@code request} when this node holds every sentence of it in process at the request's sample rate,
   * else null (the pipeline serves it). Never waits: with Redis, a sentence only Redis holds goes through the
   * pipeline, which copies it in process for the next time. Counts the cache hits only of a reply it finds: for any
   * other, the pipeline looks the sentences up and counts them.
   */
  public CachedReply find(TtsRequest request) {
    Choice choice = choices.get(RouteQuestion.of(request));
    if (choice == null || clockMs.getAsLong() - choice.atMs() > ROUTE_MEMORY_MS) {
      return null;
    }
    List<String> sentences;
    try {
      sentences = splitter.split(request.text());
    } catch (RuntimeException e) {
      return null; // the pipeline gives the error
    }
    if (sentences.isEmpty()) {
      return null;
    }
    int frameBytes = Math.max(2, request.sampleRate() * chunkMillis / 1000 * 2);
    List<List<Buffer>> frames = new ArrayList<>(sentences.size());
    for (String sentence : sentences) {
      Buffer entry = cache.held(CacheKey.of(request.withText(sentence).withProvider(choice.provider(),
          choice.voice())));
      Buffer pcm = entry == null ? null : SentenceAudioSource.usable(entry, request.sampleRate());
      if (pcm == null) {
        return null;
      }
      frames.add(Rechunker.cut(pcm, frameBytes));
    }
    for (int i = 0; i < sentences.size(); i++) {
      metrics.cacheRequest("hit");
    }
    return new CachedReply(choice.provider(), choice.voice(), request.sampleRate(), sentences, frames);
  }
}
