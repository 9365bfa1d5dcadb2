package com.ervc.gateway;

import com.ervc.protocol.ErrorCode;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.json.JsonObject;

/** Builders for server → client messages (protocol v1, docs/protocol.md). */
final class ServerMessages {
  static final int FRAME_HEADER_BYTES = 8;

  private ServerMessages() {
  }

  /** @param voiceProfiles whether this gateway serves voice profiles (cloning on), so a client shows them */
  static JsonObject ready(String session, int sampleRate, boolean voiceProfiles) {
    return new JsonObject().put("type", "ready").put("session", session).put("sampleRate", sampleRate)
        .put("channels", 1).put("format", "pcm_s16le").put("voiceProfiles", voiceProfiles);
  }

  static JsonObject error(String id, ErrorCode code, String message) {
    return new JsonObject().put("type", "error").put("id", id).put("code", code.wire()).put("message", message);
  }

  /**
   * Binary audio frame: stream number and chunk sequence as big-endian uint32, then PCM s16le. The frame is the
   * header and the PCM side by side (a Netty composite buffer), not a copy of the PCM behind a header: the socket
   * write copies it once anyway, and one more copy of every 100 ms chunk was the largest allocation of a cache hit
   * (docs/performance.md).
   */
  static Buffer audioFrame(long stream, long seq, Buffer pcm) {
    Buffer header = Buffer.buffer(FRAME_HEADER_BYTES).appendUnsignedInt(stream).appendUnsignedInt(seq);
    return BufferInternal.buffer(Unpooled.wrappedBuffer(((BufferInternal) header).getByteBuf(),
        ((BufferInternal) pcm).getByteBuf()));
  }
}
