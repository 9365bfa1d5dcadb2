package com.ervc.provider;

import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Bounds the work of one provider instance: at most {@code capacity} replies at once ({@code max_load_per_provider}
 * counts client requests: the sentences of one reply, requested ahead by the pipeline, count as one) and at most
 * {@code maxSentences} sentence requests in flight (the engine's queue). A reply holds its slot from its first
 * sentence until its pipeline says it is done ({@link #done}), or {@link #IDLE_RELEASE_MS} after its last sentence
 * ended if that never comes (the pipeline died): between two of its sentences it keeps the slot, so another reply
 * cannot take it and make its next sentence be refused. Thread-safe; the clock is injected for tests.
 */
public final class Admission {
  static final long IDLE_RELEASE_MS = 10_000;
  /** The highest capacity an operator may set at run time. */
  static final int MAX_CAPACITY = 10_000;

  private static final class Reply {
    int sentences;
    long idleSinceMs;
    boolean done;
  }

  private int capacity;
  private final int maxSentences;
  private final LongSupplier clockMs;
  private final Map<String, Reply> replies = new HashMap<>();
  private int sentences;

  public Admission(int capacity, int maxSentences, LongSupplier clockMs) {
    this.capacity = capacity;
    this.maxSentences = maxSentences;
    this.clockMs = clockMs;
  }

  /** Takes a slot for one sentence of reply {@code replyId}; null when admitted, else why it was refused. */
  public synchronized String admit(String replyId) {
    expireIdle();
    if (sentences >= maxSentences) {
      return "its queue is full (" + maxSentences + " sentences)";
    }
    if (!replies.containsKey(replyId) && replies.size() >= capacity) {
      return "it is at capacity (" + capacity + " requests)";
    }
    replies.computeIfAbsent(replyId, id -> new Reply()).sentences++;
    sentences++;
    return null;
  }

  /** One sentence of {@code replyId} ended; the reply keeps its slot. */
  public synchronized void release(String replyId) {
    sentences--;
    Reply reply = replies.get(replyId);
    if (reply != null && --reply.sentences == 0) {
      if (reply.done) {
        replies.remove(replyId);
      } else {
        reply.idleSinceMs = clockMs.getAsLong();
      }
    }
  }

  /** The reply is over (or moved to another instance): its slot is free once its sentences here have ended. */
  public synchronized void done(String replyId) {
    Reply reply = replies.get(replyId);
    if (reply != null && reply.sentences == 0) {
      replies.remove(replyId);
    } else if (reply != null) {
      reply.done = true;
    }
  }

  /** Replies holding a slot. */
  public synchronized int replies() {
    expireIdle();
    return replies.size();
  }

  public synchronized int sentences() {
    return sentences;
  }

  public synchronized int capacity() {
    return capacity;
  }

  /**
   * Changes how many replies are admitted at once (an operator's change at run time), 1 to {@link #MAX_CAPACITY};
   * the queue's sentence limit still applies. Replies already admitted keep their slots; a lower capacity only
   * refuses new ones.
   */
  public synchronized void capacity(int replies) {
    if (replies < 1 || replies > MAX_CAPACITY) {
      throw new IllegalArgumentException("capacity must be between 1 and " + MAX_CAPACITY);
    }
    capacity = replies;
  }

  private void expireIdle() {
    long now = clockMs.getAsLong();
    replies.values().removeIf(r -> r.sentences == 0 && now - r.idleSinceMs >= IDLE_RELEASE_MS);
  }
}
