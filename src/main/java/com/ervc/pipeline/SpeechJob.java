package com.ervc.pipeline;

import com.ervc.cluster.StreamOutput;
import com.ervc.protocol.ErrorCode;
import com.ervc.protocol.SpeechException;
import com.ervc.protocol.StreamMessage;
import com.ervc.protocol.TtsRequest;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
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
 * twice. Lookahead sentences of the failed route are requested again. Every switch is listed in the summary.
 * Instances that failed earlier in the reply are tried only when no other is left, and at most
 * {@link #MAX_SWITCHES} switches are made.
 */
final class SpeechJob {
  static final int LOOKAHEAD = 2;
  /** Switches one reply may make: enough to get past a couple of failing instances, never a loop between two. */
  static final int MAX_SWITCHES = 4;

  /** The next route after {@code failed}, never one of {@code excluded} (instance ids); fails when none is left. */
  interface Rerouter {
    Future<Route> next(Route failed, Set<String> excluded);
  }

  private final TtsRequest request;
  private final List<String> sentences;
  private final BiFunction<TtsRequest, Route, Future<SentenceStream>> audioSource;
  private final Rerouter rerouter;
  private final StreamOutput out;
  private final int chunkBytes;
  private final List<Future<SentenceStream>> audio = new ArrayList<>();
  private final Set<String> failedInstances = new HashSet<>();
  private final List<StreamMessage.Switch> switches = new ArrayList<>();
  private final long startNanos = System.nanoTime();
  private Route route;
  private long chunks;
  private long samples;
  private long synthMs;
  private long firstAudioMs = -1;
  private boolean allCached = true;

  SpeechJob(TtsRequest request, List<String> sentences, Route route,
            BiFunction<TtsRequest, Route, Future<SentenceStream>> audioSource, Rerouter rerouter, StreamOutput out,
            int chunkMillis) {
    this.request = request;
    this.sentences = sentences;
    this.route = route;
    this.audioSource = audioSource;
    this.rerouter = rerouter;
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
          if (out.isBroken()) {
            return Future.failedFuture(failure);
          }
          return out.send(StreamMessage.Failure.of(failure)).transform(ar -> Future.failedFuture(failure));
        });
  }

  private Future<SentenceStream> audioOf(int index) {
    while (audio.size() <= Math.min(index + LOOKAHEAD, sentences.size() - 1) && !out.isBroken()) {
      int i = audio.size();
      // Neighbours let providers that support it (ElevenLabs) keep the prosody continuous across sentences.
      TtsRequest sentence = request.withText(sentences.get(i))
          .withNeighbours(i > 0 ? sentences.get(i - 1) : null, i + 1 < sentences.size() ? sentences.get(i + 1) : null)
          .withProvider(route.provider(), route.voice());
      audio.add(audioSource.apply(sentence, route));
    }
    return audio.get(index);
  }

  private Future<Void> streamFrom(int index) {
    if (index == sentences.size()) {
      return Future.succeededFuture();
    }
    return out.send(new StreamMessage.Sentence(index, sentences.get(index)))
        .compose(v -> streamSentence(index, new long[1]))
        .compose(v -> streamFrom(index + 1));
  }

  /** Streams sentence {@code index}; {@code sent[0]} counts its bytes handed to the client so far. */
  private Future<Void> streamSentence(int index, long[] sent) {
    Rechunker frames = new Rechunker(chunkBytes, sent[0]);
    return audioOf(index).compose(stream -> {
      allCached &= stream.cached();
      return stream.forwardTo(pcm -> sendFrames(frames.push(pcm), 0, sent))
          .compose(v -> sendFrames(List.of(frames.flush()), 0, sent))
          .onSuccess(v -> synthMs += (System.nanoTime() - stream.startNanos()) / 1_000_000);
    }).recover(failure -> failover(index, sent, failure));
  }

  private Future<Void> failover(int index, long[] sent, Throwable failure) {
    SpeechException error = SpeechException.from(failure);
    if (out.isBroken() || rerouter == null || error.code() == ErrorCode.INVALID_REQUEST
        || switches.size() >= MAX_SWITCHES) {
      return Future.failedFuture(failure);
    }
    Route failed = route;
    failedInstances.add(failed.instanceId());
    // Instances that failed earlier in this reply come last: one may only have been busy for a moment.
    return rerouter.next(failed, failedInstances)
        .recover(none -> failedInstances.size() > 1 ? rerouter.next(failed, Set.of(failed.instanceId()))
            : Future.failedFuture(none))
        .recover(none -> Future.failedFuture(new SpeechException(error.code(),
            error.getMessage() + "; no other provider instance could take over: " + none.getMessage())))
        .compose(next -> {
          route = next;
          switches.add(new StreamMessage.Switch(failed.provider(), failed.nodeId(), next.provider(), next.nodeId(),
              next.voice(), index, sent[0] / 2, error.getMessage()));
          cancelAhead(index);
          return streamSentence(index, sent);
        });
  }

  /** Drops the audio of sentences {@code from} on (cancelling their provider streams) so they are asked again. */
  private void cancelAhead(int from) {
    while (audio.size() > from) {
      audio.remove(audio.size() - 1).onSuccess(SentenceStream::cancel);
    }
  }

  private Future<Void> sendFrames(List<Buffer> frames, int i, long[] sent) {
    if (i == frames.size()) {
      return Future.succeededFuture();
    }
    Buffer frame = frames.get(i);
    if (frame.length() == 0) {
      return Future.succeededFuture();
    }
    if (firstAudioMs < 0) {
      firstAudioMs = (System.nanoTime() - startNanos) / 1_000_000;
    }
    chunks++;
    samples += frame.length() / 2;
    sent[0] += frame.length();
    return out.send(new StreamMessage.Audio(frame)).compose(v -> sendFrames(frames, i + 1, sent));
  }

  private StreamMessage.Summary summary() {
    return new StreamMessage.Summary(chunks, samples, allCached, route.provider(), route.voice(), sentences.size(),
        synthMs, firstAudioMs, (System.nanoTime() - startNanos) / 1_000_000, switches);
  }
}
