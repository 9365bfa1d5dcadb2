package com.ervc.protocol;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * The admin console's messages. On {@code admin.node.<nodeId>}, which every node serves for itself: a status
 * request, a drain and an undrain, each answered with the node's {@link NodeStatus}. On
 * {@code admin.instance.<instanceId>}, which every provider instance serves: circuit, capacity and re-probe
 * commands, answered with its {@link InstanceStatus}. Only the node serving the admin API sends them, after it has
 * checked the caller's admin rights.
 */
public sealed interface AdminMessage extends BusBody {
  @Override
  default Object body() {
    return null;
  }

  /** Reads a provider instance's command by its type header; an unknown type or a bad body is invalid_request. */
  static AdminMessage instanceCommand(String type, Object body) {
    if (Circuit.TYPE.equals(type)) {
      return Circuit.from(body);
    }
    if (Capacity.TYPE.equals(type)) {
      return Capacity.from(body);
    }
    if (Reprobe.TYPE.equals(type)) {
      return new Reprobe();
    }
    throw new SpeechException(ErrorCode.INVALID_REQUEST, "unknown instance command type '" + type + "'");
  }

  /** Asks a node for its status; no body. */
  record StatusRequest() implements AdminMessage {
    public static final String TYPE = "admin-status";
  }

  /** The one field a command body must hold, of its type; anything else is the command's clear refusal. */
  private static <T> T field(Object body, String key, Class<T> type, String refusal) {
    if (body instanceof JsonObject json && type.isInstance(json.getValue(key))) {
      return type.cast(json.getValue(key));
    }
    throw new SpeechException(ErrorCode.INVALID_REQUEST, refusal);
  }

  /** Makes a node stop taking new work while its running work finishes (idempotent); no body. */
  record Drain() implements AdminMessage {
    public static final String TYPE = "admin-drain";
  }

  /** Makes a drained node take new work again (idempotent; refused while it shuts down); no body. */
  record Undrain() implements AdminMessage {
    public static final String TYPE = "admin-undrain";
  }

  /** Opens (held until closed), closes, or resets (closes and forgets the error rate) an instance's circuit. */
  record Circuit(String action) implements AdminMessage {
    public static final String TYPE = "admin-circuit";

    @Override
    public JsonObject body() {
      return new JsonObject().put("action", action);
    }

    public static Circuit from(Object body) {
      return new Circuit(field(body, "action", String.class, "a circuit command needs 'action'"));
    }
  }

  /** Sets how many replies an instance takes at once, at run time (until it restarts). */
  record Capacity(int replies) implements AdminMessage {
    public static final String TYPE = "admin-capacity";

    @Override
    public JsonObject body() {
      return new JsonObject().put("capacity", replies);
    }

    public static Capacity from(Object body) {
      return new Capacity(field(body, "capacity", Integer.class, "a capacity command needs an integer 'capacity'"));
    }
  }

  /** Probes an instance now with one real synthesis; success closes its circuit, failure counts as one. */
  record Reprobe() implements AdminMessage {
    public static final String TYPE = "admin-reprobe";
  }

  /** Asks a gateway for its live WebSocket sessions; no body. */
  record SessionsRequest() implements AdminMessage {
    public static final String TYPE = "admin-sessions";
  }

  /** Closes one WebSocket session of a gateway (1008, "disconnected by an operator"); its running replies end. */
  record Disconnect(String session) implements AdminMessage {
    public static final String TYPE = "admin-disconnect";

    @Override
    public JsonObject body() {
      return new JsonObject().put("session", session);
    }

    public static Disconnect from(Object body) {
      return new Disconnect(field(body, "session", String.class, "a disconnect needs 'session'"));
    }
  }

  /**
   * Evicts cache entries on one cache node: the entry stored under {@code key} (a cache key, 64 hex digits), or
   * every entry when {@code key} is {@value #ALL}.
   */
  /**
   * Evicts cache entries: the one under {@code key} (64 hex digits), every entry ({@code key} = {@value #ALL}), or,
   * with {@code key} null, every entry of {@code provider}, or of its {@code voice} when that is set.
   */
  record EvictCache(String key, String provider, String voice) implements AdminMessage {
    public static final String TYPE = "admin-cache-evict";
    public static final String ALL = "all";
    private static final String PROVIDER_NAME = "[a-z][a-z0-9_-]{0,31}";
    // A request's voice pattern without '/', which a path segment of the admin API cannot carry.
    private static final String VOICE_NAME = "[A-Za-z0-9_+.:-]{1,64}";

    /** Refuses (invalid_request) anything but a valid key, or a valid provider with or without a valid voice. */
    public EvictCache {
      boolean valid = key != null ? validKey(key) && provider == null && voice == null
          : provider != null && provider.matches(PROVIDER_NAME) && (voice == null || voice.matches(VOICE_NAME));
      if (!valid) {
        throw new SpeechException(ErrorCode.INVALID_REQUEST, "an eviction names 'all', a cache key (64 hex digits), "
            + "or a provider (" + PROVIDER_NAME + ") and optionally one of its voices (" + VOICE_NAME + ")");
      }
    }

    public static EvictCache ofKey(String key) {
      return new EvictCache(key, null, null);
    }

    /** Every entry of {@code provider}'s audio, or only of {@code voice} (null: every voice). */
    public static EvictCache ofVoice(String provider, String voice) {
      return new EvictCache(null, provider, voice);
    }

