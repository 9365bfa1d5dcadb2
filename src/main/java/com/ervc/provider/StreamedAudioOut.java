package com.ervc.provider;

import com.ervc.cluster.StreamSender;
import com.ervc.protocol.StreamMessage;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;

/**
 * The {@link AudioOut} of a streaming request: each write becomes an {@code audio} message to the pipeline's
 * receiver (whole samples only), sent from the verticle's context because {@link StreamSender} is not
 * thread-safe. A write fails with {@link ConsumerGone} once the receiver refused a message or stopped
 * acknowledging (the reply was cancelled, its pipeline died), which tells the engine to stop.
 */
final class StreamedAudioOut implements AudioOut {
  /** The consumer of the audio is gone: not a failure of the engine. */
  static final class ConsumerGone extends RuntimeException {
    ConsumerGone(Throwable cause) {
      super("the consumer of this audio is gone: " + cause.getMessage(), cause);
    }
  }

  private final Context context;
  private final StreamSender sender;
  private final SampleAligner aligner = new SampleAligner();
  private volatile boolean cancelled;

  StreamedAudioOut(Context context, StreamSender sender) {
    this.context = context;
    this.sender = sender;
  }

  /** The pipeline cancelled the stream: later writes fail and nothing more is sent. Call on the context. */
  void cancel() {
    cancelled = true;
    sender.abort(new ConsumerGone(new IllegalStateException("cancelled by the pipeline")));
  }

  @Override
  public boolean cancelled() {
    return cancelled;
  }

  @Override
  public Future<Void> write(Buffer pcm) {
    Promise<Void> written = Promise.promise();
    context.runOnContext(v -> {
      Buffer whole = aligner.align(pcm);
      Future<Void> sent = whole.length() == 0 ? Future.succeededFuture() : sender.send(new StreamMessage.Audio(whole));
      sent.recover(failure -> Future.failedFuture(new ConsumerGone(failure))).onComplete(written);
    });
    return written.future();
  }
}
