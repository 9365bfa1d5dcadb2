package com.ervc.gateway;

import com.ervc.admin.AdminRoutes;
import com.ervc.audio.AudioFileDecoder;
import com.ervc.cluster.Drainable;
import com.ervc.cluster.LoadRegistry;
import com.ervc.cluster.LocalSinks;
import com.ervc.cluster.NodeState;
import com.ervc.cluster.ProviderDirectory;
import com.ervc.cluster.QualityResults;
import com.ervc.config.HttpConfig;
import com.ervc.config.ServiceConfig;
import com.ervc.config.Settings;
import com.ervc.config.TtsConfig;
import com.ervc.health.HealthService;
import com.ervc.metrics.ServiceMetrics;
import com.ervc.monitoring.MonitoringRoutes;
import com.ervc.profile.ClipIntake;
import com.ervc.profile.ProfileResolver;
import com.ervc.profile.VoiceProfileStore;
import com.ervc.profile.VoiceRegistrar;
import com.ervc.protocol.AdminMessage;
import com.ervc.protocol.Addresses;
import com.ervc.protocol.BusProtocol;
import com.ervc.protocol.CachedReply;
import com.ervc.protocol.ErrorCode;
import com.ervc.protocol.ProfileChanged;
import com.ervc.protocol.SpeechException;
import com.ervc.protocol.TtsRequest;
import com.ervc.redis.SharedRedis;
import com.ervc.security.ClientAddress;
import com.ervc.security.LocalConnectionLeases;
import com.ervc.security.LocalRateLimiter;
import com.ervc.security.Principal;
import com.ervc.security.RedisConnectionLeases;
import com.ervc.security.RedisRateLimiter;
import com.ervc.security.TokenService;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.CorsHandler;
import io.vertx.ext.web.handler.FileSystemAccess;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.ext.web.handler.StaticHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/** HTTP + WebSocket entry point of a node. Routes live here; behaviour lives in HttpApi and WebSocketSession. */
public final class GatewayVerticle extends VerticleBase implements Drainable {
  private static final Logger LOG = LoggerFactory.getLogger(GatewayVerticle.class);
  private static final int MAX_BODY_BYTES = 256 * 1024;
  private static final long CLOSE_HANDSHAKE_MS = 1000;
  static final String WEBSOCKET_SUBPROTOCOL = "ervc.v1";
  /** Profiles a gateway keeps in memory, and how long at most it trusts one without a change announcement. */
  private static final long PROFILE_CACHE_ENTRIES = 10_000;
  private static final Duration PROFILE_CACHE_EXPIRY = Duration.ofMinutes(10);
  /**
   * Transport cap (1 MiB): messages over {@link WebSocketSession#MAX_MESSAGE_BYTES} (64 KiB) but under this get a
   * too_large error and the connection stays open; Vert.x discards anything larger without a reply.
   */
  private static final int MAX_WS_MESSAGE_BYTES = 1024 * 1024;

  private final NodeState node;
  private final AdminRoutes admin;
  /** Where this node's pipelines find the sink without the event bus. */
  private final LocalSinks localSinks;
  private SinkRouter sink;
  private final Set<WebSocketSession> sessions = new HashSet<>();
  /** Upgraded sockets still being admitted; they count toward the connection cap. */
  private int admitting;
  private HttpServer server;
  private SpeechClient speech;
  private HttpApi api;
  /** Threads that feed and drain ffmpeg encoder pipes (blocking I/O kept off the event loop). */
  private ExecutorService encoderIo;
  private FfmpegProcesses encoders;

  private final ServiceMetrics metrics;
  private final HealthService health;
  private final ServiceConfig config;
  private GatewayGuard guard;
  private final SharedRedis redis;
  private RedisConnectionLeases redisLeases;
  private final VoiceProfileStore profileStore;
  /** Registers profiles at the cloning vendors; null without a store or without a vendor set up. */
  private final VoiceRegistrar registrar;
  /** This gateway's view of the voice profiles, or null without cloning or without an open store. */
  private ProfileResolver profiles;
  /** Whole replies this node's cache holds (a pipeline and the cache run here), or null. */
  private final Function<TtsRequest, CachedReply> cachedReplies;

