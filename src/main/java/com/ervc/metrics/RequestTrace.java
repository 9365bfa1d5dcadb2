package com.ervc.metrics;

import com.ervc.protocol.ErrorCode;

/**
 * Metrics of one synthesis request at the gateway: time to first audio, then exactly one outcome. Shared by the
 * WebSocket and HTTP paths so both count alike.
 */
public final class RequestTrace {
  private final ServiceMetrics metrics;
  private final String tier;
  private final int characters;
  /** WebSocket requests are counted here; HTTP ones are counted by the router like every HTTP request. */
  private final boolean webSocket;
  private final long startNanos = System.nanoTime();
  private boolean firstAudioSeen;
  private boolean finished;

  RequestTrace(ServiceMetrics metrics, String tier, int characters, boolean webSocket) {
    this.webSocket = webSocket;
    this.metrics = metrics;
    this.tier = tier;
    this.characters = characters;
  }

  public void audio(String provider) {
    if (!firstAudioSeen) {
      firstAudioSeen = true;
      metrics.firstAudio(provider, tier, System.nanoTime() - startNanos);
    }
  }

  public void completed(String provider, long samples, int sampleRate) {
    finish(provider, ServiceMetrics.OK, 200, samples, sampleRate);
  }

  public void cancelled(String provider, long samples, int sampleRate) {
    finish(provider, ServiceMetrics.CANCELLED, 200, samples, sampleRate);
  }

  public void failed(String provider, ErrorCode code) {
    finish(provider, code.wire(), code.status(), 0, 1);
  }

  private void finish(String provider, String outcome, int status, long samples, int sampleRate) {
    if (finished) {
      return;
    }
    finished = true;
    metrics.finished(provider, outcome, samples / (double) sampleRate, characters);
    if (webSocket) {
      metrics.httpRequest("WS", status);
    }
  }
}
