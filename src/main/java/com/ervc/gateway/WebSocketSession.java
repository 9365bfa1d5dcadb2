package com.ervc.gateway;

import com.ervc.metrics.RequestTrace;
import com.ervc.metrics.ServiceMetrics;
import com.ervc.protocol.ErrorCode;
import com.ervc.protocol.QualityTier;
import com.ervc.protocol.SpeechException;
import com.ervc.protocol.StreamMessage;
import com.ervc.protocol.TtsRequest;
import com.ervc.security.AuthException;
import com.ervc.security.Principal;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * One browser connection speaking protocol v1. Bad input gets an error message and the connection stays usable;
 * closing the connection cancels everything it started.
 */
final class WebSocketSession {
  private static final Logger LOG = LoggerFactory.getLogger(WebSocketSession.class);
  /** Largest accepted client message: room for 5,000 characters even if every one is escaped as \\uXXXX. */
  static final int MAX_MESSAGE_BYTES = 64 * 1024;
  /** Close code of an operator's disconnect (policy violation: the operator's policy). */
  static final short OPERATOR_CLOSE = 1008;

  /** The admission limits and credentials of one session (see GatewayGuard). */
  interface Guard {
    /** Per-connection message rate; false means the message is refused. */
    boolean allowMessage();

    /** Per-user character quota; fails with a RATE_LIMITED SpeechException when used up. */
    Future<Void> chargeCharacters(int characters);

    /** Replaces the session's token with a fresh one for the same subject. */
    Future<Principal> refresh(String token);

    Principal principal();
  }

  /** Session-wide knobs every session shares. */
  record Limits(int maxTextChars, int maxInFlight, int sampleRate, JsonObject serverDefaults, boolean adaptiveQuality,
                long latencyTargetMs) {
  }

  private final ServerWebSocket ws;
  private final SpeechClient speech;
  private final Limits limits;
  private final ServiceMetrics metrics;
  private final Guard guard;
  private final ProfileVoices profiles;
  private final Vertx vertx;
  private long expiryTimer = -1;
  private final String id = UUID.randomUUID().toString();
  private final JsonObject sessionDefaults = new JsonObject();
  private final Map<String, Active> active = new LinkedHashMap<>();
  private long nextStream;
  private boolean draining;
  private final AdaptiveQuality adaptive;
  /** For the admin sessions view: the masked client address, when it connected, what it asked and was sent. */
  private final String maskedClient;
  private final long openedAtMs = System.currentTimeMillis();
  private long requests;
  private long bytesSent;

  /** A request in flight. */
  private final class Active implements StreamListener {
    final String requestId;
    final RequestTrace trace;
    final long streamNumber = nextStream++ & 0xFFFFFFFFL;
    final long startNanos = System.nanoTime();
    SpeechClient.Speaking speaking;
    String provider;
    int sampleRate = limits.sampleRate();
    long chunks;
    long samples;
    long ttfaMs = -1;
    List<StreamMessage.Switch> switches = List.of();
    String quality;
    /** The tier asked for (adaptive quality may serve another); a voice profile's when the client set none. */
    QualityTier requested;

    Active(String requestId, TtsRequest request, QualityTier requested) {
      this.requestId = requestId;
      this.requested = requested;
      this.trace = metrics.request(request.quality().wire(), request.text().length(), true);
    }

    /** Stops the reply, if it was started (it is not while the character quota is checked). */
    void stopStream() {
      if (speaking != null) {
        speaking.stop();
      }
    }

    private boolean current() {
      return active.get(requestId) == this;
    }

    /** Writes the reply from this node's cache when it holds all of it, else starts the pipeline's stream. */
    void begin(TtsRequest request) {
      speaking = speech.speaking();
      speaking.start(request, this, ws::writeQueueFull);
    }

    @Override
    public void onStart(StreamMessage.Start info) {
      provider = info.provider();
      quality = info.quality();
      sampleRate = info.sampleRate();
      send(ServerMessages.audioStart(requestId, streamNumber, info));
    }

    @Override
    public void onSentence(int index, String text) {
      send(ServerMessages.sentence(requestId, index, text));
    }

    @Override
    public Future<Void> onAudio(Buffer pcm) {
      if (!current() || ws.isClosed()) {
        return Future.failedFuture("request is no longer active");
      }
      if (ttfaMs < 0) {
        ttfaMs = elapsedMs();
        trace.audio(provider);
      }
      samples += pcm.length() / 2;
      bytesSent += pcm.length();
      return ws.writeBinaryMessage(ServerMessages.audioFrame(streamNumber, chunks++, pcm));
    }

    @Override
    public void onEnd(StreamMessage.Summary summary) {
      switches = summary.switches();
      if (ttfaMs >= 0 && quality != null) {
        AdaptiveQuality.Change change = adaptive.observe(requested, QualityTier.parse(quality), ttfaMs);
        if (change != null) {
          metrics.qualityChange(change.direction());
        }
      }
      finish(summary.cached(), false);
    }

