package com.ervc.gateway;

import com.ervc.protocol.ErrorCode;
import com.ervc.protocol.SpeechException;
import com.ervc.protocol.TtsRequest;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/** A parsed client → server WebSocket message (protocol v1, docs/protocol.md). */
sealed interface ClientCommand {
  int MAX_ID_CHARS = 128;

  record Synthesize(String id, JsonObject fields) implements ClientCommand {
  }

  record Cancel(String id) implements ClientCommand {
  }

  record Settings(JsonObject fields) implements ClientCommand {
  }

  record Ping() implements ClientCommand {
  }

  /** A fresh token for the running session (before the current one expires). */
  record Auth(String token) implements ClientCommand {
  }

  /** A message that could not be accepted; {@code id} is the request id when one could be read. */
  final class Rejected extends RuntimeException {
    final String id;
    final ErrorCode code;

    Rejected(String id, ErrorCode code, String message) {
      super(message, null, false, false);
      this.id = id;
      this.code = code;
    }
  }

  static ClientCommand parse(String text) {
    JsonObject json;
    try {
      json = new JsonObject(text);
    } catch (DecodeException | ClassCastException e) {
      throw new Rejected(null, ErrorCode.INVALID_REQUEST, "message is not a JSON object");
    }
    Object rawId = json.getValue("id");
    String id = rawId instanceof String s && !s.isEmpty() && s.length() <= MAX_ID_CHARS ? s : null;
    Object type = json.getValue("type");
    if (!(type instanceof String)) {
      throw new Rejected(id, ErrorCode.INVALID_REQUEST, "'type' is required");
    }
    switch ((String) type) {
      case "synthesize" -> {
        requireId(rawId, id);
        JsonObject fields = json.copy();
        fields.remove("type");
        fields.remove("id");
        return new Synthesize(id, fields);
      }
      case "cancel" -> {
        requireId(rawId, id);
        return new Cancel(id);
      }
      case "settings" -> {
        JsonObject fields = json.copy();
        fields.remove("type");
        for (String key : fields.fieldNames()) {
          if (!TtsRequest.VOICE_FIELDS.contains(key)) {
            throw new Rejected(null, ErrorCode.INVALID_REQUEST,
                "unknown setting '" + key + "'; settable: " + String.join(", ", TtsRequest.VOICE_FIELDS));
          }
        }
        try {
          TtsRequest.checkVoiceFields(fields);
        } catch (SpeechException e) {
          throw new Rejected(null, e.code(), e.getMessage());
        }
        return new Settings(fields);
      }
      case "ping" -> {
        return new Ping();
      }
      case "auth" -> {
        if (!(json.getValue("token") instanceof String token) || token.isBlank()) {
          throw new Rejected(null, ErrorCode.INVALID_REQUEST, "'token' is required");
        }
        return new Auth(token);
      }
      default -> throw new Rejected(id, ErrorCode.INVALID_REQUEST,
          "unknown message type '" + type + "'; expected synthesize, cancel, settings, ping or auth");
    }
  }

  private static void requireId(Object rawId, String id) {
    if (id == null) {
      throw new Rejected(null, ErrorCode.INVALID_REQUEST,
          rawId == null ? "'id' is required" : "'id' must be a string of 1-" + MAX_ID_CHARS + " characters");
    }
  }
}
