package com.ervc.provider.openai;

import com.ervc.config.CloudConfig;
import com.ervc.protocol.TtsRequest;
import com.ervc.provider.cloud.CloudError;
import com.ervc.provider.cloud.CloudHttp;
import com.ervc.provider.cloud.CloudRetry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * One Realtime API WebSocket: configured once for a voice, then speaking one sentence per out-of-band response, up
 * to {@link #MAX_RESPONSES_IN_FLIGHT} at a time. Audio deltas go to each response's consumer as they arrive, one write at a
 * time; while consumers lag, the socket is paused (TCP back-pressure). All of it runs on the owning context.
 */
final class RealtimeSession {
  private static final Logger LOG = LoggerFactory.getLogger(RealtimeSession.class);
  /** Out-of-band responses ran side by side in practice, but the API promises nothing: keep it small. */
  static final int MAX_RESPONSES_IN_FLIGHT = 2;
  /** OpenAI ends a session after 60 minutes; no new response starts on one this old. */
  static final long MAX_AGE_MS = 55 * 60_000L;
  private static final int PAUSE_ABOVE_CHUNKS = 32;
  private static final int RESUME_BELOW_CHUNKS = 8;
  private static final AtomicLong EVENT_IDS = new AtomicLong();

  /** What a finished response said, for the verbatim check. */
  record Spoken(String transcript, int items) {
  }

  private final Vertx vertx;
  private final Context context;
  private final WebSocket socket;
  private final CloudConfig settings;
  private final List<String> secrets;
  private final long openedAt = System.currentTimeMillis();
  private final long maxAgeMs;
  private final Map<String, Response> byTtsId = new HashMap<>();
  private final Map<String, Response> byResponseId = new HashMap<>();
  private final List<Runnable> onClose = new ArrayList<>();
  private double speed;
  private int maxInFlight = MAX_RESPONSES_IN_FLIGHT;
  private int reserved;
  private String updating;
  private Promise<Void> updated;
  private boolean closed;
  private int queuedChunks;
  private boolean paused;

  private RealtimeSession(Vertx vertx, Context context, WebSocket socket, CloudConfig settings,
                          List<String> secrets, long maxAgeMs) {
    this.vertx = vertx;
    this.maxAgeMs = maxAgeMs;
    this.context = context;
    this.socket = socket;
    this.settings = settings;
    this.secrets = secrets;
  }

  /**
   * Connects with the key as a bearer token (no beta header: the GA protocol) and configures the session; completes
   * once the server confirmed the configuration, which proves key, model and voice without a billed response. After
   * {@code maxAgeMs} the session takes no new response ({@link #MAX_AGE_MS} in service).
   */
  static Future<RealtimeSession> open(Vertx vertx, WebSocketClient client, String url, String apiKey, String voice,
                                      double speed, CloudConfig settings, List<String> secrets, long maxAgeMs) {
    Context context = vertx.getOrCreateContext();
    WebSocketConnectOptions options = new WebSocketConnectOptions().setAbsoluteURI(url)
        .setConnectTimeout(settings.connectTimeoutMs())
        .putHeader("Authorization", "Bearer " + apiKey)
        .putHeader("User-Agent", CloudHttp.USER_AGENT);
    return client.connect(options)
        .recover(failure -> Future.failedFuture(failure instanceof UpgradeRejectedException refused
            ? CloudError.fromResponse(refused.getStatus(), refused.getHeaders(), refused.getBody(), secrets)
            : CloudRetry.normalise(failure, settings)))
        .compose(socket -> {
          RealtimeSession session = new RealtimeSession(vertx, context, socket, settings, secrets, maxAgeMs);
          session.listen();
          return session.configure(RealtimeRequests.sessionUpdate(nextEventId("session"), voice, speed), speed)
              .map(session)
              .onFailure(e -> session.close());
        });
  }

  private static String nextEventId(String kind) {
    return kind + "-" + EVENT_IDS.incrementAndGet();
  }

  double speed() {
    return speed;
  }

  boolean open() {
    return !closed;
  }

  /** Past its age limit: it finishes what it runs, then the pool closes it. */
  boolean expired() {
    return System.currentTimeMillis() - openedAt > maxAgeMs;
  }

  int reserved() {
    return reserved;
  }

  /** Whether one more response may start here. */
  boolean hasRoom() {
    return !closed && !expired() && updating == null && reserved < maxInFlight;
  }

  void reserve() {
    reserved++;
  }

  void unreserve() {
    reserved--;
  }

  void onClose(Runnable action) {
    onClose.add(action);
  }

  /** Changes the speed of an idle session (a session's voice cannot change once it has spoken). */
  Future<Void> changeSpeed(double newSpeed) {
    return configure(RealtimeRequests.speedUpdate(nextEventId("speed"), newSpeed), newSpeed);
  }

  private Future<Void> configure(JsonObject update, double newSpeed) {
    updating = update.getString("event_id");
    updated = Promise.promise();
    Promise<Void> waiting = updated;
    long timer = vertx.setTimer(settings.firstByteTimeoutMs(), id -> waiting.tryFail(CloudError.of(CloudError.Kind.TIMEOUT,
        "did not confirm the session within " + settings.firstByteTimeoutMs() + " ms")));
    send(update);
    return waiting.future().andThen(ar -> {
      vertx.cancelTimer(timer);
      updating = null;
      if (ar.succeeded()) {
        speed = newSpeed;
      }
    });
  }

  /**
   * Speaks one sentence; {@code audio} takes each decoded PCM chunk (24 kHz s16le) and completes when it can take
   * the next. Fails with a {@link CloudError}; the response is cancelled on the wire when a write fails (the
   * consumer is gone) or a deadline passes.
   */
  Future<Spoken> speak(TtsRequest sentence, Function<Buffer, Future<Void>> audio, long deadline) {
    if (closed) {
      return Future.failedFuture(CloudError.of(CloudError.Kind.SERVER, "the Realtime session closed"));
    }
    String ttsId = nextEventId("tts");
    Response response = new Response(ttsId, audio);
    byTtsId.put(ttsId, response);
    send(RealtimeRequests.responseCreate(ttsId, sentence));
    response.arm(settings.firstByteTimeoutMs(), "sent no audio within " + settings.firstByteTimeoutMs() + " ms");
    long remaining = Math.max(1, deadline - System.currentTimeMillis());
    response.total = vertx.setTimer(remaining, id -> response.fail(CloudError.of(CloudError.Kind.TIMEOUT,
        "did not finish within " + settings.totalTimeoutMs() + " ms")));
    return response.result.future();
  }

  void close() {
    if (!closed) {
      socket.close((short) 1000, "done");
    }
  }

  private void send(JsonObject event) {
    if (!closed) {
      socket.writeTextMessage(event.encode());
    }
  }

  private void listen() {
    socket.textMessageHandler(text -> {
      JsonObject event;
      try {
        event = new JsonObject(text);
      } catch (DecodeException e) {
        LOG.warn("openai realtime: an event that is not JSON was ignored");
        return;
      }
      handle(event);
    });
    socket.exceptionHandler(e -> LOG.debug("openai realtime socket: {}", e.getClass().getSimpleName()));
    socket.closeHandler(v -> closed(socket.closeStatusCode(), socket.closeReason()));
  }

  private void handle(JsonObject event) {
    String type = event.getString("type", "");
    switch (type) {
      case "session.updated" -> {
        if (updated != null) {
          updated.tryComplete();
        }
      }
      case "response.created" -> {
        JsonObject body = event.getJsonObject("response", new JsonObject());
        JsonObject metadata = body.getJsonObject("metadata", new JsonObject());
        Response response = byTtsId.get(metadata.getString("tts_id", ""));
        if (response != null) {
          response.created(body.getString("id"));
        }
      }
      case "response.output_audio.delta" -> {
        Response response = byResponseId.get(event.getString("response_id", ""));
        if (response != null) {
          response.items.add(event.getString("item_id", ""));
          response.receive(Buffer.buffer(Base64.getDecoder().decode(event.getString("delta", ""))));
        }
      }
      case "response.output_audio_transcript.done" -> {
        Response response = byResponseId.get(event.getString("response_id", ""));
        if (response != null) {
          response.transcripts.put(event.getInteger("output_index", 0), event.getString("transcript", ""));
        }
      }
      case "response.done" -> {
        JsonObject body = event.getJsonObject("response", new JsonObject());
        Response response = byResponseId.get(body.getString("id", ""));
        if (response != null) {
          response.done(body);
        }
      }
      case "error" -> error(event.getJsonObject("error", new JsonObject()));
      default -> {
        // session.created, rate_limits.updated, output item and content part bookkeeping, transcript deltas
      }
    }
  }

  private void error(JsonObject error) {
    // OpenAI sends "code": null and "event_id": null when there is none, so a default for a missing key is not enough.
    String eventId = Objects.requireNonNullElse(error.getString("event_id"), "");
    String code = Objects.requireNonNullElse(error.getString("code"), "");
    if (code.equals("response_cancel_not_active")) {
      return; // the response ended before our cancel arrived: nothing to do
    }
    if (code.equals("conversation_already_has_active_response")) {
      maxInFlight = 1; // this server runs one response at a time: no more overlap on this session
    }
    CloudError failure = RealtimeErrors.fromError(error, secrets);
    Response response = byTtsId.remove(eventId);
    if (response != null) {
      response.fail(failure); // the server refused the response.create: no response exists to cancel
      return;
    }
    if (updating != null && updated != null) {
      // About the configuration, or about the session itself (a key refused after the upgrade names no event).
      updated.tryFail(failure);
      return;
    }
    LOG.warn("openai realtime session error: {} ({})", failure.kind(), failure.providerCode());
    if (failure.disablesProvider()) {
      // The session as a whole was refused: every sentence on it fails (and the provider is disabled).
      List.copyOf(byTtsId.values()).forEach(r -> r.fail(failure));
      close();
    }
  }

  private void closed(Short code, String reason) {
    closed = true;
    CloudError failure = RealtimeErrors.closed(code, reason, secrets);
    if (updated != null) {
      updated.tryFail(failure);
    }
    for (Response response : List.copyOf(byTtsId.values())) {
      response.fail(failure);
    }
    onClose.forEach(Runnable::run);
  }

  private void queued(int delta) {
    queuedChunks += delta;
    if (!paused && queuedChunks > PAUSE_ABOVE_CHUNKS) {
      paused = true;
      socket.pause();
    } else if (paused && queuedChunks < RESUME_BELOW_CHUNKS) {
      paused = false;
      socket.resume();
    }
  }

  /** One sentence's response, from {@code response.create} to its {@code response.done}. */
  private final class Response {
    final String ttsId;
    final Function<Buffer, Future<Void>> audio;
    final Promise<Spoken> result = Promise.promise();
    final Deque<Buffer> queue = new ArrayDeque<>();
    final Set<String> items = new HashSet<>();
    final Map<Integer, String> transcripts = new TreeMap<>();
    String responseId;
    boolean writing;
    boolean completed;
    boolean finished;
    long timer = -1;
    long total = -1;

    Response(String ttsId, Function<Buffer, Future<Void>> audio) {
      this.ttsId = ttsId;
      this.audio = audio;
    }

    void arm(long ms, String what) {
      vertx.cancelTimer(timer);
      timer = vertx.setTimer(ms, id -> {
        if (paused) {
          arm(ms, what); // held back by another response's slow consumer, not by the server
        } else {
          fail(CloudError.of(CloudError.Kind.TIMEOUT, what));
        }
      });
    }

    void created(String id) {
      responseId = id;
      if (finished) {
        // Failed or abandoned before the server named it: cancel it now that it can be cancelled.
        byTtsId.remove(ttsId);
        cancelOnWire();
        return;
      }
      byResponseId.put(id, this);
    }

    void receive(Buffer pcm) {
      if (finished) {
        return;
      }
      queue.add(pcm);
      queued(1);
      if (!writing) {
        arm(settings.stallTimeoutMs(), "stalled for " + settings.stallTimeoutMs() + " ms mid-stream");
      }
      pump();
    }

    void done(JsonObject body) {
      byResponseId.remove(responseId);
      String status = body.getString("status", "");
      if (finished) {
        byTtsId.remove(ttsId);
        return;
      }
      switch (status) {
        case "completed" -> {
          completed = true;
          vertx.cancelTimer(timer);
          pump();
        }
        case "cancelled" -> fail(CloudError.of(CloudError.Kind.SERVER, "the response was cancelled by the server ("
            + body.getJsonObject("status_details", new JsonObject()).getString("reason", "no reason given") + ")"));
        default -> fail(RealtimeErrors.fromResponse(body, secrets));
      }
    }

    private void pump() {
      if (finished || writing) {
        return;
      }
      Buffer next = queue.poll();
      if (next == null) {
        if (completed) {
          finish();
          result.tryComplete(new Spoken(String.join(" ", transcripts.values()), items.size()));
        }
        return;
      }
      queued(-1);
      writing = true;
      vertx.cancelTimer(timer);
      audio.apply(next).onComplete(ar -> context.runOnContext(v -> {
        writing = false;
        if (ar.failed()) {
          fail(ar.cause() instanceof CloudError error ? error
              : CloudError.of(CloudError.Kind.CANCELLED, "the audio consumer went away"));
        } else if (!finished) {
          if (!completed) {
            arm(settings.stallTimeoutMs(), "stalled for " + settings.stallTimeoutMs() + " ms mid-stream");
          }
          pump();
        }
      }));
    }

    void fail(CloudError error) {
      if (finished) {
        return;
      }
      finish();
      if (responseId == null) {
        if (closed) {
          byTtsId.remove(ttsId);
        }
        // else stays in byTtsId until response.created (or an error about it) arrives, to be cancelled then
      } else {
        byTtsId.remove(ttsId);
        if (byResponseId.containsKey(responseId)) {
          cancelOnWire();
        }
      }
      result.tryFail(error);
    }

    private void finish() {
      finished = true;
      vertx.cancelTimer(timer);
      vertx.cancelTimer(total);
      queued(-queue.size());
      queue.clear();
      if (completed) {
        byTtsId.remove(ttsId);
      }
    }

    private void cancelOnWire() {
      send(RealtimeRequests.cancel(nextEventId("cancel"), responseId));
    }
  }
}
