package com.ervc.provider.openai;

import com.ervc.provider.cloud.FakeCloudServer;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A strict stand-in for OpenAI's Realtime API (GA protocol) as docs/providers/openai.md describes it: it checks the
 * upgrade (path, {@code model}, bearer key, no beta header) and the shape of every client event, records any
 * violation (a test fails on one), answers a wrong event with an {@code error} event as the API does, and speaks
 * each {@code response.create} with the GA event sequence: the envelope's text as {@link #pcmFor} audio in
 * base64 deltas, with its transcript. Faults are scripted per upgrade or per response.
 */
public final class FakeRealtimeServer extends FakeCloudServer {
  public static final String PATH = "/v1/realtime";
  /** Client events are recorded under {@code PATH/<type>}, with the upgrade's headers and the socket's port. */
  public static final String RESPONSE_CREATE = PATH + "/response.create";
  public static final String RESPONSE_CANCEL = PATH + "/response.cancel";
  public static final String SESSION_UPDATE = PATH + "/session.update";
  private static final Set<String> MODELS = Set.of("gpt-realtime-2.1-mini");
  private static final Set<String> VOICES = Set.of("alloy", "ash", "ballad", "coral", "echo", "sage", "shimmer",
      "verse", "marin", "cedar");
  private static final Set<String> SESSION_FIELDS = Set.of("type", "instructions", "output_modalities", "reasoning",
      "audio", "max_output_tokens", "tool_choice", "tools", "tracing", "truncation", "prompt", "include", "model");
  private static final Set<String> RESPONSE_FIELDS = Set.of("conversation", "output_modalities", "instructions",
      "metadata", "input", "audio", "max_output_tokens", "tool_choice", "tools", "prompt");
  private static final Set<String> EFFORTS = Set.of("minimal", "low", "medium", "high", "xhigh");
  public static final String REWORDED_SUFFIX = " Is there anything else I can help with?";
  public static final String PREAMBLE = "Sure, here it is.";

  /** Realtime misbehaviour, each for one upgrade or one response; {@link Fault}s queue in the same line. */
  public enum RealtimeFault {
    /** Upgrade refused with 403 (an account without access). */
    FORBIDDEN,
    /** Upgrade refused with 429 insufficient_quota. */
    QUOTA_ON_UPGRADE,
    /** The upgrade is accepted, then the key is refused with an {@code error} naming no client event, and a close. */
    KEY_REFUSED_AFTER_UPGRADE,
    /** The transcript adds a sentence to the text (the audio is the text's). */
    REWORDED_TRANSCRIPT,
    /** A "commentary" item with its own audio before the answer, as reasoning models may emit. */
    PREAMBLE_ITEM,
    /** {@code response.done} failed with rate_limit_exceeded, "try again in {@link #retryAfterSeconds}s". */
    RATE_LIMITED_RESPONSE,
    /** An {@code error} event of type server_error for the response.create. */
    SERVER_ERROR_EVENT,
    /** An {@code error} conversation_already_has_active_response for the response.create. */
    ACTIVE_RESPONSE_CONFLICT,
    /** After the first delta the session hits its 60-minute limit: close 1001 with OpenAI's reason. */
    SESSION_LIMIT_CLOSE,
    /**
     * The response is over on the server after its last delta, but its {@code response.done} comes 300 ms later: a
     * cancel in between names a response that is no longer active.
     */
    LATE_DONE
  }

  private static final Set<Object> UPGRADE_FAULTS = Set.of(Fault.UNAUTHORIZED, Fault.RATE_LIMITED, Fault.SERVER_ERROR,
      RealtimeFault.FORBIDDEN, RealtimeFault.QUOTA_ON_UPGRADE, RealtimeFault.KEY_REFUSED_AFTER_UPGRADE);

