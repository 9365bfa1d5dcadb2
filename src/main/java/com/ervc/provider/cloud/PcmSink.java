package com.ervc.provider.cloud;

import com.ervc.audio.Pcm16;
import com.ervc.audio.StreamingResampler;
import com.ervc.provider.AudioOut;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;

/**
 * Passes a provider's raw PCM s16le mono stream on to an {@link AudioOut}: network chunks may split a sample, so
 * an odd byte waits for the next chunk, and audio not at the session's rate is resampled as it streams.
 */
public final class PcmSink implements BodySink {
  private final AudioOut out;
  private final StreamingResampler resampler;
  private Buffer carry;
  private boolean started;

  public PcmSink(AudioOut out, int providerRate, int sessionRate) {
    this.out = out;
    this.resampler = providerRate == sessionRate ? null : new StreamingResampler(providerRate, sessionRate);
  }

  @Override
  public Future<Void> write(Buffer chunk) {
    Buffer data = carry == null ? chunk : carry.copy().appendBuffer(chunk);
    int whole = data.length() & ~1;
    carry = whole == data.length() ? null : data.getBuffer(whole, data.length());
    if (whole == 0) {
      return Future.succeededFuture();
    }
    Buffer samples = data.getBuffer(0, whole);
    return forward(resampler == null ? samples : resampled(resampler.push(Pcm16.fromLittleEndian(samples.getBytes()))));
  }

  /** A trailing half sample is dropped: it cannot be played. */
  @Override
  public Future<Void> end() {
    return resampler == null ? Future.succeededFuture() : forward(resampled(resampler.finish()));
  }

  @Override
  public boolean started() {
    return started;
  }

  private Future<Void> forward(Buffer pcm) {
    if (pcm.length() == 0) {
      return Future.succeededFuture();
    }
    started = true;
    return out.write(pcm);
  }

  private static Buffer resampled(short[] samples) {
    return Buffer.buffer(Pcm16.toLittleEndian(samples));
  }
}
