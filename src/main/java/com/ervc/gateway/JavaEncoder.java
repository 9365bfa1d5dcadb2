package com.ervc.gateway;

import com.ervc.audio.Pcm16;
import com.ervc.audio.StreamEncoder;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;

import java.util.function.LongConsumer;
import java.util.function.Supplier;

/**
 * Runs a Java {@link StreamEncoder} for one response: every chunk is encoded on a worker thread (never on the event
 * loop), one after the other in arrival order, and its bytes go to the {@link Output} as soon as they exist. A chunk
 * counts as taken once its bytes are written to the response, so a slow client paces the pipeline.
 */
final class JavaEncoder implements AudioEncoder {
  private final Context context;
  private final StreamEncoder encoder;
  private final Output output;
  private final LongConsumer encodeNanos;
  /** The last step queued; the next one starts when it is done. */
  private Future<Void> tail = Future.succeededFuture();
  private long nanos;
  private boolean aborted;

  /** {@code encodeNanos} receives the encoding time of the whole response once it ends. */
  JavaEncoder(Context context, StreamEncoder encoder, Output output, LongConsumer encodeNanos) {
    this.context = context;
    this.encoder = encoder;
    this.output = output;
    this.encodeNanos = encodeNanos;
  }

  @Override
  public Future<Void> write(Buffer pcm) {
    short[] samples = Pcm16.fromLittleEndian(pcm.getBytes());
    tail = tail.compose(v -> step(() -> encoder.encode(samples)));
    return tail;
  }

  @Override
  public void finish() {
    tail = tail.compose(v -> step(encoder::finish)).onComplete(done -> {
      if (aborted) {
        return;
      }
      encodeNanos.accept(nanos);
      if (done.succeeded()) {
        output.end();
      } else {
        output.failed("encoding failed: " + done.cause().getMessage());
      }
    });
  }

  @Override
  public void abort() {
    aborted = true;
  }

  private Future<Void> step(Supplier<byte[]> encode) {
    if (aborted) {
      return Future.failedFuture("the response was aborted");
    }
    return context.executeBlocking(() -> {
      long start = System.nanoTime();
      byte[] bytes = encode.get();
      return new Encoded(bytes, System.nanoTime() - start);
    }, false).compose(encoded -> {
      nanos += encoded.nanos();
      if (aborted || encoded.bytes().length == 0) {
        return Future.succeededFuture();
      }
      return output.data(Buffer.buffer(encoded.bytes()));
    });
  }

  private record Encoded(byte[] bytes, long nanos) {
  }
}
