package com.ervc.gateway;

import com.ervc.audio.WavCodec;
import com.ervc.cluster.LoadRegistry;
import com.ervc.cluster.ProviderDirectory;
import com.ervc.cluster.QualityResults;
import com.ervc.metrics.RequestTrace;
import com.ervc.metrics.ServiceMetrics;
import com.ervc.protocol.ErrorCode;
import com.ervc.protocol.ProviderInfo;
import com.ervc.protocol.ProviderLoad;
import com.ervc.protocol.QualityResult;
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

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/** The REST API: speech synthesis, voice and provider listings. docs/http-api.md describes it. */
final class HttpApi {
  private static final String CACHED_HEADER = "X-TTS-Cached";
  private final SpeechClient speech;
  private final ProviderDirectory directory;
  private final LoadRegistry loads;
  private final QualityResults quality;
  private final WebSocketSession.Limits limits;
  private final ServiceMetrics metrics;
  private final BiFunction<String, Integer, Future<Void>> characterQuota;
  private final ProfileVoices profiles;
  private boolean draining;

  HttpApi(SpeechClient speech, ProviderDirectory directory, LoadRegistry loads, QualityResults quality,
          WebSocketSession.Limits limits, ServiceMetrics metrics,
          BiFunction<String, Integer, Future<Void>> characterQuota, ProfileVoices profiles) {
    this.quality = quality;
    this.profiles = profiles;
    this.characterQuota = characterQuota;
    this.speech = speech;
    this.directory = directory;
    this.loads = loads;
    this.limits = limits;
    this.metrics = metrics;
  }

  static void fail(RoutingContext rc, ErrorCode code, String message) {
    fail(rc, code.status(), code, message);
  }

  /**
   * The one writer of HTTP error answers; a response already under way can only be reset. Under the
   * OpenAI-compatible prefix the body takes OpenAI's error shape, so auth, limits and routing errors read the same
   * to an OpenAI SDK as the endpoint's own.
   */
  static void fail(RoutingContext rc, int status, ErrorCode code, String message) {
    if (rc.request().path().startsWith(OpenAiSpeechApi.PREFIX)) {
      fail(rc, OpenAiError.of(status, code, message));
    } else {
      fail(rc, status, code.body(message));
    }
  }

  static void fail(RoutingContext rc, OpenAiError error) {
    fail(rc, error.status(), error.body());
  }

  private static void fail(RoutingContext rc, int status, JsonObject body) {
    if (!rc.response().headWritten()) {
      rc.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
    } else {
      rc.response().reset();
    }
  }

  /** Takes synthesis requests again (an operator's undrain). */
  void resume() {
    draining = false;
  }

  /** Refuses new synthesis from now on (shutdown); running responses finish. */
  void drain() {
    draining = true;
  }

  void synthesize(RoutingContext rc) {
    if (draining) {
      fail(rc, ErrorCode.PROVIDER_UNAVAILABLE, "the server is draining; send the request again to reach another node");
      return;
    }
    AudioResponseFormat format = AudioResponseFormat.negotiate(rc.parsedHeaders().accept());
    if (format == null) {
      fail(rc, 406, ErrorCode.INVALID_REQUEST, "Accept must allow audio/wav, audio/L16 or audio/pcm");
      return;
    }
    TtsRequest request;
    JsonObject body;
    try {
      body = rc.body().asJsonObject();
      if (body == null) {
        throw new SpeechException(ErrorCode.INVALID_REQUEST, "the body must be a JSON object with at least 'text'");
      }
      request = TtsRequest.parse(TtsRequest.layered(limits.serverDefaults(), body), limits.maxTextChars(),
          limits.sampleRate());
    } catch (DecodeException | ClassCastException e) {
      metrics.rejected(ErrorCode.INVALID_REQUEST, false);
      fail(rc, ErrorCode.INVALID_REQUEST, "the body is not valid JSON");
      return;
    } catch (SpeechException e) {
      metrics.rejected(e.code(), false);
      fail(rc, e.code(), e.getMessage());
      return;
    }
    Principal principal = rc.get(GatewayGuard.PRINCIPAL);
    profiles.apply(request, body.fieldNames(), principal.subject(), rc.vertx().getOrCreateContext())
        .compose(resolved -> characterQuota.apply(principal.subject(), resolved.text().length()).map(resolved))
        .onComplete(ready -> {
          if (ready.failed()) {
            SpeechException refused = SpeechException.from(ready.cause());
            metrics.rejected(refused.code(), false);
            fail(rc, refused.code(), refused.getMessage());
            return;
          }
          if (rc.response().closed()) {
            return; // the client left during the profile lookup or the quota check
          }
          TtsRequest accepted = ready.result();
          RequestTrace trace = metrics.request(accepted.quality().wire(), accepted.text().length(), false);
          HttpAudioListener listener = new HttpAudioListener(rc, format, trace);
          SpeechClient.Speaking speaking = speech.speaking();
          rc.response().closeHandler(v -> {
            if (speaking.stop()) {
              listener.cancelled();
            }
          });
          speaking.start(accepted, listener, rc.response()::writeQueueFull);
        });
  }