  private final String apiKey;
  private final Deque<Object> script = new ArrayDeque<>();
  private final List<String> violations = new ArrayList<>();
  private final List<ServerWebSocket> sockets = new ArrayList<>();
  private final AtomicInteger refusedUpgrades = new AtomicInteger();
  private final AtomicInteger ids = new AtomicInteger();
  private final AtomicInteger cancelled = new AtomicInteger();
  private volatile long firstDeltaAt;

  public FakeRealtimeServer(Vertx vertx, String apiKey) {
    super(vertx);
    this.apiKey = apiKey;
  }

  @Override
  public String url() {
    return super.url().replace("http://", "ws://") + PATH;
  }

  /** Queues in the same line as {@link RealtimeFault}s; each applies to the next upgrade or response it fits. */
  @Override
  public void failNext(Fault fault) {
    enqueue(fault);
  }

  public void failNext(RealtimeFault fault) {
    enqueue(fault);
  }

  private void enqueue(Object fault) {
    synchronized (script) {
      script.add(fault);
    }
  }

  /** The scripted fault at the head of the line when it applies to an upgrade (or to a response), taken off it. */
  private Object take(boolean upgrade) {
    synchronized (script) {
      Object head = script.peek();
      if (head != null && UPGRADE_FAULTS.contains(head) == upgrade) {
        return script.poll();
      }
      return null;
    }
  }

  /** Client events or upgrades that the real API would refuse; empty for a well-behaved client. */
  public List<String> violations() {
    synchronized (violations) {
      return List.copyOf(violations);
    }
  }

  public int refusedUpgrades() {
    return refusedUpgrades.get();
  }

  /** Responses the client cancelled while they ran. */
  public int cancelledResponses() {
    return cancelled.get();
  }

  /** When the fake last sent a response's first audio delta (System.nanoTime). */
  public long firstDeltaAt() {
    return firstDeltaAt;
  }

  /** Sessions whose socket is still open (a closed one leaves once both sides have seen the close). */
  public int openSessions() {
    synchronized (sockets) {
      return sockets.size();
    }
  }

  /** Ends every open session as OpenAI does at its 60-minute limit, between responses. */
  public void closeAllSessions() {
    vertx.runOnContext(v -> List.copyOf(sockets).forEach(ws -> ws.close((short) 1001,
        "Your session hit the maximum duration of 60 minutes.")));
  }

  private void violation(String what) {
    synchronized (violations) {
      violations.add(what);
    }
  }

  @Override
  protected void handle(HttpServerRequest request, Received r) {
    HttpServerResponse response = request.response();
    if (!r.path().equals(PATH) || !"websocket".equalsIgnoreCase(r.headers().get("Upgrade"))) {
      violation("not a WebSocket upgrade to " + PATH + ": " + r.method() + " " + r.path());
      FakeOpenAiServer.error(response, 404, "Invalid URL (" + r.method() + " " + r.path() + ")",
          "invalid_request_error", null, null);
      return;
    }
    String model = request.getParam("model");
    if (model == null || !MODELS.contains(model)) {
      violation("upgrade without a known model query parameter: " + r.query());
      FakeOpenAiServer.error(response, 400, "Invalid model", "invalid_request_error", "model", "model_not_found");
      return;
    }
    if (r.headers().contains("OpenAI-Beta")) {
      violation("the GA protocol takes no OpenAI-Beta header");
    }
    Object fault = take(true);
    if (fault == RealtimeFault.KEY_REFUSED_AFTER_UPGRADE) {
      request.toWebSocket().onSuccess(ws -> {
        ws.writeTextMessage(new JsonObject().put("type", "error").put("event_id", "event_" + ids.incrementAndGet())
            .put("error", new JsonObject().put("type", "invalid_request_error").put("code", "invalid_api_key")
                .put("message", "Incorrect API key provided.").putNull("param").putNull("event_id")).encode());
        ws.close((short) 1008, "invalid_api_key");
      });
      return;
    }
    if (fault != null || !("Bearer " + apiKey).equals(r.headers().get("Authorization"))) {
      refusedUpgrades.incrementAndGet();
      refuse(fault == null ? Fault.UNAUTHORIZED : fault, response);
      return;
    }
    request.toWebSocket().onSuccess(ws -> new Session(ws, r).start())
        .onFailure(e -> violation("upgrade failed: " + e));
  }

