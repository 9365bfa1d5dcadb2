package com.ervc.provider.onnx;

import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Kokoro's tokenizer: each IPA character in the vocab is one token, others are dropped; the model takes at most
 * {@link #MAX_TOKENS} tokens between the two pad tokens, so longer input is split, preferably after punctuation
 * or a space.
 */
public final class KokoroVocab {
  public static final int MAX_TOKENS = 510;
  private static final String BREAKS = ";:,.!?";

  private final Map<Integer, Long> ids;
  private final List<Long> breakIds = new ArrayList<>();
  private final long space;

  private KokoroVocab(Map<Integer, Long> ids) {
    this.ids = ids;
    BREAKS.codePoints().forEach(cp -> {
      if (ids.containsKey(cp)) {
        breakIds.add(ids.get(cp));
      }
    });
    this.space = ids.getOrDefault((int) ' ', -1L);
  }

  /** Reads {@code {"vocab": {char: id}}} (Kokoro's config.json). */
  public static KokoroVocab parse(JsonObject config) {
    JsonObject vocab = config.getJsonObject("vocab");
    if (vocab == null || vocab.isEmpty()) {
      throw new IllegalArgumentException("no \"vocab\" object");
    }
    Map<Integer, Long> ids = new HashMap<>();
    vocab.forEach(e -> {
      if (e.getKey().codePointCount(0, e.getKey().length()) != 1) {
        throw new IllegalArgumentException("vocab key '" + e.getKey() + "' is not one character");
      }
      ids.put(e.getKey().codePointAt(0), ((Number) e.getValue()).longValue());
    });
    return new KokoroVocab(ids);
  }

  public long[] tokens(String phonemes) {
    return phonemes.codePoints().filter(ids::containsKey).mapToLong(ids::get).toArray();
  }

  /** Chunks of at most {@link #MAX_TOKENS}, each cut after the last punctuation (else space) that fits. */
  public List<long[]> chunks(long[] tokens) {
    List<long[]> chunks = new ArrayList<>();
    int start = 0;
    while (tokens.length - start > MAX_TOKENS) {
      int cut = lastBreak(tokens, start, start + MAX_TOKENS);
      chunks.add(java.util.Arrays.copyOfRange(tokens, start, cut));
      start = cut;
    }
    if (start < tokens.length) {
      chunks.add(java.util.Arrays.copyOfRange(tokens, start, tokens.length));
    }
    return chunks;
  }

  private int lastBreak(long[] tokens, int from, int limit) {
    int spaceCut = -1;
    for (int i = limit - 1; i > from; i--) {
      if (breakIds.contains(tokens[i])) {
        return i + 1;
      }
      if (spaceCut < 0 && tokens[i] == space) {
        spaceCut = i + 1;
      }
    }
    return spaceCut > 0 ? spaceCut : limit;
  }
}
