package com.ervc.protocol;

import io.vertx.core.buffer.Buffer;

import java.util.List;

/**
 * A whole reply the audio cache already holds, ready to be written to a client as it is: the provider and voice
 * the pipeline routes such a request to, the request's sentences, and each sentence's audio already cut into the
 * frames of protocol v1 ({@code tts.chunkMillis} each, the last of a sentence possibly shorter). Frames are slices
 * of the cached audio, which is never written to.
 */
public record CachedReply(String provider, String voice, int sampleRate, List<String> sentences,
                          List<List<Buffer>> frames) {
  public CachedReply {
    sentences = List.copyOf(sentences);
    frames = List.copyOf(frames);
    if (sentences.size() != frames.size() || sentences.isEmpty()) {
      throw new IllegalArgumentException("one list of frames per sentence, and at least one sentence");
    }
  }
}
