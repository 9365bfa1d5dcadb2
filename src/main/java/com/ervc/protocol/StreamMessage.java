package com.ervc.protocol;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * The messages of a stream (pipeline → gateway sink {@code tts.sink.<nodeId>}, and provider → pipeline receiver
 * {@code tts.pipeline.receiver.<id>}), sent in order through {@code cluster.StreamSender}: the {@code stream},
 * {@code seq} and {@code end} headers frame them, the type header tells them apart.
 */
public sealed interface StreamMessage extends BusBody {
  /** True for the message that ends a stream ({@code end} or {@code error}). */
  default boolean last() {
    return false;
  }

  /** Sink, first message: the resolved route and what follows. */
  record Start(String provider, String voice, int sampleRate, int sentences, String quality) implements StreamMessage {
    public static final String TYPE = "start";

    @Override
    public JsonObject body() {
      return new JsonObject().put("provider", provider).put("voice", voice).put("sampleRate", sampleRate)
          .put("sentences", sentences).put("quality", quality);
    }

    public static Start from(Object body) {
      JsonObject json = (JsonObject) body;
      return new Start(json.getString("provider"), json.getString("voice"), json.getInteger("sampleRate"),
          json.getInteger("sentences", 0), json.getString("quality"));
    }
  }

  /** Sink: the text of chunk {@code index}, before its audio. */
  record Sentence(int index, String text) implements StreamMessage {
    public static final String TYPE = "sentence";

    @Override
    public JsonObject body() {
      return new JsonObject().put("index", index).put("text", text);
    }

    public static Sentence from(Object body) {
      JsonObject json = (JsonObject) body;
      return new Sentence(json.getInteger("index"), json.getString("text"));
    }
  }

  /** Sink and receiver: PCM s16le mono at the stream's sample rate. */
  record Audio(Buffer pcm) implements StreamMessage {
    public static final String TYPE = "audio";

    @Override
    public Buffer body() {
      return pcm;
    }
  }

  /** Receiver, last message on success: the sentence's audio is complete. */
  record SentenceEnd() implements StreamMessage {
    public static final String TYPE = "end";

    @Override
    public Object body() {
      return null;
    }

    @Override
    public boolean last() {
      return true;
    }
  }

  /** Sink, last message on success: what was sent and how long it took; docs/event-bus.md names each field. */
  record Summary(long chunks, long samples, boolean cached, String provider, String voice, int sentences,
                 long synthMs, long pipelineFirstAudioMs, long pipelineTotalMs, List<Switch> switches)
      implements StreamMessage {
    public static final String TYPE = "end";

    public Summary {
      switches = List.copyOf(switches);
    }

    @Override
    public boolean last() {
      return true;
    }

    @Override
    public JsonObject body() {
      return new JsonObject().put("chunks", chunks).put("samples", samples).put("cached", cached)
          .put("provider", provider).put("voice", voice).put("sentences", sentences).put("synthMs", synthMs)
          .put("pipelineFirstAudioMs", pipelineFirstAudioMs).put("pipelineTotalMs", pipelineTotalMs)
          .put("switches", switchesJson());
    }

    /** The switches as the client's {@code audio_end} shows them. */
    public JsonArray switchesJson() {
      return Switch.toJson(switches);
    }

    public static Summary from(Object body) {
      JsonObject json = (JsonObject) body;
      JsonArray switches = json.getJsonArray("switches", new JsonArray());
      return new Summary(json.getLong("chunks", 0L), json.getLong("samples", 0L), json.getBoolean("cached", false),
          json.getString("provider"), json.getString("voice"), json.getInteger("sentences", 0),
          json.getLong("synthMs", 0L), json.getLong("pipelineFirstAudioMs", -1L), json.getLong("pipelineTotalMs", 0L),
          switches.stream().map(s -> Switch.fromJson((JsonObject) s)).toList());
    }
  }

  /** One failover within a reply, as in the client's {@code audio_end}. */
  record Switch(String from, String fromNode, String to, String toNode, String voice, int sentence,
                long resumedAtSample, String reason) {
    /** {@code switches} as the client's {@code audio_end} shows them. */
    public static JsonArray toJson(List<Switch> switches) {
      return new JsonArray(switches.stream().map(Switch::toJson).toList());
    }

    public JsonObject toJson() {
      return new JsonObject().put("from", from).put("fromNode", fromNode).put("to", to).put("toNode", toNode)
          .put("voice", voice).put("sentence", sentence).put("resumedAtSample", resumedAtSample).put("reason", reason);
    }

    static Switch fromJson(JsonObject json) {
      return new Switch(json.getString("from"), json.getString("fromNode"), json.getString("to"),
          json.getString("toNode"), json.getString("voice"), json.getInteger("sentence", 0),
          json.getLong("resumedAtSample", 0L), json.getString("reason"));
    }
  }

  /** Sink and receiver, last message on failure: a wire error code and its message. */
  record Failure(ErrorCode code, String message) implements StreamMessage {
    public static final String TYPE = "error";

    public static Failure of(Throwable failure) {
      SpeechException error = SpeechException.from(failure);
      return new Failure(error.code(), error.getMessage());
    }

    @Override
    public boolean last() {
      return true;
    }

    @Override
    public JsonObject body() {
      return new JsonObject().put("code", code.wire()).put("message", message);
    }

    /** An unknown or missing code reads as {@link ErrorCode#INTERNAL}. */
    public static Failure from(Object body) {
      JsonObject json = body instanceof JsonObject j ? j : new JsonObject();
      ErrorCode code = ErrorCode.fromWire(json.getString("code")).orElse(ErrorCode.INTERNAL);
      return new Failure(code, json.getString("message"));
    }

    public SpeechException exception() {
      return new SpeechException(code, message);
    }
  }
}