  private void refuse(Object fault, HttpServerResponse response) {
    if (fault == Fault.UNAUTHORIZED) {
      unauthorized(response);
    } else if (fault == Fault.RATE_LIMITED) {
      rateLimited(response.putHeader("Retry-After", Integer.toString(retryAfterSeconds)));
    } else if (fault == Fault.SERVER_ERROR) {
      serverError(response);
    } else if (fault == RealtimeFault.FORBIDDEN) {
      FakeOpenAiServer.error(response, 403, "You do not have access to the model " + MODELS.iterator().next() + ".",
          "invalid_request_error", null, "model_not_found");
    } else {
      quota(response);
    }
  }

  @Override
  protected void unauthorized(HttpServerResponse response) {
    FakeOpenAiServer.error(response, 401, "Incorrect API key provided: " + apiKey.substring(0, 5) + "***.",
        "invalid_request_error", null, "invalid_api_key");
  }

  @Override
  protected void quota(HttpServerResponse response) {
    FakeOpenAiServer.error(response, 429, "You exceeded your current quota, please check your plan and billing details.",
        "insufficient_quota", null, "insufficient_quota");
  }

  @Override
  protected void rateLimited(HttpServerResponse response) {
    FakeOpenAiServer.error(response, 429, "Rate limit reached for gpt-realtime-2.1-mini on requests per day (RPD).",
        "requests", null, "rate_limit_exceeded");
  }

  @Override
  protected void serverError(HttpServerResponse response) {
    FakeOpenAiServer.error(response, 500, "The server had an error while processing your request.", "server_error",
        null, null);
  }

  /** One accepted socket: its effective configuration and its running responses. */
  private final class Session {
    final ServerWebSocket ws;
    final Received upgrade;
    final JsonObject config = new JsonObject().put("type", "realtime").put("object", "realtime.session")
        .put("id", "sess_" + ids.incrementAndGet()).put("model", MODELS.iterator().next())
        .put("output_modalities", new JsonArray().add("audio").add("text"))
        .put("audio", new JsonObject()
            .put("input", new JsonObject().put("turn_detection", new JsonObject().put("type", "server_vad")))
            .put("output", new JsonObject().put("format", new JsonObject().put("type", "audio/pcm").put("rate", 24000))
                .put("voice", "marin").put("speed", 1.0)));
    final Map<String, Running> running = new HashMap<>();
    boolean spoken;
    boolean closed;

    Session(ServerWebSocket ws, Received upgrade) {
      this.ws = ws;
      this.upgrade = upgrade;
    }

    void start() {
      synchronized (sockets) {
        sockets.add(ws);
      }
      ws.closeHandler(v -> {
        closed = true;
        synchronized (sockets) {
          sockets.remove(ws);
        }
      });
      ws.textMessageHandler(this::receive);
      ws.binaryMessageHandler(b -> violation("a binary frame; the Realtime API takes JSON text events"));
      send(event("session.created").put("session", config.copy()));
    }

    JsonObject event(String type) {
      return new JsonObject().put("type", type).put("event_id", "event_" + ids.incrementAndGet());
    }

    void send(JsonObject event) {
      if (!closed) {
        ws.writeTextMessage(event.encode());
      }
    }

    void error(String clientEventId, String type, String code, String message) {
      send(event("error").put("error", new JsonObject().put("type", type).put("code", code).put("message", message)
          .put("param", null).put("event_id", clientEventId)));
    }