  /** Streams raw formats as produced; collects WAV to send it whole with its exact length. */
  private static final class HttpAudioListener extends HttpAudioStream {
    private final AudioResponseFormat format;
    private final Buffer collected = Buffer.buffer();
    private int sampleRate;

    HttpAudioListener(RoutingContext rc, AudioResponseFormat format, RequestTrace trace) {
      super(rc);
      this.format = format;
      this.trace = trace;
    }

    @Override
    public void onStart(StreamMessage.Start info) {
      sampleRate = info.sampleRate();
      provider = info.provider();
      HttpServerResponse response = rc.response()
          .putHeader("Content-Type", format.contentType(sampleRate))
          .putHeader("X-TTS-Provider", info.provider())
          .putHeader("X-TTS-Voice", info.voice());
      if (format != AudioResponseFormat.WAV) {
        response.setChunked(true).putHeader("Trailer", CACHED_HEADER);
      }
    }

    /** The client closed the connection before the end. */
    void cancelled() {
      trace.cancelled(provider, samples, Math.max(1, sampleRate));
    }

    @Override
    Future<Void> deliver(Buffer pcm) {
      if (format == AudioResponseFormat.WAV) {
        collected.appendBuffer(pcm);
        return Future.succeededFuture();
      }
      return rc.response().write(format.encodeChunk(pcm));
    }

    @Override
    public void onEnd(StreamMessage.Summary summary) {
      trace.completed(provider, samples, sampleRate);
      String cached = String.valueOf(summary.cached());
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
      trace.failed(provider, code);
      fail(rc, code, message);
    }
  }

  void voices(RoutingContext rc) {
    directory.list().onSuccess(providers -> {
      JsonArray voices = new JsonArray();
      ProviderDirectory.byName(providers).values().stream().map(HttpApi::representative)
          .forEach(p -> p.voices().forEach(v -> voices.add(new JsonObject()
          .put("provider", p.name()).put("id", v.id()).put("name", v.name())
          .put("language", v.language()).put("gender", v.gender())
          .mergeIn(v.details() == null ? new JsonObject() : v.details()))));
      rc.json(new JsonObject().put("voices", voices));
    }).onFailure(e -> fail(rc, ErrorCode.INTERNAL, "the provider directory is not available"));
  }

  /** An available instance when there is one (the others may lack the key), else the first. */
  private static ProviderInfo representative(List<ProviderInfo> instances) {
    return instances.stream().filter(ProviderInfo::available).findFirst().orElse(instances.get(0));
  }

  /**
   * The live cluster view: provider instances from their load reports, with their load, and the latest quality
   * figures of their voices (docs/http-api.md). Without the quality map (a cluster fault) the figures are left out
   * rather than the listing refused.
   */
  void providers(RoutingContext rc) {
    quality.list().otherwise(List.of()).onSuccess(measured -> providers(rc, measured));
  }

  private void providers(RoutingContext rc, List<QualityResult> measured) {
    Map<String, JsonObject> qualityByProvider = new LinkedHashMap<>();
    measured.forEach(q -> {
      JsonObject voices = qualityByProvider.computeIfAbsent(q.provider(), k -> new JsonObject());
      JsonArray nodes = voices.getJsonArray(q.voice());
      if (nodes == null) {
        voices.put(q.voice(), nodes = new JsonArray());
      }
      nodes.add(q.toJson());
    });
    Map<String, List<ProviderLoad>> byName = new LinkedHashMap<>();
    loads.live(System.currentTimeMillis()).forEach(l -> byName.computeIfAbsent(l.name(), k -> new ArrayList<>()).add(l));
    JsonArray out = new JsonArray();
    byName.forEach((name, instances) -> {
      List<ProviderInfo> infos = instances.stream().map(ProviderLoad::info).toList();
      ProviderInfo p = representative(infos);
      out.add(new JsonObject().put("name", p.name()).put("available", p.available())
          .put("voices", new JsonArray(p.voices().stream().map(ProviderInfo.Voice::id).toList()))
          .put("defaultVoice", p.defaultVoice())
          .put("design", p.design() == null ? null : p.design().toJson())
          .put("emotions", new JsonArray(p.emotions()))
          .put("qualityTiers", new JsonArray(p.qualityTiers())).put("streaming", p.streaming()).put("pitch", p.pitch())
          .put("sampleRate", limits.sampleRate()).put("nativeSampleRate", p.nativeSampleRate())
          .put("nodes", new JsonArray(infos.stream().map(ProviderInfo::nodeId).distinct().toList()))
          .put("detail", p.detail())
          .put("quality", qualityByProvider.get(name))
          .put("capabilities", new JsonArray(infos.stream().filter(i -> i.capabilities() != null)
              .map(i -> i.capabilities().copy().put("node", i.nodeId())).toList()))
          .put("instances", new JsonArray(instances.stream().map(l -> {
            JsonObject load = l.toJson();
            load.remove("info");
            load.remove("leaving");
            return load.put("node", l.nodeId()).put("available", l.info().available());
          }).toList())));
    });
    rc.json(new JsonObject().put("providers", out));
  }



}
