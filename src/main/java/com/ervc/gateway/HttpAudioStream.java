package com.ervc.gateway;

import com.ervc.metrics.RequestTrace;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;

/**
 * What the HTTP speech answers ({@code /api/v1/tts}, {@code /v1/audio/speech}) share while audio streams: nothing is
 * accepted once the client is gone, and every chunk is traced and counted before it is delivered.
 */
abstract class HttpAudioStream implements StreamListener {
  final RoutingContext rc;
  RequestTrace trace;
  String provider;
  long samples;

  HttpAudioStream(RoutingContext rc) {
    this.rc = rc;
  }

  @Override
  public void onSentence(int index, String text) {
  }

  @Override
  public final Future<Void> onAudio(Buffer pcm) {
    if (rc.response().closed()) {
      return Future.failedFuture("client closed the connection");
    }
    trace.audio(provider);
    samples += pcm.length() / 2;
    return deliver(pcm);
  }

  /** Hands a chunk of PCM s16le to the response; completes when it may send more. */
  abstract Future<Void> deliver(Buffer pcm);
}