    void receive(String text) {
      JsonObject event;
      try {
        event = new JsonObject(text);
      } catch (DecodeException e) {
        violation("an event that is not a JSON object");
        error(null, "invalid_request_error", "invalid_json", "The event is not valid JSON.");
        return;
      }
      String type = event.getString("type");
      record(new Received("WS", PATH + "/" + type, upgrade.query(), upgrade.headers(), event.toBuffer(),
          upgrade.clientPort()));
      Object eventId = event.getValue("event_id");
      if (eventId != null && !(eventId instanceof String)) {
        invalid(null, "event_id", "event_id must be a string");
        return;
      }
      switch (String.valueOf(type)) {
        case "session.update" -> sessionUpdate(event);
        case "response.create" -> responseCreate(event);
        case "response.cancel" -> responseCancel(event);
        default -> invalid((String) eventId, "type", "Invalid value: '" + type + "'.");
      }
    }

    void invalid(String eventId, String param, String message) {
      violation(param + ": " + message);
      send(event("error").put("error", new JsonObject().put("type", "invalid_request_error")
          .put("code", "invalid_value").put("message", message).put("param", param).put("event_id", eventId)));
    }

    void sessionUpdate(JsonObject event) {
      String eventId = event.getString("event_id");
      JsonObject session = event.getJsonObject("session");
      if (session == null || !"realtime".equals(session.getString("type"))) {
        invalid(eventId, "session.type", "session.type is required and must be 'realtime'");
        return;
      }
      for (String field : session.fieldNames()) {
        if (!SESSION_FIELDS.contains(field)) {
          invalid(eventId, "session." + field, "Unknown parameter: 'session." + field + "'.");
          return;
        }
      }
      if (session.containsKey("output_modalities")) {
        JsonArray modalities = session.getJsonArray("output_modalities");
        if (!(new JsonArray().add("audio").equals(modalities) || new JsonArray().add("text").equals(modalities))) {
          invalid(eventId, "session.output_modalities", "either ['audio'] or ['text']");
          return;
        }
        config.put("output_modalities", modalities);
      }
      if (session.containsKey("reasoning")) {
        String effort = session.getJsonObject("reasoning").getString("effort");
        if (!EFFORTS.contains(effort)) {
          invalid(eventId, "session.reasoning.effort", "Invalid value: '" + effort + "'.");
          return;
        }
        config.put("reasoning", session.getJsonObject("reasoning"));
      }
      if (session.containsKey("instructions")) {
        config.put("instructions", session.getString("instructions"));
      }
      JsonObject audio = session.getJsonObject("audio", new JsonObject());
      JsonObject input = audio.getJsonObject("input");
      if (input != null && input.containsKey("turn_detection")) {
        if (input.getValue("turn_detection") != null) {
          invalid(eventId, "session.audio.input.turn_detection", "this fake only runs without turn detection");
          return;
        }
        config.getJsonObject("audio").getJsonObject("input").putNull("turn_detection");
      }
      JsonObject output = audio.getJsonObject("output");
      if (output != null) {
        JsonObject effective = config.getJsonObject("audio").getJsonObject("output");
        JsonObject format = output.getJsonObject("format");
        if (format != null) {
          if (!"audio/pcm".equals(format.getString("type")) || !Integer.valueOf(24000).equals(format.getInteger("rate"))) {
            invalid(eventId, "session.audio.output.format", "audio/pcm takes only rate 24000");
            return;
          }
          effective.put("format", format);
        }
        if (output.containsKey("voice")) {
          String voice = output.getString("voice");
          if (!VOICES.contains(voice)) {
            invalid(eventId, "session.audio.output.voice", "Invalid value: '" + voice + "'.");
            return;
          }
          if (spoken && !voice.equals(effective.getString("voice"))) {
            error(eventId, "invalid_request_error", "cannot_update_voice",
                "Cannot update a conversation's voice if assistant audio is present.");
            return;
          }
          effective.put("voice", voice);
        }
        if (output.containsKey("speed")) {
          double speed = output.getDouble("speed");
          if (speed < 0.25 || speed > 1.5) {
            invalid(eventId, "session.audio.output.speed", "speed must be between 0.25 and 1.5");
            return;
          }
          if (!running.isEmpty()) {
            invalid(eventId, "session.audio.output.speed", "the speed changes only between responses");
            return;
          }
          effective.put("speed", speed);
        }
      }
      send(event("session.updated").put("session", config.copy()));
    }

