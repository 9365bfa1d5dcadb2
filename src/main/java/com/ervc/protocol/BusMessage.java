package com.ervc.protocol;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The catalogue of event-bus messages: each binds an address to the type header value, the record that maps its
 * body, who sends it to whom, and an example built from that record. The address table of docs/event-bus.md is
 * generated from it ({@link #markdown()}), and a test fails when the two differ.
 */
public enum BusMessage {
  PIPELINE_START(Addresses.PIPELINE_SYNTHESIZE, PipelineStart.TYPE, PipelineStart.class,
      "gateway → one pipeline", "`accepted` or failure",
      "Start one speech request; its results stream to `sink` as stream `stream`.",
      () -> new PipelineStart("0b7c1f0e-3f0e-4a53-9d55-1d2f3c0f6a11", "tts.sink.7f8d5479-f684-49aa-93b6-d214b3d00760",
          TtsRequest.parse(new JsonObject().put("text", "Hello world. How are you today?"), 2000, 24_000))),
  PIPELINE_ACCEPTED(Addresses.PIPELINE_SYNTHESIZE, PipelineStart.Accepted.TYPE, PipelineStart.Accepted.class,
      "pipeline → gateway (reply)", "—",
      "The request was routed; the resolved provider and voice.",
      () -> new PipelineStart.Accepted("espeak", "en-us")),
  SINK_START(Addresses.sink("<nodeId>"), StreamMessage.Start.TYPE, StreamMessage.Start.class,
      "pipeline → gateway", "empty ack or failure 410",
      "First stream message: resolved route, sample rate, number of chunks, tier.",
      () -> new StreamMessage.Start("espeak", "en-us", 24_000, 2, "balanced")),
  SINK_SENTENCE(Addresses.sink("<nodeId>"), StreamMessage.Sentence.TYPE, StreamMessage.Sentence.class,
      "pipeline → gateway", "empty ack or failure 410",
      "The text of chunk `index`, before its audio.", () -> new StreamMessage.Sentence(0, "Hello world.")),
  SINK_AUDIO(Addresses.sink("<nodeId>"), StreamMessage.Audio.TYPE, StreamMessage.Audio.class,
      "pipeline → gateway", "empty ack (once written to the client) or failure 410",
      "One frame of PCM s16le mono.", () -> new StreamMessage.Audio(Buffer.buffer(new byte[4]))),
  SINK_END(Addresses.sink("<nodeId>"), StreamMessage.Summary.TYPE, StreamMessage.Summary.class,
      "pipeline → gateway", "empty ack or failure 410",
      "Last message on success: counts, timings and failovers.",
      () -> new StreamMessage.Summary(12, 28_800, false, "espeak", "en-us", 2, 180, 95, 240, List.of())),
  SINK_ERROR(Addresses.sink("<nodeId>"), StreamMessage.Failure.TYPE, StreamMessage.Failure.class,
      "pipeline → gateway", "empty ack or failure 410",
      "Last message on failure: a wire error code.",
      () -> new StreamMessage.Failure(ErrorCode.PROVIDER_UNAVAILABLE, "no provider is running")),
  PROVIDER_SENTENCE(Addresses.providerInstance("<name>", "<instanceId>"), ProviderMessage.Sentence.TYPE,
      ProviderMessage.Sentence.class, "pipeline → one instance",
      "`accepted` at once, or failure",
      "Synthesize one sentence and stream its audio to `receiver` as stream `stream`; `reply` groups a reply's "
          + "sentences.",
      () -> new ProviderMessage.Sentence(TtsRequest.parse(new JsonObject().put("text", "Hello world."), 2000, 24_000)
          .withProvider("espeak", "en-us"), Addresses.receiver("3c0f…"), "9a1e…", "0b7c…")),
  PROVIDER_ACCEPTED(Addresses.providerInstance("<name>", "<instanceId>"), ProviderMessage.Accepted.TYPE,
      ProviderMessage.Accepted.class, "instance → pipeline (reply)", "—",
      "The sentence was accepted; its audio follows on the receiver.",
      () -> new ProviderMessage.Accepted("5d1…", "7f8d5479-f684-49aa-93b6-d214b3d00760")),
  PROVIDER_REPLY_DONE(Addresses.providerInstance("<name>", "<instanceId>"), ProviderMessage.ReplyDone.TYPE,
      ProviderMessage.ReplyDone.class, "pipeline → one instance", "none",
      "The reply no longer uses this instance: its capacity slot is free.",
      () -> new ProviderMessage.ReplyDone("0b7c…")),
  PROVIDER_CANCEL(Addresses.providerInstance("<name>", "<instanceId>"), ProviderMessage.Cancel.TYPE,
      ProviderMessage.Cancel.class, "pipeline → one instance", "none",
      "Stop a sentence stream now; `deadlineMissed` counts it as an engine failure.",
      () -> new ProviderMessage.Cancel("9a1e…", false)),
  PROVIDER_PROBE(Addresses.provider("<name>"), ProviderMessage.Probe.TYPE, ProviderMessage.Probe.class,
      "health service → any available instance", "`pcm`, `checked-without-audio` or failure",
      "One sentence answered with its whole audio (the body is a bare `TtsRequest`).",
      () -> new ProviderMessage.Probe(TtsRequest.parse(new JsonObject().put("text", "Health check."), 2000, 24_000))),
  PROVIDER_PROBE_AUDIO(Addresses.provider("<name>"), ProviderMessage.ProbeAudio.TYPE, ProviderMessage.ProbeAudio.class,
      "instance → health service (reply)", "—",
      "The probe's PCM s16le mono; header `sampleRate`.",
      () -> new ProviderMessage.ProbeAudio(Buffer.buffer(new byte[4]), 24_000)),
  PROVIDER_PROBE_CHECKED(Addresses.provider("<name>"), ProviderMessage.ProbeChecked.TYPE,
      ProviderMessage.ProbeChecked.class, "instance → health service (reply)", "—",
      "The probe passed without audio: a provider whose every synthesis is billed proved its credentials and model "
          + "another way (`openai` on the Realtime API); no body.", ProviderMessage.ProbeChecked::new),
  RECEIVER_AUDIO(Addresses.receiver("<id>"), StreamMessage.Audio.TYPE, StreamMessage.Audio.class,
      "instance → pipeline", "empty ack or failure 410",
      "PCM s16le mono as the engine wrote it, whole samples only.",
      () -> new StreamMessage.Audio(Buffer.buffer(new byte[4]))),
  RECEIVER_END(Addresses.receiver("<id>"), StreamMessage.SentenceEnd.TYPE, StreamMessage.SentenceEnd.class,
      "instance → pipeline", "empty ack or failure 410",
      "Last message on success: the sentence's audio is complete.", StreamMessage.SentenceEnd::new),
  RECEIVER_ERROR(Addresses.receiver("<id>"), StreamMessage.Failure.TYPE, StreamMessage.Failure.class,
      "instance → pipeline", "empty ack or failure 410",
      "Last message on failure: a wire error code.",
      () -> new StreamMessage.Failure(ErrorCode.PROVIDER_UNAVAILABLE, "the service timed out")),
  LOAD_REPORT(Addresses.PROVIDER_LOAD, ProviderLoad.TYPE, ProviderLoad.class,
      "every instance → every pipeline and gateway (published)", "none",
      "An instance's load, latency, errors and circuit state, about once a second.",
      () -> new ProviderLoad("5d1…", Addresses.providerInstance("espeak", "5d1…"), exampleInfo(), 1, 100, 0, 41.5,
          77,
          0.0, "closed", false)),
  LOAD_REQUEST(Addresses.PROVIDER_LOAD_REQUEST, LoadRequest.TYPE, LoadRequest.class,
      "a new listener → every instance (published)", "none",
      "Every instance publishes its load at once.", LoadRequest::new),
  CACHE_GET(Addresses.CACHE_GET, CacheMessage.Get.TYPE, CacheMessage.Get.class,
      "pipeline → one cache", "`entry`",
      "The body is the 64-character key.", () -> new CacheMessage.Get(BusMessage.EXAMPLE_KEY)),
  CACHE_ENTRY(Addresses.CACHE_GET, CacheMessage.Entry.TYPE, CacheMessage.Entry.class,
      "cache → pipeline (reply)", "—",
      "The stored entry (binary layout below), or no body on a miss.",
      () -> new CacheMessage.Entry(Buffer.buffer(new byte[4]))),
  CACHE_PUT(Addresses.CACHE_PUT, CacheMessage.Put.TYPE, CacheMessage.Put.class,
      "pipeline → one cache", "empty ack",
      "Store the entry under the key in header `key`.",
      () -> new CacheMessage.Put(BusMessage.EXAMPLE_KEY, Buffer.buffer(new byte[4]))),
  CACHE_STATS_REQUEST(Addresses.CACHE_STATS, CacheMessage.StatsRequest.TYPE, CacheMessage.StatsRequest.class,
      "health service → one cache", "`stats`",
      "Asks for the cache's counters; no body.", CacheMessage.StatsRequest::new),
  CACHE_STATS(Addresses.CACHE_STATS, CacheMessage.Stats.TYPE, CacheMessage.Stats.class,
      "cache → health service (reply)", "—",
      "The backend's counters (fields below).",
      () -> new CacheMessage.Stats(new JsonObject().put("backend", "memory").put("available", true).put("entries", 0)
          .put("bytes", 0).put("hits", 0).put("misses", 0).put("evictions", 0))),
  DIRECTORY_ENTRY(Addresses.PROVIDER_DIRECTORY, ProviderInfo.TYPE, ProviderInfo.class,
      "every instance → every node (AsyncMap value, JSON text)", "—",
      "What a provider offers on a node; key `<name>@<nodeId>`, with the protocol version as field `protocol`.",
      BusMessage::exampleInfo),
  QUALITY_ENTRY(Addresses.QUALITY_RESULTS, QualityResult.TYPE, QualityResult.class,
      "quality check or admin evaluation → every gateway (AsyncMap value, JSON text)", "—",
      "The latest quality figures of a provider voice measured on a node; key `<provider>@<voice>@<nodeId>`, with "
          + "the protocol version as field `protocol`.",
      () -> new QualityResult("espeak", "en-us", "7f8d5479-f684-49aa-93b6-d214b3d00760",
          "quality-check:0b7c1f0e-3f0e-4a53-9d55-1d2f3c0f6a11", 1_796_212_800_000L, 3, 0.61, 0.33, 0, -21.4, 0.0,
          142.0)),
  VOICE_PROFILE_CHANGED(Addresses.VOICE_PROFILE_CHANGED, ProfileChanged.TYPE, ProfileChanged.class,
      "the gateway that stored a change → every gateway (published)", "none",
      "A voice profile was created, updated (new `version`) or deleted (`version` 0): every gateway drops its "
          + "cached copy, so the next request with `profile:<id>` reads the stored version.",
      () -> new ProfileChanged("vp_3k9x0q2m7c1v8b4n6z5a", 4)),
  ADMIN_STATUS(Addresses.adminNode("<nodeId>"), AdminMessage.StatusRequest.TYPE, AdminMessage.StatusRequest.class,
      "admin API node → one node", "`admin-node-status`",
      "Asks the node for its status; no body.", AdminMessage.StatusRequest::new),
  ADMIN_DRAIN(Addresses.adminNode("<nodeId>"), AdminMessage.Drain.TYPE, AdminMessage.Drain.class,
      "admin API node → one node", "`admin-node-status`",
      "The node stops taking new work; running work finishes. Idempotent; no body.", AdminMessage.Drain::new),
  ADMIN_UNDRAIN(Addresses.adminNode("<nodeId>"), AdminMessage.Undrain.TYPE, AdminMessage.Undrain.class,
      "admin API node → one node", "`admin-node-status` or failure 409",
      "The node takes new work again (409 while it shuts down). Idempotent; no body.", AdminMessage.Undrain::new),
  ADMIN_NODE_STATUS(Addresses.adminNode("<nodeId>"), AdminMessage.NodeStatus.TYPE, AdminMessage.NodeStatus.class,
      "node → admin API node (reply)", "—",
      "What the node is and whether it drains (fields in admin-console.md).",
      () -> new AdminMessage.NodeStatus(new JsonObject().put("node", "7f8d5479-f684-49aa-93b6-d214b3d00760")
          .put("name", "provider-1").put("roles", new JsonArray().add("providers"))
          .put("draining", false).put("inFlight", 0))),
  ADMIN_TAIL_START(Addresses.adminNode("<nodeId>"), AdminMessage.TailStart.TYPE, AdminMessage.TailStart.class,
      "admin API node → every node", "`admin-tail-state` or failure 400",
      "Samples messages delivered on the node to these catalogue addresses for `seconds` (at most 20 a second, "
          + "200 kept); text fields only with `showText`, binary bodies never.",
      () -> new AdminMessage.TailStart(List.of(Addresses.PROVIDER_LOAD), false, 300)),
  ADMIN_TAIL_STOP(Addresses.adminNode("<nodeId>"), AdminMessage.TailStop.TYPE, AdminMessage.TailStop.class,
      "admin API node → every node", "`admin-tail-state`", "Turns the node's tail off and empties it; no body.",
      AdminMessage.TailStop::new),
  ADMIN_TAIL_READ(Addresses.adminNode("<nodeId>"), AdminMessage.TailRead.TYPE, AdminMessage.TailRead.class,
      "admin API node → every node", "`admin-tail-state`", "Asks for the node's tail; no body.",
      AdminMessage.TailRead::new),
  ADMIN_TAIL_STATE(Addresses.adminNode("<nodeId>"), AdminMessage.TailState.TYPE, AdminMessage.TailState.class,
      "node → admin API node (reply)", "—",
      "`on`, `addresses`, `showText`, `until`, `kept`, `dropped` and the `samples` (fields in admin-console.md).",
      () -> new AdminMessage.TailState(new JsonObject().put("on", false).put("kept", 0).put("dropped", 0)
          .put("samples", new JsonArray()))),
  ADMIN_CIRCUIT(Addresses.adminInstance("<instanceId>"), AdminMessage.Circuit.TYPE, AdminMessage.Circuit.class,
      "admin API node → one instance", "`admin-instance-status` or failure 400",
      "`open` holds the circuit open (no requests, no probes) until `close`; `reset` also forgets the error rate.",
      () -> new AdminMessage.Circuit("open")),
  ADMIN_CAPACITY(Addresses.adminInstance("<instanceId>"), AdminMessage.Capacity.TYPE, AdminMessage.Capacity.class,
      "admin API node → one instance", "`admin-instance-status` or failure 400",
      "Replies taken at once from now on (1 to 10000), until the instance restarts.",
      () -> new AdminMessage.Capacity(8)),
  ADMIN_REPROBE(Addresses.adminInstance("<instanceId>"), AdminMessage.Reprobe.TYPE, AdminMessage.Reprobe.class,
      "admin API node → one instance", "`admin-instance-status` or failure 503",
      "One real synthesis now; success closes the circuit (unless held open), failure counts as one.",
      AdminMessage.Reprobe::new),
  ADMIN_INSTANCE_STATUS(Addresses.adminInstance("<instanceId>"), AdminMessage.InstanceStatus.TYPE,
      AdminMessage.InstanceStatus.class, "instance → admin API node (reply)", "—",
      "The instance's load report after the command (fields of `load`).",
      () -> new AdminMessage.InstanceStatus(new ProviderLoad("5d1…", Addresses.providerInstance("espeak", "5d1…"),
          exampleInfo(), 0, 8, 0, 41.5, 77, 0.0, "open", false).toJson())),
  ADMIN_SESSIONS(Addresses.adminGateway("<nodeId>"), AdminMessage.SessionsRequest.TYPE,
      AdminMessage.SessionsRequest.class, "admin API node → one gateway", "`admin-session-list`",
      "Asks the gateway for its live WebSocket sessions; no body.", AdminMessage.SessionsRequest::new),
  ADMIN_DISCONNECT(Addresses.adminGateway("<nodeId>"), AdminMessage.Disconnect.TYPE, AdminMessage.Disconnect.class,
      "admin API node → one gateway", "`admin-session-list` or failure 404",
      "Closes the session with 1008 \"disconnected by an operator\"; its running replies end.",
      () -> new AdminMessage.Disconnect("0b7c1f0e-3f0e-4a53-9d55-1d2f3c0f6a11")),
  ADMIN_SESSION_LIST(Addresses.adminGateway("<nodeId>"), AdminMessage.Sessions.TYPE, AdminMessage.Sessions.class,
      "gateway → admin API node (reply)", "—",
      "The gateway's sessions without any text (fields in admin-console.md).",
      () -> new AdminMessage.Sessions(new JsonArray().add(new JsonObject().put("session", "0b7c…")
          .put("subject", "dev-1a2b3c4d").put("client", "203.0.113.x").put("since", "2026-12-02T08:00:00Z")
          .put("requests", 3).put("bytesSent", 288000).put("current", new JsonArray())))),
  ADMIN_CACHE_EVICT(Addresses.adminCache("<nodeId>"), AdminMessage.EvictCache.TYPE, AdminMessage.EvictCache.class,
      "admin API node → every cache node", "`admin-cache-evicted` or failure 400",
      "Removes the entry under `key` (64 hex digits), with `all` every entry of the node's cache (the shared "
          + "store with Redis), or without `key` every entry of `provider` (only of its `voice` when given). "
          + "Idempotent.", () -> AdminMessage.EvictCache.ofVoice("espeak", "en-us")),
  ADMIN_CACHE_EVICTED(Addresses.adminCache("<nodeId>"), AdminMessage.CacheEvicted.TYPE,
      AdminMessage.CacheEvicted.class, "cache node → admin API node (reply)", "—",
      "Entries removed and the cache's figures after (fields of `stats`).",
      () -> new AdminMessage.CacheEvicted(12, new JsonObject().put("backend", "memory").put("entries", 0))),
  ADMIN_CONSOLE_ACTION(Addresses.adminAction("<action>"), AdminMessage.ConsoleAction.TYPE,
      AdminMessage.ConsoleAction.class, "admin console (browser, SockJS bridge) → the node serving it (local)",
      "the REST action's answer, or failure 400/404/409/502/503/504",
      "An operator's action: `<action>` is `drain`, `undrain`, `circuit`, `capacity`, `reprobe`, `evict`, "
          + "`evict-provider`, `evict-voice`, `disconnect` or `tail`; the body is the REST action's body with `target`. The bridge admits it only "
          + "from an authenticated console with the `admin` authority and stamps the actor; audited like REST.",
      () -> new AdminMessage.ConsoleAction(new JsonObject().put("target", "7f8d5479-f684-49aa-93b6-d214b3d00760")
          .put("confirm", "7f8d5479-f684-49aa-93b6-d214b3d00760"))),
  ADMIN_CONSOLE_VIEW(Addresses.adminView("<view>"), AdminMessage.ConsoleView.TYPE, AdminMessage.ConsoleView.class,
      "node → its connected admin consoles (publish, local only)", "—",
      "A live view about once a second while a console of this node subscribes to it: `<view>` is `nodes`, "
          + "`providers`, `eventbus`, `sessions`, `cache`, `audit` or `tail`; `data` is the REST view's answer "
          + "(for `tail` only new samples), or `error`.",
      () -> new AdminMessage.ConsoleView(new JsonObject().put("view", "cache").put("data", new JsonObject()
          .put("backend", "memory").put("entries", 12).put("hitRatio", 0.5))));

  /** docs/event-bus.md's example key (its canonical string is shown there). */
  private static final String EXAMPLE_KEY = "e4c0ec460dd05f9c93ad6b106479228fcc8c65f2a25eceaff5fc54609b0e367c";
  private static final Map<Class<? extends BusBody>, String> TYPES = new HashMap<>();

  /** Each catalogue address with the pattern it matches: a {@code <placeholder>} stands for one dot-free part. */
  private static final Map<String, Pattern> TEMPLATES = new LinkedHashMap<>();

  static {
    for (BusMessage m : values()) {
      TYPES.putIfAbsent(m.bodyType, m.type);
      TEMPLATES.computeIfAbsent(m.address, address -> Pattern.compile(Arrays.stream(address.split("\\.", -1))
          .map(part -> part.startsWith("<") && part.endsWith(">") ? "[^.]+" : Pattern.quote(part))
          .collect(Collectors.joining("\\."))));
    }
  }

  private final String address;
  private final String type;
  private final Class<? extends BusBody> bodyType;
  private final String route;
  private final String reply;
  private final String description;
  private final Supplier<BusBody> example;

  BusMessage(String address, String type, Class<? extends BusBody> bodyType, String route, String reply,
             String description, Supplier<BusBody> example) {
    this.address = address;
    this.type = type;
    this.bodyType = bodyType;
    this.route = route;
    this.reply = reply;
    this.description = description;
    this.example = example;
  }

  public String address() {
    return address;
  }

  /** The type header value. */
  public String type() {
    return type;
  }

  /** The record that maps this message's body. */
  public Class<? extends BusBody> bodyType() {
    return bodyType;
  }

  /** The type header value of a record's messages (one record may travel on several addresses, with one type). */
  static String typeOf(Class<? extends BusBody> record) {
    String type = TYPES.get(record);
    if (type == null) {
      throw new IllegalArgumentException(record.getName() + " is not in the event-bus catalogue");
    }
    return type;
  }

  public BusBody example() {
    return example.get();
  }

  private static ProviderInfo exampleInfo() {
    return new ProviderInfo("espeak", "7f8d5479-f684-49aa-93b6-d214b3d00760", true, "en-us",
        List.of(new ProviderInfo.Voice("en-us", "English (US)", "en-US", "neutral")), List.of("neutral"),
        List.of("fast", "balanced", "high"), true, true, 22_050, "eSpeak NG 1.51", null,
        new VoiceDesign(VoiceDesign.Kind.VARIANT, List.of("f3", "klatt", "whisper")));
  }

  /** Every distinct address of the catalogue, templates included ({@code tts.sink.<nodeId>}), in catalogue order. */
  public static List<String> addresses() {
    return Arrays.stream(values()).map(BusMessage::address).distinct().toList();
  }

  /**
   * The catalogue address {@code address} belongs to: itself when it is a fixed address, the template it fits
   * ({@code tts.sink.7f8d…} gives {@code tts.sink.<nodeId>}), {@value #REPLY} for Vert.x's reply addresses, or
   * {@value #OTHER}. Keeps a per-address figure bounded however many streams, instances and replies come and go.
   */
  public static String fold(String address) {
    if (isReply(address)) {
      return REPLY;
    }
    for (Map.Entry<String, Pattern> template : TEMPLATES.entrySet()) {
      if (template.getValue().matcher(address).matches()) {
        return template.getKey();
      }
    }
    return OTHER;
  }

  /** True for Vert.x's reply addresses (one per request). */
  public static boolean isReply(String address) {
    return address.startsWith("__vertx.reply.");
  }

  /** {@link #fold}'s name for every reply address. */
  public static final String REPLY = "(reply)";
  /** {@link #fold}'s name for an address outside the catalogue. */
  public static final String OTHER = "(other)";

  /** The address table of docs/event-bus.md and one example per message. */
  public static String markdown() {
    StringBuilder out = new StringBuilder()
        .append("| Address | `type` | Record | From → to | Reply | Meaning |\n")
        .append("|---------|--------|--------|-----------|-------|---------|\n");
    for (BusMessage m : values()) {
      out.append("| `").append(m.address).append("` | `").append(m.type()).append("` | `")
          .append(m.bodyType().getName().replace(BusMessage.class.getPackageName() + ".", "").replace('$', '.'))
          .append("` | ").append(m.route).append(" | ").append(m.reply).append(" | ").append(m.description)
          .append(" |\n");
    }
    out.append("\nExample bodies (Buffers are shown by their length):\n\n");
    for (BusMessage m : values()) {
      out.append("- `").append(m.type()).append("` on `").append(m.address).append("`: ")
          .append(render(m.example().body())).append('\n');
    }
    return out.toString();
  }

  private static String render(Object body) {
    if (body == null) {
      return "no body";
    }
    if (body instanceof Buffer buffer) {
      return "Buffer (" + buffer.length() + " bytes)";
    }
    if (body instanceof JsonObject json) {
      return "`" + json.encode() + "`";
    }
    return "String `" + body + "`";
  }
}
