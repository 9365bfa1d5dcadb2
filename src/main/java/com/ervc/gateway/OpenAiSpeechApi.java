package com.ervc.gateway;

import com.ervc.cluster.ProviderDirectory;
import com.ervc.metrics.ServiceMetrics;
import com.ervc.protocol.ErrorCode;
import com.ervc.protocol.ProviderInfo;
import com.ervc.protocol.SpeechException;
import com.ervc.protocol.StreamMessage;
import com.ervc.protocol.TtsRequest;
import com.ervc.security.Principal;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.io.IOException;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * OpenAI's speech API on this cluster: {@code POST /v1/audio/speech}, {@code GET /v1/models[/{id}]} and
 * {@code GET /v1/audio/voices} (docs/openai-compatible.md). Requests become ordinary pipeline streams; their PCM is
 * encoded as it arrives and sent chunked, raw or as server-sent events.
 */
final class OpenAiSpeechApi {
  static final String PREFIX = "/v1/";
  /** OpenAI's pcm is 24 kHz, whatever {@code tts.sampleRate} the WebSocket API uses. */
  static final int SAMPLE_RATE = 24_000;
  private static final long CREATED = 0;

  private final SpeechClient speech;
  private final ProfileVoices profiles;
  private final ProviderDirectory directory;
  private final SpeechModels models;
  private final String ffmpeg;
  private final FfmpegProcesses encoders;
  private final int maxTextChars;
  private final JsonObject serverDefaults;
  private final ServiceMetrics metrics;
  private final GatewayGuard quota;
  private final BooleanSupplier draining;

  OpenAiSpeechApi(SpeechClient speech, ProviderDirectory directory, SpeechModels models, String ffmpeg,
                  FfmpegProcesses encoders, WebSocketSession.Limits limits, ServiceMetrics metrics,
                  GatewayGuard quota, BooleanSupplier draining, ProfileVoices profiles) {
    this.profiles = profiles;
    this.speech = speech;
    this.directory = directory;
    this.models = models;
    this.ffmpeg = ffmpeg;
    this.encoders = encoders;
    this.maxTextChars = limits.maxTextChars();
    this.serverDefaults = limits.serverDefaults();
    this.metrics = metrics;
    this.quota = quota;
    this.draining = draining;
  }

  void speech(RoutingContext rc) {
    if (draining.getAsBoolean()) {
      HttpApi.fail(rc, ErrorCode.PROVIDER_UNAVAILABLE, "the server is draining; send the request again");
      return;
    }
    SpeechRequest request;
    JsonObject tts;
    Set<String> given;
    try {
      JsonObject body = jsonBody(rc);
      request = SpeechRequest.parse(body, maxTextChars);
      tts = toTts(request);
      // What the client chose itself wins over a voice profile's settings; OpenAI's default speed does not.
      given = new HashSet<>(tts.fieldNames());
      if (!body.containsKey("speed")) {
        given.remove("speed");
      }
    } catch (OpenAiError e) {
      metrics.rejected(ErrorCode.INVALID_REQUEST, false);
      HttpApi.fail(rc, e);
      return;
    }
    Principal principal = rc.get(GatewayGuard.PRINCIPAL);
    TtsRequest[] spoken = new TtsRequest[1];
    // The instructions' text goes on too, for providers that take it (docs/openai-compatible.md#instructions).
    profiles.apply(parsed(tts).withInstructions(request.instructions()), given, principal.subject(),
            rc.vertx().getOrCreateContext())
        .recover(failure -> Future.failedFuture(failure instanceof SpeechException e
            && e.code() == ErrorCode.INVALID_REQUEST ? OpenAiError.invalid("voice", "voice_not_found", e.getMessage())
            : failure))
        .compose(resolved -> {
          spoken[0] = resolved;
          return quota.characterWait(principal.subject(), resolved.text().length());
        })
        .compose(wait -> {
          if (wait > 0) {
            rc.response().putHeader("Retry-After", Long.toString(GatewayGuard.retryAfterSeconds(wait)));
            return Future.failedFuture(quota.characterQuotaUsedUp(wait));
          }
          return openEncoder(rc, request);
        })
        .onComplete(ready -> {
          if (ready.failed()) {
            OpenAiError error = ready.cause() instanceof OpenAiError e ? e : asOpenAi(SpeechException.from(ready.cause()));
            metrics.rejected(error.status() == 429 ? ErrorCode.RATE_LIMITED : ErrorCode.INVALID_REQUEST, false);
            HttpApi.fail(rc, error);
            return;
          }
          SpeechResponse response = ready.result();
          if (rc.response().closed()) {
            response.encoder.abort(); // the client left during the quota check
            return;
          }
          response.trace = metrics.request(spoken[0].quality().wire(), spoken[0].text().length(), false);
          // The encoder's write future is its back-pressure: a cached reply waits on it whenever it is pending.
          SpeechClient.Speaking speaking = speech.speaking();
          rc.response().closeHandler(v -> {
            if (speaking.stop()) {
              response.cancelled();
            }
          });
          speaking.start(spoken[0], response, () -> true);
        });
  }

