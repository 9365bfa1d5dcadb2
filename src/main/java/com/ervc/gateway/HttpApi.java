package com.ervc.gateway;

import com.ervc.audio.WavCodec;
import com.ervc.cluster.Addresses;
import com.ervc.cluster.NodeState;
import com.ervc.provider.ErrorCode;
import com.ervc.provider.ProviderDirectory;
import com.ervc.provider.ProviderInfo;
import com.ervc.provider.SpeechException;
import com.ervc.provider.TtsRequest;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.List;
import java.util.function.IntSupplier;

/** The REST API: speech synthesis, voice and provider listings, health. docs/http-api.md describes it. */
final class HttpApi {
  private static final String CACHED_HEADER = "X-TTS-Cached";
  private final SpeechClient speech;
  private final ProviderDirectory directory;
  private final NodeState node;
  private final EventBus bus;
  private final WebSocketSession.Limits limits;
  private final IntSupplier openSessions;
  private boolean draining;

  HttpApi(SpeechClient speech, ProviderDirectory directory, NodeState node, EventBus bus,
          WebSocketSession.Limits limits, IntSupplier openSessions) {
    this.openSessions = openSessions;
    this.speech = speech;
    this.directory = directory;
    this.node = node;
    this.bus = bus;
    this.limits = limits;
  }

  static void fail(RoutingContext rc, ErrorCode code, String message) {
    if (!rc.response().headWritten()) {
      rc.response().setStatusCode(code.status()).putHeader("Content-Type", "application/json")
          .end(new JsonObject().put("error", new JsonObject().put("code", code.wire()).put("message", message)).encode());
    } else {
      rc.response().reset();
    }
  }

  /** Refuses new synthesis from now on (shutdown); running responses finish. */
  void drain() {
    draining = true;
  }

  void synthesize(RoutingContext rc) {
    if (draining) {
      fail(rc, ErrorCode.PROVIDER_UNAVAILABLE, "the server is shutting down");
      return;
    }
    AudioResponseFormat format = AudioResponseFormat.negotiate(rc.request().getHeader("Accept"));
    if (format == null) {
      rc.response().setStatusCode(406).putHeader("Content-Type", "application/json")
          .end(new JsonObject().put("error", new JsonObject().put("code", ErrorCode.INVALID_REQUEST.wire())
              .put("message", "Accept must allow audio/wav, audio/L16 or audio/pcm")).encode());
      return;
    }
    TtsRequest request;
    try {
      JsonObject body = rc.body().asJsonObject();
      if (body == null) {
        throw new SpeechException(ErrorCode.INVALID_REQUEST, "the body must be a JSON object with at least 'text'");
      }
      request = TtsRequest.parse(TtsRequest.layered(limits.serverDefaults(), body), limits.maxTextChars(),
          limits.sampleRate());
    } catch (DecodeException | ClassCastException e) {
      fail(rc, ErrorCode.INVALID_REQUEST, "the body is not valid JSON");
      return;
    } catch (SpeechException e) {
      fail(rc, e.code(), e.getMessage());
      return;
    }
    String stream = speech.start(request, new HttpAudioListener(rc, format));
    rc.response().closeHandler(v -> speech.cancel(stream));
  }

  /** Streams raw formats as produced; collects WAV to send it whole with its exact length. */
  private static final class HttpAudioListener implements StreamListener {
    private final RoutingContext rc;
    private final AudioResponseFormat format;
    private final Buffer collected = Buffer.buffer();
    private int sampleRate;

    HttpAudioListener(RoutingContext rc, AudioResponseFormat format) {
      this.rc = rc;
      this.format = format;
    }

    @Override
    public void onStart(JsonObject info) {
      sampleRate = info.getInteger("sampleRate");
      HttpServerResponse response = rc.response()
          .putHeader("Content-Type", format.contentType(sampleRate))
          .putHeader("X-TTS-Provider", info.getString("provider"))
          .putHeader("X-TTS-Voice", info.getString("voice"));
      if (format != AudioResponseFormat.WAV) {
        response.setChunked(true).putHeader("Trailer", CACHED_HEADER);
      }
    }