  /**
   * @param redis        the node's Redis client for cluster-wide limits, or null when {@code cache.redisUrl} is not set
   * @param profileStore the open voice-profile store, or null (cloning off, or the store did not open)
   * @param registrar    the registrar at the cloning vendors, or null (no store, or no vendor set up)
   * @param cachedReplies the whole reply to a request when this node holds it in its cache, else null (at once), which
   *                      the gateway then writes to its client itself; null when no pipeline or cache runs here
   */
  public GatewayVerticle(NodeState node, ServiceMetrics metrics, HealthService health, ServiceConfig config,
                         SharedRedis redis, AdminRoutes admin, LocalSinks localSinks,
                         VoiceProfileStore profileStore, VoiceRegistrar registrar,
                         Function<TtsRequest, CachedReply> cachedReplies) {
    this.cachedReplies = cachedReplies;
    this.localSinks = localSinks;
    this.profileStore = profileStore;
    this.registrar = registrar;
    this.config = config;
    this.admin = admin;
    this.node = node;
    this.metrics = metrics;
    this.health = health;
    this.redis = redis;
  }

  @Override
  public Future<?> start() {
    HttpConfig http = config.http();
    TtsConfig tts = config.tts();
    sink = new SinkRouter(vertx, node.nodeId(), tts.streamStallTimeoutMs());
    speech = new SpeechClient(vertx.eventBus(), sink, cachedReplies);
    WebSocketSession.Limits limits = new WebSocketSession.Limits(tts.maxTextChars(),
        tts.maxInFlightPerConnection(), tts.sampleRate(), serverDefaults(tts),
        tts.adaptiveQuality(), tts.latencyTargetMs());
    profiles = profileStore == null ? null
        : new ProfileResolver(profileStore, PROFILE_CACHE_ENTRIES, PROFILE_CACHE_EXPIRY);
    ProfileVoices profileVoices = new ProfileVoices(tts.enableCloning(), profiles, metrics);
    LocalRateLimiter local = new LocalRateLimiter(System::currentTimeMillis);
    LocalConnectionLeases localLeases = new LocalConnectionLeases();
    redisLeases = redis == null ? null : new RedisConnectionLeases(vertx, redis, localLeases);
    guard = new GatewayGuard(TokenService.create(vertx, config.auth()),
        redis == null ? local : new RedisRateLimiter(redis, local), local,
        redisLeases != null ? redisLeases : localLeases, http, config.limits(), metrics);
    LoadRegistry loads = new LoadRegistry(config.node().id());
    ProviderDirectory directory = new ProviderDirectory(vertx);
    api = new HttpApi(speech, directory, loads, new QualityResults(vertx), limits, metrics, guard::chargeCharacters,
        profileVoices);
    encoderIo = Executors.newCachedThreadPool(runnable -> {
      Thread thread = new Thread(runnable, "ffmpeg-io");
      thread.setDaemon(true);
      return thread;
    });
    encoders = new FfmpegProcesses(encoderIo);
    OpenAiSpeechApi openAi = new OpenAiSpeechApi(speech, directory,
        new SpeechModels(config.openaiApi(), Settings.PROVIDERS), config.openaiApi().ffmpeg(), encoders, limits,
        metrics, guard, node::draining, profileVoices);
    int maxSessions = http.maxWebSocketConnections();
    metrics.webSocketCapacity(sessions::size, maxSessions);

    Router router = Router.router(vertx);
    router.route().handler(rc -> {
      rc.addEndHandler(v -> metrics.httpRequest(rc.request().method().name(), rc.response().getStatusCode()));
      SecurityHeaders.apply(rc.response().headers());
      rc.next();
    });
    router.route().handler(guard::hostAndTransport);
    List<String> origins = http.corsOrigins();
    if (!origins.isEmpty()) {
      CorsHandler cors = CorsHandler.create().addOrigins(origins)
          .allowedMethods(Set.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.PATCH, HttpMethod.DELETE,
              HttpMethod.OPTIONS))
          .allowedHeader("Content-Type").allowedHeader("Accept").allowedHeader("Authorization")
          .exposedHeaders(Set.of("X-TTS-Provider", "X-TTS-Voice", "X-TTS-Cached"));
      router.route("/api/*").handler(cors);
      router.route(OpenAiSpeechApi.PREFIX + "*").handler(cors);
    }
    MonitoringRoutes.mount(router, health, metrics, config.metrics(), this::healthFigures,
        !config.metrics().separatePort());
    Future<Void> adminView = admin.mount(vertx, router, true);
    if (guard.tokens().devMode()) {
      endpoint(router, HttpMethod.POST, "/api/v1/auth/dev-token").handler(BodyHandler.create(false).setBodyLimit(8192))
          .handler(guard::devTokenRate)
          .handler(rc -> {
            JsonObject body = rc.body().length() == 0 ? null : safeJson(rc.body().asString());
            guard.tokens().mintDevTokens(body != null && body.getValue("token") instanceof String t ? t : null).onComplete(ar -> {
              if (ar.succeeded()) {
                rc.json(ar.result());
              } else {
                rc.fail(ar.cause());
              }
            });
          });
    } else {
      router.route("/api/v1/auth/dev-token").handler(rc -> rc.fail(404));
    }
    router.route("/api/v1/*").handler(guard::apiAccess);
    endpoint(router, HttpMethod.GET, "/api/v1/voices").handler(api::voices);
    endpoint(router, HttpMethod.GET, "/api/v1/providers").handler(api::providers);
    endpoint(router, HttpMethod.POST, "/api/v1/tts").handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES))
        .handler(api::synthesize);
    if (tts.enableCloning()) {
      mountVoiceProfiles(router, directory);
    }
    router.route(OpenAiSpeechApi.PREFIX + "*").handler(guard::apiAccess);
    endpoint(router, HttpMethod.POST, "/v1/audio/speech").handler(BodyHandler.create(false)
        .setBodyLimit(MAX_BODY_BYTES)).handler(openAi::speech);
    endpoint(router, HttpMethod.GET, "/v1/models").handler(openAi::models);
    endpoint(router, HttpMethod.GET, "/v1/models/:model").handler(openAi::model);
    endpoint(router, HttpMethod.GET, "/v1/audio/voices").handler(openAi::voices);
    endpoint(router, HttpMethod.GET, "/ws").handler(rc -> upgrade(rc, limits, maxSessions, profileVoices));
    router.route("/*").handler(staticFiles(http.webroot()));
    router.route().handler(rc -> rc.fail(404));
    router.route().failureHandler(GatewayVerticle::onFailure);

    return sink.start(localSinks).compose(v -> loads.listen(vertx)).compose(v -> adminView)
        .compose(v -> vertx.eventBus().consumer(Addresses.adminGateway(node.nodeId()), this::handleAdmin).completion())
        .compose(v -> profiles == null ? Future.succeededFuture()
            : vertx.eventBus().consumer(Addresses.VOICE_PROFILE_CHANGED, this::profileChanged).completion())
        .compose(v -> vertx.createHttpServer(new HttpServerOptions().setMaxWebSocketMessageSize(MAX_WS_MESSAGE_BYTES)
                .setMaxWebSocketFrameSize(MAX_WS_MESSAGE_BYTES).setCompressionSupported(true)
                // Clients that send their token as a subprotocol also offer this one, which the server echoes.
                .setWebSocketSubProtocols(List.of(WEBSOCKET_SUBPROTOCOL))
                .setIdleTimeout(http.idleTimeoutSeconds()).setIdleTimeoutUnit(TimeUnit.SECONDS))
            .requestHandler(router)
            .listen(http.port(), http.host()))
        .onSuccess(s -> {
          server = s;
          LOG.info("gateway listening on http://{}:{}", http.host(), s.actualPort());
          admin.evaluationTarget(selfUrl(http.host(), s.actualPort()));
        });
  }

  /**
   * {@code /api/v1/voice-profiles} (only with {@code tts.enableCloning}; without it every path is a 404). Uploads
   * are written to a temporary directory by the body handler and removed when the request ends.
   */
  private void mountVoiceProfiles(Router router, ProviderDirectory directory) {
    var cloning = config.cloning();
    VoiceProfileApi profilesApi = new VoiceProfileApi(vertx, profileStore, profiles, registrar, directory,
        new ClipIntake(new AudioFileDecoder(config.openaiApi().ffmpeg()), cloning.maxClipBytes(), cloning.maxClips()),
        metrics);
    String path = VoiceProfileApi.PATH;
    router.route(path).handler(profilesApi::available);
    router.route(path + "/*").handler(profilesApi::available);
    // Every clip at its largest, plus room for the metadata and the multipart framing.
    long uploadLimit = cloning.maxClipBytes() * cloning.maxClips() + 64 * 1024;
    String uploads = Path.of(System.getProperty("java.io.tmpdir"), "ervc-voice-uploads").toString();
    router.get(path + "/consent-statement").handler(profilesApi::consentStatement);
    router.route(path + "/consent-statement").handler(rc -> rc.fail(405));
    router.get(path).handler(profilesApi::list);
    router.post(path).handler(BodyHandler.create(uploads).setBodyLimit(uploadLimit)
        .setDeleteUploadedFilesOnEnd(true)).handler(profilesApi::create);
    router.route(path).handler(rc -> rc.fail(405));
    router.get(path + "/:id").handler(profilesApi::get);
    router.patch(path + "/:id").handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES))
        .handler(profilesApi::update);
    router.delete(path + "/:id").handler(profilesApi::delete);
    router.route(path + "/:id").handler(rc -> rc.fail(405));
    router.post(path + "/:id/clips").handler(BodyHandler.create(uploads).setBodyLimit(uploadLimit)
        .setDeleteUploadedFilesOnEnd(true)).handler(profilesApi::addClips);
    router.route(path + "/:id/clips").handler(rc -> rc.fail(405));
    router.delete(path + "/:id/clips/:clip").handler(profilesApi::removeClip);
    endpoint(router, HttpMethod.GET, path + "/:id/clips/:clip").handler(profilesApi::clip);
    endpoint(router, HttpMethod.POST, path + "/:id/registrations/:provider").handler(profilesApi::registerAgain);
  }

  /** Another gateway (or this one) changed a profile: the cached copy goes, the next use reads the store. */
  private void profileChanged(Message<Object> msg) {
    if (!BusProtocol.accepts(msg, ProfileChanged.TYPE)) {
      return;
    }
    try {
      profiles.evict(ProfileChanged.from(msg.body()).id());
    } catch (SpeechException e) {
      LOG.warn("ignored a malformed voice-profile change: {}", e.getMessage());
    }
  }

  /** The admin sessions view and an operator's disconnect ({@code admin.gateway.<nodeId>}); no text leaves. */
  private void handleAdmin(Message<Object> msg) {
    if (!BusProtocol.accepts(msg)) {
      return;
    }
    String type = msg.headers().get(BusProtocol.H_TYPE);
    Future<Void> done;
    if (AdminMessage.SessionsRequest.TYPE.equals(type)) {
      done = Future.succeededFuture();
    } else if (AdminMessage.Disconnect.TYPE.equals(type)) {
      String id;
      try {
        id = AdminMessage.Disconnect.from(msg.body()).session();
      } catch (SpeechException e) {
        msg.fail(e.code().status(), e.getMessage());
        return;
      }
      WebSocketSession target = sessions.stream().filter(s -> s.id().equals(id)).findFirst().orElse(null);
      if (target == null) {
        msg.fail(404, "no session '" + id + "' on this gateway");
        return;
      }
      done = target.disconnect();
    } else {
      msg.fail(ErrorCode.INVALID_REQUEST.status(), "unknown message type '" + type + "' on " + msg.address());
      return;
    }
    done.onComplete(ar -> {
      JsonArray list = new JsonArray();
      sessions.forEach(s -> list.add(s.adminView()));
      AdminMessage.Sessions reply = new AdminMessage.Sessions(list);
      msg.reply(reply.body(), BusProtocol.options(reply));
    });
  }

  /** A route for one method; any other method on the same path gets 405 instead of falling through to 404. */
  private static Route endpoint(Router router, HttpMethod method, String path) {
    Route route = router.route(method, path);
    router.route(path).handler(rc -> rc.fail(405));
    return route;
  }

  private static JsonObject safeJson(String text) {
    try {
      return new JsonObject(text);
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** The port actually bound (differs from config when configured as 0). */
  /** How this node reaches its own gateway (evaluations from the admin API): the loopback for a wildcard host. */
  static URI selfUrl(String host, int port) {
    String reachable = host.isEmpty() || host.equals("0.0.0.0") || host.equals("::") ? "127.0.0.1"
        : host.contains(":") ? "[" + host + "]" : host;
    return URI.create("http://" + reachable + ":" + port);
  }

  public int port() {
    return server.actualPort();
  }

  private static JsonObject serverDefaults(TtsConfig tts) {
    return new JsonObject().put("provider", "auto").put("quality", tts.qualityTier());
  }

  private JsonObject healthFigures() {
    return new JsonObject().put("activeStreams", speech.activeStreams()).put("webSocketSessions", sessions.size());
  }

  private void upgrade(RoutingContext rc, WebSocketSession.Limits limits, int maxSessions,
                       ProfileVoices profileVoices) {
    if (node.draining()) {
      HttpApi.fail(rc, ErrorCode.PROVIDER_UNAVAILABLE, "the server is draining; connect again to reach another node");
      return;
    }
    if (sessions.size() + admitting >= maxSessions) {
      metrics.rateLimited("connections");
      HttpApi.fail(rc, ErrorCode.PROVIDER_UNAVAILABLE, "the server is at its limit of " + maxSessions + " WebSocket connections");
      return;
    }
    if (!guard.originAllowed(rc.request())) {
      HttpApi.fail(rc, 403, ErrorCode.UNAUTHORIZED, "this Origin may not open WebSockets here");
      return;
    }
    String token = GatewayGuard.webSocketToken(rc.request());
    String ip = guard.clientIp(rc.request());
    admitting++;
    rc.request().toWebSocket().onComplete(upgraded -> {
      if (upgraded.failed()) {
        admitting--;
        rc.fail(upgraded.cause());
        return;
      }
      ServerWebSocket ws = upgraded.result();
      // Nothing from the client is read until it is admitted.
      ws.pause();
      String connection = UUID.randomUUID().toString();
      guard.admit(token, ip, connection).onComplete(admitted -> {
        admitting--;
        if (admitted.failed()) {
          GatewayGuard.Refusal refusal = admitted.cause() instanceof GatewayGuard.Refusal r ? r
              : new GatewayGuard.Refusal(GatewayGuard.AUTH_FAILED, "not admitted");
          metrics.webSocketClosed(refusal.code);
          ws.close(refusal.code, refusal.getMessage());
          return;
        }
        Principal principal = admitted.result();
        if (ws.isClosed() || node.draining()) {
          guard.released(principal, connection); // the client left, or shutdown began, while it was admitted
          ws.close((short) 1001, "server shutting down");
          return;
        }
        WebSocketSession session = new WebSocketSession(vertx, ws, speech, limits, metrics,
            guard.forSession(connection, principal), ClientAddress.masked(ip), profileVoices);
        sessions.add(session);
        session.open(() -> {
          sessions.remove(session);
          guard.released(principal, connection);
        });
        ws.resume();
      });
    });
  }

  private static StaticHandler staticFiles(String webroot) {
    Path dir = Path.of(webroot);
    // A missing directory falls back to the copy packaged in the jar, so `java -jar` works from anywhere.
    StaticHandler handler = Files.isDirectory(dir)
        ? StaticHandler.create(dir.isAbsolute() ? FileSystemAccess.ROOT : FileSystemAccess.RELATIVE, webroot)
        : StaticHandler.create("webroot");
    return handler.setCachingEnabled(false).setIndexPage("index.html");
  }

  private static void onFailure(RoutingContext rc) {
    int status = rc.statusCode() > 0 ? rc.statusCode()
        : rc.failure() instanceof HttpException e ? e.getStatusCode() : 500;
    ErrorCode code = status == 413 ? ErrorCode.TOO_LARGE : status >= 500 ? ErrorCode.INTERNAL : ErrorCode.INVALID_REQUEST;
    if (status >= 500) {
      LOG.error("request {} {} failed", rc.request().method(), rc.request().path(), rc.failure());
    }
    HttpApi.fail(rc, status, code, switch (status) {
      case 404 -> "not found";
      case 405 -> "method not allowed";
      case 413 -> "request body too large";
      default -> "request failed";
    });
  }

  /** New WebSocket upgrades and HTTP synthesis are refused (the node state drains); open sessions wind down. */
  @Override
  public Future<Void> stopIntake() {
    return Drainable.onContext(context, () -> {
      List.copyOf(sessions).forEach(WebSocketSession::drain);
      api.drain();
      return Future.succeededFuture();
    });
  }

  /** New connections and HTTP synthesis are taken again; sessions told to drain still close once idle. */
  @Override
  public Future<Void> resumeIntake() {
    return Drainable.onContext(context, () -> {
      api.resume();
      return Future.succeededFuture();
    });
  }

  @Override
  public int inFlight() {
    return speech.activeStreams();
  }

  /**
   * Graceful stop: refuse new requests, give running streams up to the drain time to finish, then end the rest
   * with an error and close every socket with 1001 (going away).
   */
  @Override
  public Future<?> stop() {
    long drainMs = config.node().shutdownDrainSeconds() * 1000L;
    List.copyOf(sessions).forEach(WebSocketSession::drain);
    api.drain();
    Promise<Void> drained = Promise.promise();
    long deadline = System.currentTimeMillis() + drainMs;
    waitForDrain(drained, deadline);
    return drained.future()
        // Close handshakes get a moment to complete; a client that never answers must not hold the node up.
        .compose(v -> Future.join(new ArrayList<>(sessions).stream().map(WebSocketSession::shutdown).toList())
            .timeout(CLOSE_HANDSHAKE_MS, TimeUnit.MILLISECONDS).otherwiseEmpty())
        .eventually(() -> server == null ? Future.succeededFuture() : server.close())
        .andThen(ar -> {
          localSinks.unregister(sink.address());
          encoders.close();
          encoderIo.shutdownNow();
          if (redisLeases != null) {
            redisLeases.close();
          }
        });
  }

  private void waitForDrain(Promise<Void> drained, long deadline) {
    if (speech.activeStreams() == 0 || System.currentTimeMillis() >= deadline) {
      drained.complete();
    } else {
      vertx.setTimer(50, id -> waitForDrain(drained, deadline));
    }
  }
}
