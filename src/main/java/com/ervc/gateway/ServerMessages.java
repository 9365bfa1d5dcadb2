package com.ervc.gateway;

import com.ervc.protocol.ErrorCode;
import com.ervc.protocol.StreamMessage;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.json.JsonObject;

import java.util.List;

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

  /*
   * The three messages of every reply (audio_start, sentence, audio_end) are written straight to text instead of
   * built as a JsonObject and encoded: the map, its entries and Jackson's generator per message showed in the
   * cache-hit profile (docs/performance.md). Strings are escaped by Jackson's own JsonStringEncoder, the routine
   * behind the generator JsonObject.encode uses, so the text is byte for byte what JsonObject.encode gave
   * (ServerMessagesTest compares them).
   */

  static String audioStart(String id, long stream, StreamMessage.Start info) {
    return new Text("audio_start", id).field("stream", stream).field("provider", info.provider())
        .field("voice", info.voice()).field("sampleRate", info.sampleRate()).field("quality", info.quality()).end();
  }

  static String sentence(String id, int index, String text) {
    return new Text("sentence", id).field("index", index).field("text", text).end();
  }

  /** @param cancelled adds {@code "cancelled":true} when the client cancelled */
  static String audioEnd(String id, long chunks, long samples, long ttfaMs, long totalMs, boolean cached,
                         String provider, List<StreamMessage.Switch> switches, boolean cancelled) {
    Text end = new Text("audio_end", id).field("chunks", chunks).field("samples", samples).field("ttfaMs", ttfaMs)
        .field("totalMs", totalMs).field("cached", cached).field("provider", provider)
        .raw("switches", switches.isEmpty() ? "[]" : StreamMessage.Switch.toJson(switches).encode());
    return (cancelled ? end.field("cancelled", true) : end).end();
  }

  /** One JSON object written field by field, in order. */
  private static final class Text {
    private static final JsonStringEncoder STRINGS = JsonStringEncoder.getInstance();
    private final StringBuilder out = new StringBuilder(160);

    Text(String type, String id) {
      out.append("{\"type\":\"").append(type).append('"');
      field("id", id);
    }

    Text field(String name, String value) {
      if (value == null) {
        return raw(name, "null");
      }
      out.append(",\"").append(name).append("\":\"");
      STRINGS.quoteAsString(value, out);
      out.append('"');
      return this;
    }

    Text field(String name, long value) {
      out.append(",\"").append(name).append("\":").append(value);
      return this;
    }

    Text field(String name, boolean value) {
      out.append(",\"").append(name).append("\":").append(value);
      return this;
    }

    Text raw(String name, String json) {
      out.append(",\"").append(name).append("\":").append(json);
      return this;
    }

    String end() {
      return out.append('}').toString();
    }
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