    void finish(boolean cached, boolean cancelled) {
      if (active.remove(requestId, this)) {
        if (cancelled) {
          trace.cancelled(provider, samples, sampleRate);
        } else {
          trace.completed(provider, samples, sampleRate);
        }
        send(ServerMessages.audioEnd(requestId, chunks, samples, Math.max(ttfaMs, 0), elapsedMs(), cached, provider,
            switches, cancelled));
        closeIfDrained();
      }
    }

    @Override
    public void onError(ErrorCode code, String message) {
      if (active.remove(requestId, this)) {
        trace.failed(provider, code);
        send(ServerMessages.error(requestId, code, message));
        closeIfDrained();
      }
    }

    private long elapsedMs() {
      return (System.nanoTime() - startNanos) / 1_000_000;
    }
  }

  /** @param maskedClient the client's address with its host part hidden ({@code ClientAddress.masked}) */
  WebSocketSession(Vertx vertx, ServerWebSocket ws, SpeechClient speech, Limits limits, ServiceMetrics metrics,
                   Guard guard, String maskedClient, ProfileVoices profiles) {
    this.profiles = profiles;
    this.maskedClient = maskedClient;
    this.vertx = vertx;
    this.guard = guard;
    this.metrics = metrics;
    this.ws = ws;
    this.speech = speech;
    this.limits = limits;
    this.adaptive = new AdaptiveQuality(limits.adaptiveQuality(), limits.latencyTargetMs());
  }

  /** Starts serving; {@code onClosed} runs once the socket has closed and its requests are cancelled. */
  void open(Runnable onClosed) {
    ws.textMessageHandler(this::onText);
    ws.binaryMessageHandler(b -> reject(null, ErrorCode.INVALID_REQUEST,
        "binary frames are not accepted; send JSON text messages"));
    ws.closeHandler(v -> {
      metrics.webSocketClosed(ws.closeStatusCode());
      vertx.cancelTimer(expiryTimer);
      cancelAll();
      onClosed.run();
    });
    ws.exceptionHandler(e -> LOG.debug("session {}: {}", id, e.getMessage()));
    armExpiry();
    send(ServerMessages.ready(id, limits.sampleRate(), profiles.enabled()));
  }

  /** The session ends (4001) when its token expires, unless the client sent a fresh one in time. */
  private void armExpiry() {
    vertx.cancelTimer(expiryTimer);
    if (ws.isClosed()) {
      return;
    }
    long delay = Math.max(1, guard.principal().expiresAtMs() - System.currentTimeMillis());
    expiryTimer = vertx.setTimer(delay, t -> {
      if (!ws.isClosed()) {
        ws.close(GatewayGuard.AUTH_FAILED, "token expired");
      }
    });
  }

  /**
   * Refuses new requests from now on; running ones continue, and once none is left the socket closes with 1001
   * so that the client reconnects to a node that takes work.
   */
  void drain() {
    draining = true;
    closeIfDrained();
  }

  private void closeIfDrained() {
    if (draining && active.isEmpty() && !ws.isClosed()) {
      ws.close((short) 1001, "server draining");
    }
  }

  /** Ends the session for shutdown: running requests get an error, then the socket closes with 1001. */
  Future<Void> shutdown() {
    for (Active request : List.copyOf(active.values())) {
      request.stopStream();
      request.onError(ErrorCode.PROVIDER_UNAVAILABLE, "the server is shutting down");
    }
    return ws.isClosed() ? Future.succeededFuture() : ws.close((short) 1001, "server shutting down");
  }

  private void onText(String text) {
    if (utf8Length(text) > MAX_MESSAGE_BYTES) {
      reject(null, ErrorCode.TOO_LARGE, "messages are limited to " + MAX_MESSAGE_BYTES / 1024 + " KiB");
      return;
    }
    if (!guard.allowMessage()) {
      reject(null, ErrorCode.RATE_LIMITED, "too many messages on this connection; slow down");
      return;
    }
    ClientCommand command;
    try {
      command = ClientCommand.parse(text);
    } catch (ClientCommand.Rejected rejected) {
      reject(rejected.id, rejected.code, rejected.getMessage());
      return;
    }
    if (command instanceof ClientCommand.Synthesize synthesize) {
      synthesize(synthesize);
    } else if (command instanceof ClientCommand.Cancel cancel) {
      cancel(cancel.id());
    } else if (command instanceof ClientCommand.Auth auth) {
      guard.refresh(auth.token()).onComplete(ar -> {
        if (ar.succeeded()) {
          armExpiry();
          send(new JsonObject().put("type", "auth").put("expiresAt", ar.result().expiresAtMs()));
        } else {
          send(ServerMessages.error(null, ErrorCode.UNAUTHORIZED,
              ar.cause() instanceof AuthException refused ? refused.getMessage() : "the token is not valid"));
        }
      });
    } else if (command instanceof ClientCommand.Settings settings) {
      // A null setting clears the session default, so the server default applies again.
      settings.fields().forEach(e -> {
        if (e.getValue() == null) {
          sessionDefaults.remove(e.getKey());
        } else {
          sessionDefaults.put(e.getKey(), e.getValue());
        }
      });
      send(new JsonObject().put("type", "settings").put("settings", sessionDefaults.copy()));
    } else {
      send(new JsonObject().put("type", "pong"));
    }
  }