    void responseCreate(JsonObject event) {
      String eventId = event.getString("event_id");
      JsonObject response = event.getJsonObject("response");
      if (response == null) {
        invalid(eventId, "response", "this client sends every sentence as an out-of-band response");
        return;
      }
      for (String field : response.fieldNames()) {
        if (!RESPONSE_FIELDS.contains(field)) {
          invalid(eventId, "response." + field, "Unknown parameter: 'response." + field + "'.");
          return;
        }
      }
      if (!"none".equals(response.getString("conversation"))) {
        invalid(eventId, "response.conversation", "out-of-band responses need conversation 'none'");
        return;
      }
      if (!new JsonArray().add("audio").equals(response.getJsonArray("output_modalities"))) {
        invalid(eventId, "response.output_modalities", "expected ['audio']");
        return;
      }
      JsonObject metadata = response.getJsonObject("metadata", new JsonObject());
      if (metadata.size() > 16 || metadata.stream().anyMatch(e -> !(e.getValue() instanceof String))) {
        invalid(eventId, "response.metadata", "at most 16 string values");
        return;
      }
      JsonObject effective = config.getJsonObject("audio").getJsonObject("output");
      if (config.getJsonObject("audio").getJsonObject("input").getValue("turn_detection") != null
          || !new JsonArray().add("audio").equals(config.getJsonArray("output_modalities"))) {
        violation("a response before the session was set to audio only without turn detection");
      }
      String text = envelopeText(eventId, response.getJsonArray("input"));
      if (text == null) {
        return;
      }
      Object fault = take(false);
      if (fault == RealtimeFault.SERVER_ERROR_EVENT) {
        error(eventId, "server_error", null, "The server had an error while processing your request.");
        return;
      }
      if (fault == RealtimeFault.ACTIVE_RESPONSE_CONFLICT) {
        error(eventId, "invalid_request_error", "conversation_already_has_active_response",
            "Conversation already has an active response in progress.");
        return;
      }
      spoken = true;
      Running r = new Running("resp_" + ids.incrementAndGet(), metadata, text, fault, effective.getString("voice"));
      running.put(r.id, r);
      r.begin();
    }

    /** The text of the verbatim envelope in the one user message, or null after reporting what is wrong. */
    String envelopeText(String eventId, JsonArray input) {
      if (input == null || input.size() != 1 || !(input.getValue(0) instanceof JsonObject message)
          || !"message".equals(message.getString("type")) || !"user".equals(message.getString("role"))) {
        invalid(eventId, "response.input", "expected one user message");
        return null;
      }
      JsonArray content = message.getJsonArray("content");
      if (content == null || content.size() != 1 || !(content.getValue(0) instanceof JsonObject part)
          || !"input_text".equals(part.getString("type")) || !(part.getValue("text") instanceof String raw)) {
        invalid(eventId, "response.input[0].content", "expected one input_text part");
        return null;
      }
      try {
        JsonObject envelope = new JsonObject(raw);
        if (!Boolean.TRUE.equals(envelope.getBoolean("require_repeat_verbatim"))
            || !(envelope.getValue("response_text") instanceof String text) || text.isEmpty()) {
          invalid(eventId, "response.input[0].content[0].text", "expected the verbatim envelope");
          return null;
        }
        return text;
      } catch (DecodeException | ClassCastException e) {
        invalid(eventId, "response.input[0].content[0].text", "expected the verbatim envelope as JSON");
        return null;
      }
    }

