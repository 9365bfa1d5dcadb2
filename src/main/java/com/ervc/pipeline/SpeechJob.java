package com.ervc.pipeline;

import com.ervc.provider.SpeechException;
import com.ervc.provider.TtsRequest;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Streams one request: sentences in order, each announced before its audio, audio cut into chunks. The next
 * sentences are synthesized while the current one streams ({@link #LOOKAHEAD}) so audio flows without gaps.
 */
final class SpeechJob {
  static final int LOOKAHEAD = 2;

  private final TtsRequest request;
  private final List<String> sentences;
  private final Function<TtsRequest, Future<SentenceAudio>> audioSource;
  private final StreamSender out;
  private final int chunkBytes;
  private final List<Future<SentenceAudio>> audio = new ArrayList<>();
  private final long startNanos = System.nanoTime();
  private long chunks;
  private long samples;
  private long synthMs;
  private long firstAudioMs = -1;
  private boolean allCached = true;

  SpeechJob(TtsRequest request, List<String> sentences, Function<TtsRequest, Future<SentenceAudio>> audioSource,
            StreamSender out, int chunkMillis) {
    this.request = request;
    this.sentences = sentences;
    this.audioSource = audioSource;
    this.out = out;
    this.chunkBytes = Math.max(2, request.sampleRate() * chunkMillis / 1000 * 2);
  }

  /** Runs to the end; the future fails only when the stream broke (the error message was sent where possible). */
  Future<Void> run() {
    JsonObject start = new JsonObject().put("provider", request.provider()).put("voice", request.voice())
        .put("sampleRate", request.sampleRate()).put("sentences", sentences.size());
    return out.send("start", start, false)
        .compose(v -> streamFrom(0))
        .compose(v -> out.send("end", summary(), true))
        .recover(failure -> {
          if (out.isBroken()) {
            return Future.failedFuture(failure);
          }
          SpeechException error = SpeechException.from(failure);
          JsonObject body = new JsonObject().put("code", error.code().wire()).put("message", error.getMessage());
          return out.send("error", body, true).transform(ar -> Future.failedFuture(failure));
        });
  }

  private Future<SentenceAudio> audioOf(int index) {
    while (audio.size() <= Math.min(index + LOOKAHEAD, sentences.size() - 1) && !out.isBroken()) {
      audio.add(audioSource.apply(request.withText(sentences.get(audio.size()))));
    }
    return audio.get(index);
  }

  private Future<Void> streamFrom(int index) {
    if (index == sentences.size()) {
      return Future.succeededFuture();
    }
    JsonObject sentence = new JsonObject().put("index", index).put("text", sentences.get(index));
    return out.send("sentence", sentence, false)
        .compose(v -> audioOf(index))
        .compose(this::streamAudio)
        .compose(v -> streamFrom(index + 1));
  }

  private Future<Void> streamAudio(SentenceAudio sentence) {
    allCached &= sentence.cached();
    synthMs += sentence.millis();
    if (firstAudioMs < 0) {
      firstAudioMs = (System.nanoTime() - startNanos) / 1_000_000;
    }
    Buffer pcm = sentence.pcm();
    samples += pcm.length() / 2;
    return sendChunks(pcm, 0);
  }

  private Future<Void> sendChunks(Buffer pcm, int offset) {
    if (offset >= pcm.length()) {
      return Future.succeededFuture();
    }
    int end = Math.min(pcm.length(), offset + chunkBytes);
    chunks++;
    return out.send("audio", pcm.getBuffer(offset, end), false).compose(v -> sendChunks(pcm, end));
  }

  private JsonObject summary() {
    return new JsonObject().put("chunks", chunks).put("samples", samples).put("cached", allCached)
        .put("provider", request.provider()).put("voice", request.voice()).put("sentences", sentences.size())
        .put("synthMs", synthMs).put("pipelineFirstAudioMs", firstAudioMs)
        .put("pipelineTotalMs", (System.nanoTime() - startNanos) / 1_000_000);
  }
}