  private void synthesize(ClientCommand.Synthesize command) {
    String requestId = command.id();
    if (active.containsKey(requestId)) {
      reject(requestId, ErrorCode.INVALID_REQUEST, "a request with this id is already in flight");
      return;
    }
    if (draining) {
      reject(requestId, ErrorCode.PROVIDER_UNAVAILABLE, "the server is draining; reconnect to reach another node");
      return;
    }
    if (active.size() >= limits.maxInFlight()) {
      metrics.rateLimited("inflight");
      reject(requestId, ErrorCode.RATE_LIMITED,
          "at most " + limits.maxInFlight() + " requests may be in flight per connection");
      return;
    }
    TtsRequest parsed;
    JsonObject given;
    try {
      given = TtsRequest.layered(sessionDefaults, command.fields());
      parsed = TtsRequest.parse(TtsRequest.layered(limits.serverDefaults(), given), limits.maxTextChars(),
          limits.sampleRate());
    } catch (SpeechException e) {
      reject(requestId, e.code(), e.getMessage());
      return;
    }
    Active pending = new Active(requestId, parsed, parsed.quality());
    active.put(requestId, pending);
    requests++;
    profiles.apply(parsed, given.fieldNames(), guard.principal().subject(), vertx.getOrCreateContext())
        .compose(resolved -> {
          pending.requested = resolved.quality();
          TtsRequest request = resolved.withQuality(adaptive.tierFor(resolved.quality()));
          return guard.chargeCharacters(request.text().length()).map(request);
        })
        .onComplete(ar -> {
          if (active.get(requestId) != pending) {
            return; // cancelled or closed meanwhile
          }
          if (ar.failed()) {
            SpeechException refused = SpeechException.from(ar.cause());
            pending.onError(refused.code(), refused.getMessage());
          } else {
            pending.begin(ar.result());
          }
        });
  }

  private void reject(String requestId, ErrorCode code, String message) {
    metrics.rejected(code, true);
    send(ServerMessages.error(requestId, code, message));
  }

  /** UTF-8 size without encoding the message (it may be up to the 1 MiB transport cap). */
  static long utf8Length(String text) {
    long bytes = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x80) {
        bytes += 1;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
        bytes += 4;
        i++;
      } else {
        bytes += 3;
      }
    }
    return bytes;
  }

  private void cancel(String requestId) {
    Active request = active.get(requestId);
    if (request != null) {
      request.stopStream();
      request.finish(false, true);
    }
  }

  /** The socket closed: every request ends as cancelled (counted), nothing more is sent. */
  private void cancelAll() {
    for (Active request : List.copyOf(active.values())) {
      request.stopStream();
      active.remove(request.requestId);
      request.trace.cancelled(request.provider, request.samples, request.sampleRate);
    }
  }

  /**
   * The admin sessions view of this session, without any text: id, subject, masked client address, since when,
   * synthesis requests, bytes sent, and the replies in flight (request id and provider).
   */
  JsonObject adminView() {
    JsonArray current = new JsonArray();
    active.values().forEach(a -> current.add(new JsonObject().put("id", a.requestId).put("provider", a.provider)));
    return new JsonObject().put("session", id).put("subject", guard.principal().subject()).put("client", maskedClient)
        .put("since", Instant.ofEpochMilli(openedAtMs).toString()).put("requests", requests)
        .put("bytesSent", bytesSent).put("current", current);
  }

  String id() {
    return id;
  }

  /** An operator's disconnect: running requests are cancelled and the socket closes with 1008. */
  Future<Void> disconnect() {
    for (Active request : List.copyOf(active.values())) {
      request.stopStream();
      request.onError(ErrorCode.PROVIDER_UNAVAILABLE, "disconnected by an operator");
    }
    return ws.isClosed() ? Future.succeededFuture() : ws.close(OPERATOR_CLOSE, "disconnected by an operator");
  }

  private void send(JsonObject message) {
    send(message.encode());
  }

  private void send(String text) {
    if (!ws.isClosed()) {
      bytesSent += text.length();
      ws.writeTextMessage(text);
    }
  }
}
