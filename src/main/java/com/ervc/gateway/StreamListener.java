package com.ervc.gateway;

import com.ervc.protocol.ErrorCode;
import com.ervc.protocol.StreamMessage;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;

/** Receives one stream's messages, in order. Exactly one of onEnd/onError is called, last. */
interface StreamListener {
  void onStart(StreamMessage.Start info);

  void onSentence(int index, String text);

  /** Completes once the audio is handed to the client; that is what lets the pipeline send more. */
  Future<Void> onAudio(Buffer pcm);

  void onEnd(StreamMessage.Summary summary);

  void onError(ErrorCode code, String message);
}
