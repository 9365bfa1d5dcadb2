package com.ervc.protocol;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;

/**
 * Messages to a provider instance: on its instance address {@code tts.provider.<name>.instance.<id>} a
 * {@link Sentence} (reply {@link Accepted}), {@link ReplyDone} and {@link Cancel}; on the name-level address
 * {@code tts.provider.<name>.synthesize} a {@link Probe} (reply {@link ProbeAudio}, or {@link ProbeChecked} from a
 * provider that proves itself without audio). The instance dispatches on
 * the type header.
 */
public sealed interface ProviderMessage extends BusBody {

  /**
   * One sentence to synthesize and stream to {@code receiver} as stream {@code stream}; {@code reply} groups the
   * sentences of one reply.
   */
  record Sentence(TtsRequest request, String receiver, String stream, String reply) implements ProviderMessage {
    public static final String TYPE = "sentence";

    @Override
    public JsonObject body() {
      return new JsonObject().put("request", request.toJson()).put("receiver", receiver).put("stream", stream)
          .put("reply", reply);
    }

    /** Reads a streaming request; missing fields or an invalid request are a {@link ErrorCode#INVALID_REQUEST}. */
    public static Sentence from(Object body) {
      JsonObject json = (JsonObject) body;
      TtsRequest request = TtsRequest.fromJson(json.getJsonObject("request"));
      if (json.getString("receiver") == null || json.getString("stream") == null) {
        throw new SpeechException(ErrorCode.INVALID_REQUEST, "a streaming request needs 'receiver' and 'stream'");
      }
      return new Sentence(request, json.getString("receiver"), json.getString("stream"),
          json.getString("reply", json.getString("stream")));
    }
  }

  /** The instance's reply to a {@link Sentence} it accepted; the audio follows as stream messages. */
  record Accepted(String instance, String node) implements ProviderMessage {
    public static final String TYPE = "accepted";

    @Override
    public JsonObject body() {
      return new JsonObject().put("instance", instance).put("node", node);
    }
  }

  /** The pipeline no longer uses this instance for {@code reply}: its slot is free. No reply expected. */
  record ReplyDone(String reply) implements ProviderMessage {
    public static final String TYPE = "reply-done";

    @Override
    public JsonObject body() {
      return new JsonObject().put("reply", reply);
    }

    public static ReplyDone from(Object body) {
      return new ReplyDone(((JsonObject) body).getString("reply"));
    }
  }

  /**
   * Stop stream {@code stream} at once; {@code deadlineMissed} when the pipeline gave up because it was too slow,
   * which counts as an engine failure. No reply expected.
   */
  record Cancel(String stream, boolean deadlineMissed) implements ProviderMessage {
    public static final String TYPE = "cancel";

    @Override
    public JsonObject body() {
      return new JsonObject().put("stream", stream).put("deadlineMissed", deadlineMissed);
    }

    public static Cancel from(Object body) {
      JsonObject json = (JsonObject) body;
      return new Cancel(json.getString("stream"), json.getBoolean("deadlineMissed", false));
    }
  }

  /** One sentence answered with its whole audio (health probes): the body is the bare request. */
  record Probe(TtsRequest request) implements ProviderMessage {
    public static final String TYPE = "probe";

    @Override
    public JsonObject body() {
      return request.toJson();
    }

    public static Probe from(Object body) {
      return new Probe(TtsRequest.fromJson((JsonObject) body));
    }
  }

  /** The reply to a {@link Probe}: the sentence's PCM s16le mono, its rate in the {@code sampleRate} header. */
  record ProbeAudio(Buffer pcm, int sampleRate) implements ProviderMessage {
    public static final String TYPE = "pcm";

    @Override
    public Buffer body() {
      return pcm;
    }

    @Override
    public void addHeaders(DeliveryOptions options) {
      options.addHeader(Addresses.H_SAMPLE_RATE, Integer.toString(sampleRate));
    }
  }

  /**
   * The reply to a {@link Probe} from a provider whose every synthesis is billed: it proved its credentials and model
   * without synthesizing (OpenAI on the Realtime API opens and configures a session). No body; a passed probe.
   */
  record ProbeChecked() implements ProviderMessage {
    public static final String TYPE = "checked-without-audio";

    @Override
    public Object body() {
      return null;
    }
  }
}