    @Override
    public void onSentence(int index, String text) {
    }

    @Override
    public Future<Void> onAudio(Buffer pcm) {
      if (rc.response().closed()) {
        return Future.failedFuture("client closed the connection");
      }
      if (format == AudioResponseFormat.WAV) {
        collected.appendBuffer(pcm);
        return Future.succeededFuture();
      }
      return rc.response().write(format.encodeChunk(pcm));
    }

    @Override
    public void onEnd(JsonObject summary) {
      String cached = String.valueOf(summary.getBoolean("cached"));
      HttpServerResponse response = rc.response();
      if (format == AudioResponseFormat.WAV) {
        response.putHeader(CACHED_HEADER, cached).end(Buffer.buffer(WavCodec.encode(collected.getBytes(), sampleRate, 1)));
      } else {
        // The head of a streamed response left long ago; the cache verdict travels as a chunked trailer.
        response.putTrailer(CACHED_HEADER, cached).end();
      }
    }

    @Override
    public void onError(ErrorCode code, String message) {
      fail(rc, code, message);
    }
  }

  void voices(RoutingContext rc) {
    directory.list().onSuccess(providers -> {
      JsonArray voices = new JsonArray();
      distinctByName(providers).forEach(p -> p.voices().forEach(v -> voices.add(new JsonObject()
          .put("provider", p.name()).put("id", v.id()).put("name", v.name())
          .put("language", v.language()).put("gender", v.gender()))));
      rc.json(new JsonObject().put("voices", voices));
    }).onFailure(e -> fail(rc, ErrorCode.INTERNAL, e.getMessage()));
  }

  void providers(RoutingContext rc) {
    directory.list().onSuccess(providers -> {
      JsonArray out = new JsonArray();
      for (ProviderInfo p : distinctByName(providers)) {
        List<String> nodes = providers.stream().filter(o -> o.name().equals(p.name())).map(ProviderInfo::nodeId).toList();
        out.add(new JsonObject().put("name", p.name()).put("available", p.available())
            .put("voices", new JsonArray(p.voices().stream().map(ProviderInfo.Voice::id).toList()))
            .put("defaultVoice", p.defaultVoice()).put("emotions", new JsonArray(p.emotions()))
            .put("qualityTiers", new JsonArray(p.qualityTiers())).put("streaming", p.streaming())
            .put("sampleRate", limits.sampleRate()).put("nativeSampleRate", p.nativeSampleRate())
            .put("nodes", new JsonArray(nodes)).put("detail", p.detail()));
      }
      rc.json(new JsonObject().put("providers", out));
    }).onFailure(e -> fail(rc, ErrorCode.INTERNAL, e.getMessage()));
  }

  /** One entry per provider name (instances on several nodes offer the same voices). */
  private static List<ProviderInfo> distinctByName(List<ProviderInfo> providers) {
    return providers.stream().filter(p -> providers.stream().filter(o -> o.name().equals(p.name()))
        .findFirst().orElseThrow() == p).toList();
  }

  void health(RoutingContext rc) {
    Future<JsonObject> cache = bus.<JsonObject>request(Addresses.CACHE_STATS, null, new DeliveryOptions().setSendTimeout(500))
        .map(Message::body)
        .otherwise(e -> new JsonObject().put("available", false).put("error", e.getMessage()));
    Future<JsonArray> providers = directory.list()
        .map(list -> new JsonArray(list.stream().map(p -> new JsonObject().put("name", p.name())
            .put("node", p.nodeId()).put("available", p.available())).toList()))
        .otherwise(e -> new JsonArray());
    Future.join(cache, providers).onComplete(ar -> {
      boolean healthy = node.allUp() && !providers.result().isEmpty();
      JsonObject body = node.toJson().put("status", healthy ? "healthy" : "degraded")
          .put("activeStreams", speech.activeStreams())
          .put("webSocketSessions", openSessions.getAsInt())
          .put("providers", providers.result()).put("cache", cache.result());
      rc.json(body);
    });
  }
}
