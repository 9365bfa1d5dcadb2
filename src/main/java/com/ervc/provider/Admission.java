package com.ervc.provider;

import java.util.HashMap;
import java.util.Map;

/**
 * Bounds the work of one provider instance: at most {@code capacity} replies at once (the sentences of one reply,
 * requested ahead by the pipeline, count as one: {@code max_load_per_provider} counts client requests) and at most
 * {@code maxSentences} sentence requests in flight (the engine's queue). Thread-safe.
 */
public final class Admission {
  private final int capacity;
  private final int maxSentences;
  private final Map<String, Integer> replies = new HashMap<>();
  private int sentences;

  public Admission(int capacity, int maxSentences) {
    this.capacity = capacity;
    this.maxSentences = maxSentences;
  }

  /** Takes a slot for one sentence of reply {@code replyId}; null when refused, with the reason. */
  public synchronized String admit(String replyId) {
    if (sentences >= maxSentences) {
      return "its queue is full (" + maxSentences + " sentences)";
    }
    if (!replies.containsKey(replyId) && replies.size() >= capacity) {
      return "it is at capacity (" + capacity + " requests)";
    }
    replies.merge(replyId, 1, Integer::sum);
    sentences++;
    return null;
  }

  public synchronized void release(String replyId) {
    sentences--;
    replies.computeIfPresent(replyId, (id, n) -> n == 1 ? null : n - 1);
  }

  public synchronized int replies() {
    return replies.size();
  }

  public synchronized int sentences() {
    return sentences;
  }

  public int capacity() {
    return capacity;
  }
}
