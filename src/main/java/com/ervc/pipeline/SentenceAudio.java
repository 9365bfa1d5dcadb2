package com.ervc.pipeline;

import io.vertx.core.buffer.Buffer;

/** One sentence's PCM, whether it came from the cache, and how long getting it took. */
record SentenceAudio(Buffer pcm, boolean cached, long millis) {
}
