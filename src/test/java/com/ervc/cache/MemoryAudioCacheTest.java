package com.ervc.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class MemoryAudioCacheTest {

  private static final long TTL_MS = 1_000;

  /** The fake clock every cache in this test reads. */
  private long now = 0;

  private MemoryAudioCache cache(int maxEntries, long maxBytes) {
    return new MemoryAudioCache(maxEntries, maxBytes, TTL_MS, () -> now);
  }

  /** A buffer of {@code length} bytes all equal to {@code fill}, so entries are told apart by content. */
  private static Buffer bytes(int length, int fill) {
    byte[] data = new byte[length];
    Arrays.fill(data, (byte) fill);
    return Buffer.buffer(data);
  }

  private static byte[] get(MemoryAudioCache cache, String key) {
    Buffer hit = cache.get(key).result();
    return hit == null ? null : hit.getBytes();
  }

  private static void assertHolds(MemoryAudioCache cache, int entries, long bytes) {
    JsonObject stats = cache.stats();
    assertEquals(entries, stats.getInteger("entries"), stats::encode);
    assertEquals(bytes, stats.getLong("bytes"), stats::encode);
  }

  @Test
  void storedEntryIsAHitAndOtherKeysMiss() {
    MemoryAudioCache cache = cache(10, 1_000);
    cache.put("a", bytes(4, 1));

    assertArrayEquals(new byte[] {1, 1, 1, 1}, get(cache, "a"));
    assertNull(get(cache, "b"));
  }

  @Test
  void putReplacesAnExistingEntry() {
    MemoryAudioCache cache = cache(10, 1_000);
    cache.put("a", bytes(4, 1));
    cache.put("a", bytes(2, 2));

    assertArrayEquals(new byte[] {2, 2}, get(cache, "a"));
    assertHolds(cache, 1, 2);
  }

  /**
   * Caffeine's W-TinyLFU admits a new entry over the eviction victim only when it is used more often, so at the
   * limit the entry that is read stays and one of the others goes.
   */
  @Test
  void entryCountLimitKeepsTheEntryInUse() {
    MemoryAudioCache cache = cache(2, 1_000);
    cache.put("a", bytes(1, 1));
    cache.put("b", bytes(1, 2));
    get(cache, "a");

    cache.put("c", bytes(1, 3));

    assertArrayEquals(new byte[] {1}, get(cache, "a"));
    assertEquals(2, cache.stats().getInteger("entries"));
    assertEquals(1L, cache.stats().getLong("evictions"));
  }

  @Test
  void byteLimitEvictsOldestUntilTheNewEntryFits() {
    MemoryAudioCache cache = cache(100, 10);
    cache.put("a", bytes(4, 1));
    cache.put("b", bytes(4, 2));

    cache.put("c", bytes(6, 3)); // 14 bytes > 10: a goes; 10 bytes fit

    assertNull(get(cache, "a"));
    assertArrayEquals(new byte[] {2, 2, 2, 2}, get(cache, "b"));
    assertArrayEquals(new byte[] {3, 3, 3, 3, 3, 3}, get(cache, "c"));
    assertEquals(10L, cache.stats().getLong("bytes"));
  }

  @Test
  void entryExpiresExactlyAtTtl() {
    MemoryAudioCache cache = cache(10, 1_000);
    now = 5_000;
    cache.put("a", bytes(4, 1));

    now = 5_000 + TTL_MS - 1;
    assertArrayEquals(new byte[] {1, 1, 1, 1}, get(cache, "a"));
    now = 5_000 + TTL_MS;
    assertNull(get(cache, "a"));
    // The expired entry is dropped, not just hidden.
    assertHolds(cache, 0, 0);
  }

  @Test
  void entryLargerThanTheWholeCacheIsNotStoredAndEvictsNothing() {
    MemoryAudioCache cache = cache(10, 10);
    cache.put("small", bytes(4, 1));

    cache.put("huge", bytes(11, 2));

    assertNull(get(cache, "huge"));
    assertArrayEquals(new byte[] {1, 1, 1, 1}, get(cache, "small"));
    assertEquals(0L, cache.stats().getLong("evictions"));
  }

  @Test
  void zeroMaxEntriesStoresNothing() {
    MemoryAudioCache cache = cache(0, 1_000);
    cache.put("a", bytes(4, 1));

    assertNull(get(cache, "a"));
    assertHolds(cache, 0, 0);
  }

  @Test
  void statsCountEntriesBytesHitsMissesAndEvictions() {
    MemoryAudioCache cache = cache(2, 1_000);
    cache.put("a", bytes(3, 1));
    cache.put("b", bytes(5, 2));
    get(cache, "a");
    get(cache, "b");
    cache.put("c", bytes(7, 3)); // never read, so it goes rather than a or b, which were read
    get(cache, "a");
    get(cache, "b");
    get(cache, "c");

    JsonObject expected = new JsonObject().put("backend", "memory").put("available", true).put("entries", 2)
        .put("bytes", 8L).put("hits", 4L).put("misses", 1L).put("evictions", 1L);
    assertEquals(expected, cache.stats());
  }

  @Test
  void entryCountLimitHoldsForEntriesFarBelowTheByteLimit() {
    MemoryAudioCache cache = cache(3, 3_000_000);
    for (int i = 0; i < 10; i++) {
      cache.put("k" + i, bytes(1, i));
    }

    assertEquals(3, cache.stats().getInteger("entries"));
    assertEquals(7L, cache.stats().getLong("evictions"));
  }

  @Test
  void concurrentWritersNeverPassEitherLimit() throws Exception {
    MemoryAudioCache cache = cache(50, 4_000);
    Thread[] writers = new Thread[4];
    for (int w = 0; w < writers.length; w++) {
      int writer = w;
      writers[w] = new Thread(() -> {
        for (int i = 0; i < 2_000; i++) {
          cache.put(writer + ":" + i, bytes(1 + i % 200, writer));
        }
      });
      writers[w].start();
    }
    for (Thread writer : writers) {
      writer.join();
    }

    JsonObject stats = cache.stats();
    assertTrue(stats.getInteger("entries") <= 50, stats::encode);
    assertTrue(stats.getLong("bytes") <= 4_000, stats::encode);
  }

  @Test
  void evictRemovesOneKeyOrEverythingAndCountsWhatItRemoved() {
    MemoryAudioCache cache = cache(10, 1_000);
    cache.put("a", bytes(4, 1));
    cache.put("b", bytes(4, 2));
    cache.put("c", bytes(4, 3));

    assertEquals(1L, cache.evict("b").result());
    assertNull(get(cache, "b"));
    assertArrayEquals(new byte[] {1, 1, 1, 1}, get(cache, "a"));
    assertEquals(0L, cache.evict("b").result(), "evicting again removes nothing");
    assertEquals(2L, cache.evictStartingWith("").result());
    assertNull(get(cache, "a"));
    assertNull(get(cache, "c"));
    assertHolds(cache, 0, 0);
    assertEquals(0L, cache.evictStartingWith("").result());
  }

  @Test
  void evictByProviderOrVoiceRemovesTheirEntriesAndKeepsTheOthers() {
    MemoryAudioCache cache = cache(10, 1_000);
    String usFirst = key("espeak", "en-us", "One.");
    String usSecond = key("espeak", "en-us", "Two.");
    String gb = key("espeak", "en-gb", "One.");
    String piper = key("piper", "en-us", "One.");
    for (String key : new String[] {usFirst, usSecond, gb, piper}) {
      cache.put(key, bytes(4, 1));
    }

    assertEquals(2L, cache.evictStartingWith(CacheKey.voicePrefix("espeak", "en-us")).result());
    assertNull(get(cache, usFirst));
    assertNull(get(cache, usSecond));
    assertArrayEquals(new byte[] {1, 1, 1, 1}, get(cache, gb), "another voice of the provider stays");
    assertArrayEquals(new byte[] {1, 1, 1, 1}, get(cache, piper), "the same voice name at another provider stays");
    assertEquals(0L, cache.evictStartingWith(CacheKey.voicePrefix("espeak", "en-us")).result(), "idempotent");

    assertEquals(1L, cache.evictStartingWith(CacheKey.providerPrefix("espeak")).result());
    assertNull(get(cache, gb));
    assertArrayEquals(new byte[] {1, 1, 1, 1}, get(cache, piper), "another provider's entries stay");
    assertHolds(cache, 1, 4);
  }

  private static String key(String provider, String voice, String text) {
    return CacheKey.of(provider, voice, "neutral", 0.5, "balanced", 1.0, 0.0, 24000, text, null);
  }
}