    @Override
    public JsonObject body() {
      JsonObject body = new JsonObject();
      if (key != null) {
        return body.put("key", key);
      }
      body.put("provider", provider);
      return voice == null ? body : body.put("voice", voice);
    }

    /** True for {@value #ALL} or a cache key (64 lower-case hex digits). */
    public static boolean validKey(String key) {
      return ALL.equals(key) || key != null && key.matches("[0-9a-f]{64}");
    }

    public static EvictCache from(Object body) {
      if (!(body instanceof JsonObject json)) {
        throw new SpeechException(ErrorCode.INVALID_REQUEST, "an eviction needs a JSON body");
      }
      return new EvictCache(text(json, "key"), text(json, "provider"), text(json, "voice"));
    }

    private static String text(JsonObject json, String field) {
      return json.getValue(field) instanceof String value ? value : null;
    }
  }

  /** The reply to {@link EvictCache}: how many entries the node removed, and its cache figures after. */
  record CacheEvicted(long evicted, JsonObject stats) implements AdminMessage {
    public static final String TYPE = "admin-cache-evicted";

    @Override
    public JsonObject body() {
      return new JsonObject().put("evicted", evicted).put("stats", stats);
    }
  }

  /**
   * Turns a node's live tail on for catalogue addresses (as the event-bus view names them), for {@code seconds}
   * (1 to 1800); {@code showText} lets text fields through (never audio).
   */
  record TailStart(List<String> addresses, boolean showText, int seconds) implements AdminMessage {
    public static final String TYPE = "admin-tail-start";
    public static final int MAX_SECONDS = 1800;

    @Override
    public JsonObject body() {
      return new JsonObject().put("addresses", new JsonArray(addresses)).put("showText", showText)
          .put("seconds", seconds);
    }

    public static TailStart from(Object body) {
      JsonArray addresses = field(body, "addresses", JsonArray.class, "a tail needs 'addresses'");
      int seconds = field(body, "seconds", Integer.class, "a tail needs an integer 'seconds'");
      if (addresses.isEmpty() || addresses.size() > 50 || !addresses.stream().allMatch(String.class::isInstance)
          || seconds < 1 || seconds > MAX_SECONDS) {
        throw new SpeechException(ErrorCode.INVALID_REQUEST,
            "a tail needs 1 to 50 addresses and 'seconds' from 1 to " + MAX_SECONDS);
      }
      return new TailStart(addresses.stream().map(String.class::cast).toList(),
          Boolean.TRUE.equals(((JsonObject) body).getValue("showText")), seconds);
    }
  }

  /** Turns a node's live tail off and empties its buffer; no body. */
  record TailStop() implements AdminMessage {
    public static final String TYPE = "admin-tail-stop";
  }

  /** Asks a node for its live tail's state and samples; no body. */
  record TailRead() implements AdminMessage {
    public static final String TYPE = "admin-tail-read";
  }

  /** A node's live tail: whether it is on, for what, the samples (redacted) and the kept and dropped counts. */
  record TailState(JsonObject state) implements AdminMessage {
    public static final String TYPE = "admin-tail-state";

    @Override
    public JsonObject body() {
      return state;
    }
  }

  /** A gateway's sessions, without any text (the reply to {@link SessionsRequest} and {@link Disconnect}). */
  record Sessions(JsonArray sessions) implements AdminMessage {
    public static final String TYPE = "admin-session-list";

    @Override
    public JsonObject body() {
      return new JsonObject().put("sessions", sessions);
    }
  }

  /** The reply to an instance command: the instance's load report after it ({@code ProviderLoad} fields). */
  record InstanceStatus(JsonObject load) implements AdminMessage {
    public static final String TYPE = "admin-instance-status";

    @Override
    public JsonObject body() {
      return load;
    }
  }

  /**
   * The reply: what a node is (id, name, roles, host, version, uptime, CPU and heap, GPU capabilities) and whether
   * it drains, with the work each component still has. docs/admin-console.md lists the fields.
   */
  record NodeStatus(JsonObject status) implements AdminMessage {
    public static final String TYPE = "admin-node-status";

    @Override
    public JsonObject body() {
      return status;
    }

    public static NodeStatus from(Object body) {
      if (!(body instanceof JsonObject json) || json.getString("node") == null) {
        throw new SpeechException(ErrorCode.INVALID_REQUEST, "a node status needs a JSON body with 'node'");
      }
      return new NodeStatus(json);
    }
  }

  /**
   * An operator's action from an admin console over the bridge: the REST action's JSON body plus {@code target}
   * (the id the REST path names). The reply is the REST action's answer; a refusal fails with its HTTP status.
   */
  record ConsoleAction(JsonObject request) implements AdminMessage {
    public static final String TYPE = "admin-console-action";

    @Override
    public JsonObject body() {
      return request;
    }
  }

  /**
   * One live view pushed to the node's connected consoles: {@code view} names it, {@code data} is the REST view's
   * answer (for {@code tail}, only the samples not pushed before), or {@code error} when it could not be gathered.
   */
  record ConsoleView(JsonObject view) implements AdminMessage {
    public static final String TYPE = "admin-console-view";

    @Override
    public JsonObject body() {
      return view;
    }
  }
}