  private static JsonObject jsonBody(RoutingContext rc) {
    String type = rc.request().getHeader("Content-Type");
    if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
      throw OpenAiError.invalid(null, "invalid_content_type", "the body must be JSON (Content-Type: application/json)");
    }
    try {
      JsonObject body = rc.body().asJsonObject();
      if (body == null) {
        throw new DecodeException("empty");
      }
      return body;
    } catch (DecodeException | ClassCastException e) {
      throw OpenAiError.invalid(null, "invalid_json", "the body is not a valid JSON object");
    }
  }

  /** The pipeline request's fields: mapped model and voice, emotion from the instructions (server defaults apart). */
  private JsonObject toTts(SpeechRequest request) {
    SpeechModels.Choice choice = models.resolve(request.model(), request.voiceName(), request.voiceId());
    JsonObject fields = TtsRequest.layered(new JsonObject().put("text", request.input())
        .put("provider", choice.provider()).put("voice", choice.voice()).put("speed", request.speed())
        .put("quality", choice.quality() == null ? null : choice.quality().wire()));
    SpeechInstructions.read(request.instructions()).ifPresent(reading ->
        fields.put("emotion", reading.emotion().wire()).put("intensity", reading.intensity()));
    parsed(fields);
    return fields;
  }

  /** The pipeline request, at OpenAI's 24 kHz: {@code fields} over the server's defaults. */
  private TtsRequest parsed(JsonObject fields) {
    try {
      return TtsRequest.parse(TtsRequest.layered(serverDefaults, fields), Integer.MAX_VALUE, SAMPLE_RATE);
    } catch (SpeechException e) {
      throw OpenAiError.invalid(e.getMessage().startsWith("'voice'") ? "voice" : "input", "invalid_value",
          e.getMessage());
    }
  }

  private Future<SpeechResponse> openEncoder(RoutingContext rc, SpeechRequest request) {
    SpeechResponse response = new SpeechResponse(rc, request);
    SpeechFormat format = request.format();
    if (format.hasJavaEncoder()) {
      response.encoder = new JavaEncoder(rc.vertx().getOrCreateContext(), format.javaEncoder(SAMPLE_RATE), response,
          nanos -> metrics.encoded(format.wire(), nanos));
      return Future.succeededFuture(response);
    }
    if (!format.needsFfmpeg()) {
      response.encoder = AudioEncoder.direct(format, SAMPLE_RATE, response);
      return Future.succeededFuture(response);
    }
    return FfmpegEncoder.start(rc.vertx().getOrCreateContext(), encoders, format.ffmpegCommand(ffmpeg, SAMPLE_RATE),
            response, metrics::ffmpegFailure)
        .recover(failure -> {
          if (!(failure instanceof IOException)) {
            return Future.failedFuture(failure);
          }
          metrics.ffmpegFailure("start");
          return Future.failedFuture(OpenAiError.invalid("response_format", "unsupported_response_format",
              "response_format '" + format.wire() + "' needs ffmpeg, which this node cannot run ('" + ffmpeg
                  + "'): install it (Debian: apt-get install ffmpeg) or set OPENAI_API_FFMPEG to its path; mp3, "
                  + "opus, flac, wav and pcm work without it"));
        })
        .map(encoder -> {
          response.encoder = encoder;
          return response;
        });
  }

  private static OpenAiError asOpenAi(SpeechException e) {
    return OpenAiError.of(e.code().status(), e.code(), e.getMessage());
  }

  /** One response: pipeline PCM in, through the encoder, out as raw chunks or SSE events. */
  private static final class SpeechResponse extends HttpAudioStream implements AudioEncoder.Output {
    private final SpeechRequest request;
    private AudioEncoder encoder;

    SpeechResponse(RoutingContext rc, SpeechRequest request) {
      super(rc);
      this.request = request;
    }

    @Override
    public void onStart(StreamMessage.Start info) {
      provider = info.provider();
      rc.response().setChunked(true)
          .putHeader("Content-Type", request.sse() ? "text/event-stream" : request.format().contentType())
          .putHeader("X-TTS-Provider", info.provider()).putHeader("X-TTS-Voice", info.voice());
      if (request.sse()) {
        rc.response().putHeader("Cache-Control", "no-cache");
      }
    }

    @Override
    Future<Void> deliver(Buffer pcm) {
      return encoder.write(pcm);
    }

    @Override
    public void onEnd(StreamMessage.Summary summary) {
      trace.completed(provider, samples, SAMPLE_RATE);
      encoder.finish();
    }

    @Override
    public void onError(ErrorCode code, String message) {
      trace.failed(provider, code);
      encoder.abort();
      failResponse(OpenAiError.of(code.status(), code, message));
    }

    void cancelled() {
      encoder.abort();
      trace.cancelled(provider, samples, SAMPLE_RATE);
    }

    @Override
    public Future<Void> data(Buffer encoded) {
      HttpServerResponse response = rc.response();
      if (response.closed()) {
        return Future.failedFuture("client closed the connection");
      }
      return response.write(request.sse() ? SseEvents.delta(encoded) : encoded);
    }

    @Override
    public void end() {
      if (rc.response().closed()) {
        return;
      }
      if (request.sse()) {
        rc.response().end(SseEvents.done(request.input().length()));
      } else {
        rc.response().end();
      }
    }

    @Override
    public void failed(String message) {
      failResponse(OpenAiError.of(500, ErrorCode.INTERNAL, message));
    }

    /** Before any byte an error answer; in an SSE stream an error event; in raw audio only a reset can tell. */
    private void failResponse(OpenAiError error) {
      HttpServerResponse response = rc.response();
      if (request.sse() && response.headWritten() && !response.closed()) {
        response.end(SseEvents.error(error));
      } else {
        HttpApi.fail(rc, error);
      }
    }
  }

  void models(RoutingContext rc) {
    JsonArray data = new JsonArray();
    models.models().forEach(m -> data.add(model(m)));
    rc.json(new JsonObject().put("object", "list").put("data", data));
  }

  void model(RoutingContext rc) {
    try {
      rc.json(model(models.model(rc.pathParam("model"))));
    } catch (OpenAiError e) {
      HttpApi.fail(rc, e);
    }
  }

  private static JsonObject model(SpeechModels.Model m) {
    return new JsonObject().put("id", m.id()).put("object", "model").put("created", CREATED)
        .put("owned_by", m.provider()).put("provider", m.provider())
        .put("quality", m.quality() == null ? null : m.quality().wire());
  }

  /** The OpenAI voice names with what they map to, then every provider voice of the cluster by its own id. */
  void voices(RoutingContext rc) {
    directory.list().onSuccess(providers -> {
      JsonArray voices = new JsonArray();
      models.voiceAliases().forEach(a -> voices.add(new JsonObject().put("id", a.name()).put("object", "voice")
          .put("provider", a.provider()).put("voice", a.voice())));
      ProviderDirectory.byName(providers).forEach((name, instances) -> instances.stream().findFirst()
          .ifPresent(p -> p.voices().forEach(v -> voices.add(voice(name, v)))));
      rc.json(new JsonObject().put("object", "list").put("data", voices));
    }).onFailure(e -> HttpApi.fail(rc, ErrorCode.INTERNAL, "the provider directory is not available"));
  }

  private static JsonObject voice(String provider, ProviderInfo.Voice v) {
    return new JsonObject().put("id", v.id()).put("object", "voice").put("provider", provider).put("voice", v.id())
        .put("name", v.name()).put("language", v.language());
  }

  /** OpenAI's speech stream events (docs/openai-compatible.md#streaming). */
  static final class SseEvents {
    private SseEvents() {
    }

    static Buffer delta(Buffer audio) {
      return event(new JsonObject().put("type", "speech.audio.delta")
          .put("audio", Base64.getEncoder().encodeToString(audio.getBytes())));
    }

    /** The closing event; usage counts the input's characters as tokens, since no tokenizer is involved. */
    static Buffer done(int inputCharacters) {
      return event(new JsonObject().put("type", "speech.audio.done").put("usage", new JsonObject()
          .put("input_tokens", inputCharacters).put("output_tokens", 0).put("total_tokens", inputCharacters)));
    }

    static Buffer error(OpenAiError error) {
      return event(error.body().put("type", "error"));
    }

    private static Buffer event(JsonObject data) {
      return Buffer.buffer("data: " + data.encode() + "\n\n");
    }
  }
}
