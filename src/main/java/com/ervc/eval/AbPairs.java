package com.ervc.eval;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

/**
 * The blind A/B test's pairs: the same sentence from two different cells of a run, in random order, known to the
 * listener only by an opaque id until the vote is in. Each pair takes one vote; the most recent
 * {@value #MAX_PENDING} unvoted pairs are kept (a listener who reloads the page just gets a new pair).
 */
final class AbPairs {
  static final int MAX_PENDING = 10_000;

  /** One pair as served: {@code a} and {@code b} are the clips, by their cells. */
  record Pair(String id, CorpusLine line, ClipResult a, ClipResult b) {
  }

  private final Map<String, List<ClipResult>> bySentence = new LinkedHashMap<>();
  private final List<String> sentences;
  private final Random random;
  private final Map<String, Pair> pending = new LinkedHashMap<>(16, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Pair> eldest) {
      return size() > MAX_PENDING;
    }
  };

  /** @param results a run's results; sentences spoken successfully by at least two cells take part */
  AbPairs(List<ClipResult> results, Random random) {
    results.stream().filter(ClipResult::ok)
        .forEach(r -> bySentence.computeIfAbsent(r.line().id(), k -> new ArrayList<>()).add(r));
    bySentence.values().removeIf(clips -> clips.size() < 2);
    this.sentences = List.copyOf(bySentence.keySet());
    if (sentences.isEmpty()) {
      throw new IllegalArgumentException("no sentence of this run was spoken by two cells: nothing to compare");
    }
    this.random = random;
  }

  synchronized Pair next() {
    List<ClipResult> clips = bySentence.get(sentences.get(random.nextInt(sentences.size())));
    int first = random.nextInt(clips.size());
    int second = (first + 1 + random.nextInt(clips.size() - 1)) % clips.size();
    Pair pair = new Pair(UUID.randomUUID().toString(), clips.get(first).line(), clips.get(first), clips.get(second));
    pending.put(pair.id(), pair);
    return pair;
  }

  /** The WAV file of one side of a pending pair, or null for an unknown pair or side. */
  synchronized Path audio(Path dir, String id, String side) {
    Pair pair = pending.get(id);
    if (pair == null || !(side.equals("a") || side.equals("b"))) {
      return null;
    }
    return dir.resolve((side.equals("a") ? pair.a() : pair.b()).wavFile());
  }

  /** Takes the vote on a pending pair (which is then gone); null for an unknown or already voted pair. */
  synchronized BradleyTerry.Vote vote(String id, String winner) {
    Pair pair = pending.get(id);
    if (pair == null) {
      return null;
    }
    BradleyTerry.Vote vote = new BradleyTerry.Vote(pair.line().id(), pair.a().cell().key(), pair.b().cell().key(),
        winner);
    pending.remove(id);
    return vote;
  }
}
