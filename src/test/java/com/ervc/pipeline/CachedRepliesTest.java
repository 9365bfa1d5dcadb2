package com.ervc.pipeline;

import com.ervc.cache.CacheKey;
import com.ervc.cache.CachedAudio;
import com.ervc.cache.MemoryAudioCache;
import com.ervc.config.ConfigLoader;
import com.ervc.config.TtsConfig;
import com.ervc.metrics.ServiceMetrics;
import com.ervc.protocol.CachedReply;
import com.ervc.protocol.Emotion;
import com.ervc.protocol.QualityTier;
import com.ervc.protocol.TtsRequest;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

class CachedRepliesTest {
  private static final TtsConfig TTS = ConfigLoader.load(null, Map.of()).tts();
  private static final int RATE = 24_000;
  /** 100 ms at 24 kHz, 16-bit mono. */
  private static final int FRAME_BYTES = 4_800;
  private static final Route ESPEAK = new Route("espeak", "i1", "n1", "tts.provider.espeak.i1", "en-us");
  private static final String TEXT = "The first sentence is here. The second one follows it.";

  private final AtomicLong clock = new AtomicLong(1_000_000);
  private final MemoryAudioCache cache = new MemoryAudioCache(100, 10 << 20, 60_000, clock::get);
  private final ServiceMetrics metrics = ServiceMetrics.create("test");
  private final CachedReplies replies = new CachedReplies(cache, metrics, TTS, clock::get);

  private static TtsRequest request(String text) {
    return new TtsRequest(text, TtsRequest.AUTO, null, Emotion.NEUTRAL, 0.5, QualityTier.BALANCED, 1.0, 1.0, RATE);
  }

  /** Stores {@code bytes} of audio (byte i = i mod 251) for one sentence as the pipeline would, on {@code route}. */
  private Buffer store(TtsRequest request, String sentence, Route route, int bytes, int sampleRate) {
    Buffer pcm = Buffer.buffer(bytes);
    for (int i = 0; i < bytes; i++) {
      pcm.appendByte((byte) (i % 251));
    }
    cache.put(CacheKey.of(request.withText(sentence).withProvider(route.provider(), route.voice())),
        new CachedAudio(sampleRate, 1, pcm).encode());
    return pcm;
  }

  private List<String> sentences(String text) {
    return new SentenceSplitter(TTS.firstChunkMaxChars(), TTS.maxChunkChars()).split(text);
  }

  private double hits() {
    return metrics.registry().find("tts.cache.requests").tag("result", "hit").counter() == null ? 0
        : metrics.registry().find("tts.cache.requests").tag("result", "hit").counter().count();
  }

  @Test
  void aReplyCachedWholeComesBackCutIntoFramesOnTheLearnedRoute() {
    TtsRequest request = request(TEXT);
    List<String> sentences = sentences(TEXT);
    assertEquals(2, sentences.size());
    Buffer first = store(request, sentences.get(0), ESPEAK, 2 * FRAME_BYTES + 1_000, RATE);
    Buffer second = store(request, sentences.get(1), ESPEAK, FRAME_BYTES, RATE);
    replies.learn(request, ESPEAK);

    CachedReply reply = replies.find(request);

    assertNotNull(reply);
    assertEquals("espeak", reply.provider());
    assertEquals("en-us", reply.voice());
    assertEquals(RATE, reply.sampleRate());
    assertEquals(sentences, reply.sentences());
    assertEquals(List.of(FRAME_BYTES, FRAME_BYTES, 1_000), reply.frames().get(0).stream().map(Buffer::length).toList());
    assertEquals(List.of(FRAME_BYTES), reply.frames().get(1).stream().map(Buffer::length).toList());
    Buffer joined = Buffer.buffer();
    reply.frames().get(0).forEach(joined::appendBuffer);
    assertArrayEquals(first.getBytes(), joined.getBytes());
    assertArrayEquals(second.getBytes(), reply.frames().get(1).get(0).getBytes());
    assertEquals(2, hits(), "a hit counted per sentence");
  }

  @Test
  void aReplyWithOneSentenceMissingIsLeftToThePipelineAndCountsNothing() {
    TtsRequest request = request(TEXT);
    store(request, sentences(TEXT).get(0), ESPEAK, FRAME_BYTES, RATE);
    replies.learn(request, ESPEAK);

    assertNull(replies.find(request));
    assertEquals(0, hits(), "the pipeline looks the sentences up again and counts them");
  }

  @Test
  void noReplyWithoutARoutingChoiceForThatKindOfRequest() {
    TtsRequest request = request(TEXT);
    sentences(TEXT).forEach(s -> store(request, s, ESPEAK, FRAME_BYTES, RATE));

    assertNull(replies.find(request), "the router never chose for such a request");
    replies.learn(new TtsRequest(TEXT, TtsRequest.AUTO, null, Emotion.HAPPY, 0.5, QualityTier.BALANCED, 1.0, 1.0, RATE),
        ESPEAK);
    assertNull(replies.find(request), "a choice for another emotion does not count");
    replies.learn(request("Other words entirely."), ESPEAK);
    assertNotNull(replies.find(request), "the choice does not depend on the text");
  }

  @Test
  void aRoutingChoiceIsReusedForOneSecondOnly() {
    TtsRequest request = request(TEXT);
    sentences(TEXT).forEach(s -> store(request, s, ESPEAK, FRAME_BYTES, RATE));
    replies.learn(request, ESPEAK);

    clock.addAndGet(CachedReplies.ROUTE_MEMORY_MS);
    assertNotNull(replies.find(request));
    clock.addAndGet(1);
    assertNull(replies.find(request), "a provider may have stopped or started since: ask the router");
    replies.learn(request, ESPEAK);
    assertNotNull(replies.find(request));
  }

  @Test
  void audioStoredAtAnotherRateOrOnAnotherRouteIsNotServed() {
    TtsRequest request = request(TEXT);
    sentences(TEXT).forEach(s -> store(request, s, ESPEAK, FRAME_BYTES, 22_050));
    replies.learn(request, ESPEAK);
    assertNull(replies.find(request), "stored at 22,050 Hz, asked at 24,000 Hz");

    sentences(TEXT).forEach(s -> store(request, s, ESPEAK, FRAME_BYTES, RATE));
    replies.learn(request, new Route("kokoro", "i2", "n1", "tts.provider.kokoro.i2", "af_heart"));
    assertNull(replies.find(request), "the router now sends such requests to another provider");
  }

  @Test
  void textWithNothingToSpeakIsLeftToThePipeline() {
    TtsRequest request = request("...");
    replies.learn(request, ESPEAK);
    assertNull(replies.find(request));
  }
}