    void responseCancel(JsonObject event) {
      String eventId = event.getString("event_id");
      String id = event.getString("response_id");
      if (id == null) {
        invalid(eventId, "response_id", "an out-of-band response is cancelled by its id");
        return;
      }
      Running r = running.get(id);
      if (r == null) {
        error(eventId, "invalid_request_error", "response_cancel_not_active",
            "Cancellation failed: no active response found.");
        return;
      }
      cancelled.incrementAndGet();
      r.cancel();
    }

    /** One response being spoken. */
    final class Running {
      final String id;
      final JsonObject metadata;
      final String text;
      final Object fault;
      final String voice;
      final List<String> items = new ArrayList<>();
      boolean over;

      Running(String id, JsonObject metadata, String text, Object fault, String voice) {
        this.id = id;
        this.metadata = metadata;
        this.text = text;
        this.fault = fault;
        this.voice = voice;
      }

      JsonObject body(String status) {
        return new JsonObject().put("object", "realtime.response").put("id", id).put("status", status)
            .put("metadata", metadata).putNull("conversation_id")
            .put("output_modalities", new JsonArray().add("audio"))
            .put("audio", new JsonObject().put("output", new JsonObject().put("voice", voice)));
      }

      JsonObject part(String type) {
        return event(type).put("response_id", id);
      }

      void begin() {
        send(event("response.created").put("response", body("in_progress").put("output", new JsonArray())));
        send(event("rate_limits.updated").put("rate_limits", new JsonArray().add(new JsonObject().put("name", "tokens")
            .put("limit", 200000).put("remaining", 199000).put("reset_seconds", 0.3))));
        if (fault == Fault.STALL_BEFORE_FIRST_BYTE) {
          return;
        }
        if (fault == Fault.QUOTA) {
          // Quota arrives as a failed response with no usage, not as an error event.
          finish("failed", new JsonObject().put("type", "failed").put("error", new JsonObject()
              .put("type", "insufficient_quota").put("code", "insufficient_quota")
              .put("message", "You exceeded your current quota, please check your plan and billing details.")));
          return;
        }
        if (fault == RealtimeFault.RATE_LIMITED_RESPONSE) {
          finish("failed", new JsonObject().put("type", "failed").put("error", new JsonObject()
              .put("type", "requests").put("code", "rate_limit_exceeded")
              .put("message", "Rate limit reached for gpt-realtime-2.1-mini on requests per day (RPD): Limit 100, "
                  + "Used 100, Requested 1. Please try again in " + retryAfterSeconds + "s.")));
          return;
        }
        Future<Void> before = fault == RealtimeFault.PREAMBLE_ITEM ? item(0, PREAMBLE, null)
            : Future.succeededFuture();
        int index = fault == RealtimeFault.PREAMBLE_ITEM ? 1 : 0;
        String transcript = fault == RealtimeFault.REWORDED_TRANSCRIPT ? text + REWORDED_SUFFIX : text;
        before.compose(v -> item(index, transcript, pcmFor(text))).onSuccess(v -> {
          if (fault == RealtimeFault.LATE_DONE) {
            running.remove(id);
            vertx.setTimer(300, t -> finish("completed", null));
          } else {
            finish("completed", null);
          }
        });
      }

