package com.ervc.protocol;

import io.vertx.core.json.JsonObject;

/**
 * Gateway → pipeline ({@code tts.pipeline.synthesize}): start one speech request and stream its results to
 * {@code sink}, keyed by {@code stream}.
 */
public record PipelineStart(String stream, String sink, TtsRequest request) implements BusBody {
  public static final String TYPE = "synthesize";

  @Override
  public JsonObject body() {
    return new JsonObject().put("stream", stream).put("sink", sink).put("request", request.toJson());
  }

  /** Reads a start request; a missing field or an invalid request is a {@link ErrorCode#INVALID_REQUEST}. */
  public static PipelineStart from(Object body) {
    JsonObject json = body instanceof JsonObject j ? j : null;
    String sink = json == null ? null : json.getString("sink");
    String stream = json == null ? null : json.getString("stream");
    if (sink == null || stream == null || json.getJsonObject("request") == null) {
      throw new SpeechException(ErrorCode.INVALID_REQUEST, "pipeline request needs 'sink', 'stream' and 'request'");
    }
    return new PipelineStart(stream, sink, TtsRequest.fromJson(json.getJsonObject("request")));
  }

  /** The pipeline's reply once it accepted: the resolved provider and voice. */
  public record Accepted(String provider, String voice) implements BusBody {
    public static final String TYPE = "accepted";

    @Override
    public JsonObject body() {
      return new JsonObject().put("provider", provider).put("voice", voice);
    }

    public static Accepted from(Object body) {
      JsonObject json = (JsonObject) body;
      return new Accepted(json.getString("provider"), json.getString("voice"));
    }
  }
}
