package com.ervc.pipeline;

import com.ervc.cluster.StreamOutput;
import com.ervc.metrics.ServiceMetrics;
import com.ervc.protocol.ErrorCode;
import com.ervc.protocol.SpeechException;
import com.ervc.protocol.StreamMessage;
import com.ervc.protocol.TtsRequest;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * Streams one request: sentences in order, each announced before its audio. The current sentence's audio is
 * forwarded to the client as the provider produces it, re-cut into frames of {@code chunkMillis}; the next
 * sentences are synthesized meanwhile ({@link #LOOKAHEAD}) and buffered, so audio flows without gaps.
 * <p>
 * Failover: when the current sentence's provider fails, misses its first-byte deadline or stalls, and a
 * {@link Rerouter} is given (provider switching on), the reply continues on the next best route from that
 * sentence; the bytes of it the client already has are skipped, so no sentence is lost and none is played
 * twice. Lookahead sentences of the failed route are requested again. A lookahead sentence whose stream fails
 * before its turn (its node died) moves the reply to the next route at once, so its replacement is under way
 * while the client still plays the current sentence. Every switch is listed in the summary. Instances that failed
 * earlier in the reply are tried only when no other is left, and at most {@link #MAX_SWITCHES} switches are made.
 * <p>
 * Hedging: when a {@link Hedger} is given and the current sentence has no audio yet at its stream's
 * {@link Deadlines#hedgeAfterMs()} (beyond the instance's usual p95, or at its measured first-byte deadline), the
 * sentence is also asked of a second instance; the first to answer is played and the other cancelled (at most one
 * hedge per sentence, only before any of its audio went out).
 */
final class SpeechJob {
  static final int LOOKAHEAD = 2;
  /** Switches one reply may make: enough to get past a couple of failing instances, never a loop between two. */
  static final int MAX_SWITCHES = 4;

  /** The next route after {@code failed}, never one of {@code excluded} (instance ids); fails when none is left. */
  interface Rerouter {
    Future<Route> next(Route failed, Set<String> excluded);
  }

  /** Second instances for late sentences. */
  interface Hedger {
    /** A second route for one late sentence of {@code current}, never one of {@code excluded}; fails when none. */
    Future<Route> hedge(Route current, Set<String> excluded);

    /** The sentence asked of {@code second} ended (played or cancelled): the instance may free the reply's slot. */
    void done(Route second);
  }

  /** Runs {@code task} on the job's event loop after {@code ms}. */
  interface Timer {
    void after(long ms, Runnable task);
  }

  /** A second request for a late sentence, on {@code route}. */
  private record Hedge(Route route, Future<SentenceStream> stream) {
  }

  private final TtsRequest request;
  private final List<String> sentences;
  private final BiFunction<TtsRequest, Route, Future<SentenceStream>> audioSource;
  private final Rerouter rerouter;
  private final Hedger hedger;
  private final Timer timer;
  private final ServiceMetrics metrics;
  private final StreamOutput out;
  private final int chunkBytes;
  private final List<Future<SentenceStream>> audio = new ArrayList<>();
  private final Set<String> failedInstances = new HashSet<>();
  private final Set<Integer> hedgedSentences = new HashSet<>();
  /** Hedges asked and not yet decided, by sentence: one may take over when its sentence's first stream fails. */
  private final Map<Integer, Hedge> hedges = new HashMap<>();
  private final List<StreamMessage.Switch> switches = new ArrayList<>();
  private final long startNanos = System.nanoTime();
  private Route route;
  /** The sentence being played. */
  private int current;
  /**
   * The client's last audio before the current sentence's replacement started to play, or -1: the failover clock.
   * Set once the audio the failed stream still held has gone out.
   */
  private long silentSinceNanos = -1;
  /** When the current sentence's failure was known, or -1 when it has not failed. */
  private long failedAtNanos = -1;
  /** The stream whose audio is being sent. */
  private SentenceStream playing;
  private long lastAudioNanos = -1;
  private long chunks;
  private long samples;
  private long synthMs;
  private long firstAudioMs = -1;
  private boolean allCached = true;

  SpeechJob(TtsRequest request, List<String> sentences, Route route,
            BiFunction<TtsRequest, Route, Future<SentenceStream>> audioSource, Rerouter rerouter, Hedger hedger,
            Timer timer, ServiceMetrics metrics, StreamOutput out, int chunkMillis) {
    this.request = request;
    this.sentences = sentences;
    this.route = route;
    this.audioSource = audioSource;
    this.rerouter = rerouter;
    this.hedger = hedger;
    this.timer = timer;
    this.metrics = metrics;
    this.out = out;
    this.chunkBytes = Math.max(2, request.sampleRate() * chunkMillis / 1000 * 2);
  }

  /** Runs to the end; the future fails only when the stream broke (the error message was sent where possible). */
  Future<Void> run() {
    return out.send(new StreamMessage.Start(route.provider(), route.voice(), request.sampleRate(), sentences.size(),
            request.quality().wire()))
        .compose(v -> streamFrom(0))
        .compose(v -> out.send(summary()))
        .recover(failure -> {
          cancelAhead(0);
          hedges.values().forEach(hedge -> hedge.stream().onSuccess(SentenceStream::cancel));
          if (out.isBroken()) {
            return Future.failedFuture(failure);
          }
          return out.send(StreamMessage.Failure.of(failure)).transform(ar -> Future.failedFuture(failure));
        });
  }

  private Future<SentenceStream> audioOf(int index) {
    while (audio.size() <= Math.min(index + LOOKAHEAD, sentences.size() - 1) && !out.isBroken()) {
      int i = audio.size();
      if (i > index) {
        audio.add(null);
        askAhead(i);
      } else {
        audio.add(hedgeOnRouteOrAsk(i));
      }
    }
    return audio.get(index);
  }

  /** Asks lookahead sentence {@code i} of the current route, watching it for a failure before its turn. */
  private void askAhead(int i) {
    Future<SentenceStream> requested = ask(i, route);
    audio.set(i, requested);
    requested.onSuccess(stream -> stream.whole().onFailure(failure -> aheadFailed(i, requested, failure)));
  }

  /**
   * Sentence {@code i} from the current route: the hedge already asked of that route for it when there is one (its
   * first request failed and the reply moved to the hedge's instance: the hedge takes over at once, no fresh
   * request), else a new request. A hedge on another instance is cancelled.
   */
  private Future<SentenceStream> hedgeOnRouteOrAsk(int i) {
    Hedge hedge = hedges.remove(i);
    if (hedge != null) {
      boolean alive = !hedge.stream().failed()
          && !(hedge.stream().succeeded() && hedge.stream().result().whole().failed());
      if (alive && hedge.route().equals(route)) {
        metrics.hedge(true);
        return hedge.stream();
      }
      hedge.stream().onSuccess(SentenceStream::cancel);
    }
    return ask(i, route);
  }

  private Future<SentenceStream> ask(int i, Route on) {
    // Neighbours let providers that support it (ElevenLabs) keep the prosody continuous across sentences.
    TtsRequest sentence = request.withText(sentences.get(i))
        .withNeighbours(i > 0 ? sentences.get(i - 1) : null, i + 1 < sentences.size() ? sentences.get(i + 1) : null)
        .withProvider(on.provider(), on.voice());
    return audioSource.apply(sentence, on);
  }

  /**
   * Lookahead sentence {@code i} failed before its turn (not cancelled by this job: it would no longer be listed).
   * Its route is left now and the sentences from {@code i} on are asked of the next one. When the reply has left
   * that route already (a dead node fails all its streams, and another sentence's failure told first), the sentence
   * is asked of the current route at once, not when its turn comes.
   */
  private void aheadFailed(int i, Future<SentenceStream> requested, Throwable failure) {
    if (i <= current || i >= audio.size() || audio.get(i) != requested) {
      return;
    }
    Route failed = requested.result().route();
    if (failed.equals(route)) {
      reroute(failed, i, 0, failure).onSuccess(v -> audioOf(current));
    } else if (!out.isBroken()) {
      askAhead(i);
    }
  }

  private Future<Void> streamFrom(int index) {
    if (index == sentences.size()) {
      return Future.succeededFuture();
    }
    return out.send(new StreamMessage.Sentence(index, sentences.get(index)))
        .compose(v -> streamSentence(index, new Rechunker(chunkBytes), Future.succeededFuture()))
        .compose(v -> streamFrom(index + 1));
  }

  /**
   * Streams sentence {@code index} into {@code frames}, which holds what earlier (failed) streams of it delivered;
   * {@code earlier}: the last failed stream's held audio still going out, which the new stream's audio follows.
   */
  private Future<Void> streamSentence(int index, Rechunker frames, Future<Void> earlier) {
    current = index;
    SentenceStream[] played = {null};
    return audioOf(index)
        .compose(stream -> frames.position() == 0 && earlier.isComplete() ? hedgeIfLate(index, stream)
            : Future.succeededFuture(stream))
        .compose(stream -> {
          played[0] = stream;
          allCached &= stream.cached();
          return earlier.transform(ar -> {
            playing = stream;
            if (failedAtNanos >= 0) {
              silentSinceNanos = lastAudioNanos >= 0 ? lastAudioNanos : startNanos;
            }
            long[] at = {0};
            return stream.forwardTo(pcm -> {
                  long offset = at[0];
                  at[0] += pcm.length();
                  return sendFrames(frames.push(offset, pcm), 0);
                })
                .compose(v -> sendFrames(List.of(frames.flush()), 0))
                .onSuccess(v -> synthMs += (System.nanoTime() - stream.startNanos()) / 1_000_000);
          });
        }).recover(failure -> failover(index, frames, played[0], failure));
  }

  /**
   * {@code stream}, or a hedge of it: when it has no audio by its hedge time, the sentence is also asked of the
   * hedger's route, and the stream that answers first is the one played (the other is cancelled). A failure of the
   * first stream before that decides the race for it: the failover takes over.
   */
  private Future<SentenceStream> hedgeIfLate(int index, SentenceStream stream) {
    Deadlines deadlines = stream.deadlines();
    if (hedger == null || stream.cached() || stream.firstAudio().isComplete() || !deadlines.hedged()
        || !hedgedSentences.add(index)) {
      return Future.succeededFuture(stream);
    }
    Promise<SentenceStream> winner = Promise.promise();
    // A failure of the first stream decides the race for it too: the failover that follows moves the reply on, and
    // to a hedge already asked of the next route, which then plays at once (hedgeOnRouteOrAsk).
    stream.firstAudio().onComplete(ar -> winner.tryComplete(stream));
    long elapsedMs = (System.nanoTime() - stream.startNanos()) / 1_000_000;
    timer.after(Math.max(0, deadlines.hedgeAfterMs() - elapsedMs), () -> {
      if (winner.future().isComplete() || out.isBroken()) {
        return;
      }
      Set<String> excluded = new HashSet<>(failedInstances);
      excluded.add(stream.route().instanceId());
      hedger.hedge(stream.route(), excluded).onSuccess(second -> {
        metrics.hedge(false);
        Future<SentenceStream> hedge = ask(index, second);
        hedges.put(index, new Hedge(second, hedge));
        hedge.compose(SentenceStream::whole).onComplete(ar -> hedger.done(second));
        hedge.onSuccess(h -> h.firstAudio().onSuccess(v -> {
          if (winner.tryComplete(h)) {
            hedges.remove(index);
            metrics.hedge(true);
            audio.set(index, hedge);
            stream.cancel();
          }
        }));
        // The first stream answered: the hedge is not needed. (When it failed instead, the failover decides.)
        winner.future().onSuccess(played -> hedge.onSuccess(h -> {
          if (played != h && played.firstAudio().succeeded() && hedges.remove(index) != null) {
            h.cancel();
          }
        }));
      });
    });
    return winner.future();
  }

  /**
   * Sentence {@code index}'s stream {@code failed} failed (null: it could not be opened). The audio the stream still
   * held goes out first (it is the sentence's, byte for byte), and meanwhile the sentence is asked again, on the next
   * route, whose audio continues where the held audio ends.
   */
  private Future<Void> failover(int index, Rechunker frames, SentenceStream failed, Throwable failure) {
    SpeechException error = SpeechException.from(failure);
    if (out.isBroken() || rerouter == null || error.code() == ErrorCode.INVALID_REQUEST) {
      return Future.failedFuture(failure);
    }
    if (failedAtNanos < 0) {
      failedAtNanos = System.nanoTime();
    }
    Route from = failed == null ? route : failed.route();
    long held = Math.max(frames.position(), failed == null ? 0 : failed.receivedBytes());
    Future<Void> drained = failed == null ? Future.succeededFuture() : failed.drained();
    if (from.equals(route)) {
      return reroute(from, index, held / 2, failure).compose(v -> streamSentence(index, frames, drained));
    }
    // A lookahead failure had moved the reply already: the sentence is asked of the current route.
    audio.set(index, hedgeOnRouteOrAsk(index));
    return streamSentence(index, frames, drained);
  }

  /**
   * Leaves {@code failed} for the next route from sentence {@code index} on ({@code resumedAtSample} of it already
   * played), listing the switch and cancelling the sentences asked of the old route from {@code index} on.
   */
  private Future<Void> reroute(Route failed, int index, long resumedAtSample, Throwable failure) {
    SpeechException error = SpeechException.from(failure);
    if (switches.size() >= MAX_SWITCHES) {
      return Future.failedFuture(failure);
    }
    failedInstances.add(failed.instanceId());
    // Instances that failed earlier in this reply come last: one may only have been busy for a moment.
    return rerouter.next(failed, failedInstances)
        .recover(none -> failedInstances.size() > 1 ? rerouter.next(failed, Set.of(failed.instanceId()))
            : Future.failedFuture(none))
        .recover(none -> Future.failedFuture(new SpeechException(error.code(),
            error.getMessage() + "; no other provider instance could take over: " + none.getMessage())))
        .map(next -> {
          route = next;
          switches.add(new StreamMessage.Switch(failed.provider(), failed.nodeId(), next.provider(), next.nodeId(),
              next.voice(), index, resumedAtSample, error.getMessage()));
          cancelAhead(index);
          return null;
        });
  }

  /** Drops the audio of sentences {@code from} on (cancelling their provider streams) so they are asked again. */
  private void cancelAhead(int from) {
    while (audio.size() > from) {
      audio.remove(audio.size() - 1).onSuccess(SentenceStream::cancel);
    }
  }

  private Future<Void> sendFrames(List<Buffer> frames, int i) {
    if (i == frames.size()) {
      return Future.succeededFuture();
    }
    Buffer frame = frames.get(i);
    if (frame.length() == 0) {
      return Future.succeededFuture();
    }
    long now = System.nanoTime();
    if (firstAudioMs < 0) {
      firstAudioMs = (now - startNanos) / 1_000_000;
    }
    if (silentSinceNanos >= 0) {
      // The failure may have been known, and the replacement asked and even answered, before the silence began
      // (held audio still playing, sentences ahead).
      metrics.failoverGap(now - silentSinceNanos, Math.max(0, failedAtNanos - silentSinceNanos),
          Math.max(0, playing.startNanos() - silentSinceNanos),
          Math.max(0, playing.firstAudioNanos() - silentSinceNanos));
      silentSinceNanos = -1;
      failedAtNanos = -1;
    }
    lastAudioNanos = now;
    chunks++;
    samples += frame.length() / 2;
    return out.send(new StreamMessage.Audio(frame)).compose(v -> sendFrames(frames, i + 1));
  }

  private StreamMessage.Summary summary() {
    return new StreamMessage.Summary(chunks, samples, allCached, route.provider(), route.voice(), sentences.size(),
        synthMs, firstAudioMs, (System.nanoTime() - startNanos) / 1_000_000, switches);
  }
}