      /** One output item speaking {@code pcm} (the transcript's own tone when null) with its transcript. */
      Future<Void> item(int index, String transcript, Buffer pcm) {
        String itemId = "item_" + ids.incrementAndGet();
        items.add(itemId);
        send(part("response.output_item.added").put("output_index", index).put("item", new JsonObject()
            .put("id", itemId).put("object", "realtime.item").put("type", "message").put("role", "assistant")
            .put("status", "in_progress").put("content", new JsonArray())));
        send(part("response.content_part.added").put("item_id", itemId).put("output_index", index)
            .put("content_index", 0).put("part", new JsonObject().put("type", "audio").put("transcript", "")));
        Buffer audio = pcm == null ? pcmFor(transcript) : pcm;
        List<Buffer> pieces = new ArrayList<>();
        int size = Math.max(2, (audio.length() / chunks) & ~1); // even: whole PCM16 samples, as the API sends
        for (int start = 0; start < audio.length(); start += size) {
          pieces.add(audio.getBuffer(start, Math.min(audio.length(), start + size)));
        }
        String[] words = transcript.split(" ");
        responseEnded(false);
        return deltas(itemId, index, pieces, words, 0).map(v -> {
          if (!over) {
            send(part("response.output_audio.done").put("item_id", itemId).put("output_index", index)
                .put("content_index", 0));
            send(part("response.output_audio_transcript.done").put("item_id", itemId).put("output_index", index)
                .put("content_index", 0).put("transcript", transcript));
            send(part("response.content_part.done").put("item_id", itemId).put("output_index", index)
                .put("content_index", 0).put("part", new JsonObject().put("type", "audio").put("transcript", transcript)));
            send(part("response.output_item.done").put("output_index", index).put("item", new JsonObject()
                .put("id", itemId).put("type", "message").put("role", "assistant").put("status", "completed")));
          }
          return null;
        });
      }

      Future<Void> deltas(String itemId, int index, List<Buffer> pieces, String[] words, int i) {
        if (over || closed) {
          return Future.failedFuture("over");
        }
        if (i == pieces.size()) {
          return Future.succeededFuture();
        }
        if (i < words.length) {
          send(part("response.output_audio_transcript.delta").put("item_id", itemId).put("output_index", index)
              .put("content_index", 0).put("delta", (i == 0 ? "" : " ") + words[i]));
        }
        if (i == 0) {
          firstDeltaAt = System.nanoTime();
        }
        send(part("response.output_audio.delta").put("item_id", itemId).put("output_index", index)
            .put("content_index", 0).put("delta", Base64.getEncoder().encodeToString(pieces.get(i).getBytes())));
        if (i == 0 && fault == Fault.STALL_MID_STREAM) {
          return Future.failedFuture("stalled");
        }
        if (i == 0 && fault == RealtimeFault.SESSION_LIMIT_CLOSE) {
          ws.close((short) 1001, "Your session hit the maximum duration of 60 minutes.");
          return Future.failedFuture("closed");
        }
        if (i == pieces.size() / 2 && fault == Fault.TRUNCATED) {
          ws.close((short) 1011, "internal error");
          return Future.failedFuture("closed");
        }
        Future<Void> gate = i == 0 && fault == Fault.HOLD_AFTER_FIRST_CHUNK ? holdUntilReleased()
            : Future.succeededFuture();
        return gate.compose(v -> {
          Promise<Void> next = Promise.promise();
          vertx.setTimer(chunkDelayMs, id -> deltas(itemId, index, pieces, words, i + 1).onComplete(next));
          return next.future();
        });
      }

      void cancel() {
        if (over) {
          return;
        }
        String itemId = items.isEmpty() ? null : items.get(items.size() - 1);
        if (itemId != null) {
          send(part("response.output_audio.done").put("item_id", itemId).put("output_index", items.size() - 1)
              .put("content_index", 0));
        }
        finish("cancelled", new JsonObject().put("type", "cancelled").put("reason", "client_cancelled"));
      }

      void finish(String status, JsonObject details) {
        if (over) {
          return;
        }
        over = true;
        running.remove(id);
        int audioTokens = "completed".equals(status) ? Math.max(1, text.length() / 3) : 0;
        send(event("response.done").put("response", body(status).put("status_details", details)
            .put("output", new JsonArray(items.stream().map(i -> (Object) new JsonObject().put("id", i)).toList()))
            .put("usage", new JsonObject().put("total_tokens", 40 + audioTokens).put("input_tokens", 40)
                .put("output_tokens", audioTokens)
                .put("input_token_details", new JsonObject().put("text_tokens", 40).put("audio_tokens", 0)
                    .put("cached_tokens", 0))
                .put("output_token_details", new JsonObject().put("text_tokens", 0).put("audio_tokens", audioTokens)))));
        responseEnded(true);
      }
    }
  }
}
