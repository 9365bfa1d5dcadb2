package com.ervc.config;

import io.vertx.core.json.JsonObject;

import java.util.List;

import static com.ervc.config.Setting.bool;
import static com.ervc.config.Setting.integer;
import static com.ervc.config.Setting.string;

/** The {@code tts.*} keys: synthesis defaults, chunking, deadlines and routing (gateway, pipeline, providers). */
public record TtsConfig(String provider, String qualityTier, int sampleRate, boolean enableEmotions,
                        boolean enableCloning, boolean enableProviderSwitching, int latencyTargetMs,
                        boolean adaptiveQuality, boolean gpuAcceleration, int maxTextChars,
                        int maxInFlightPerConnection, int chunkMillis, int firstChunkMaxChars, int maxChunkChars,
                        int streamWindow, int streamStallTimeoutMs, int providerTimeoutMs, int providerStallTimeoutMs,
                        int maxLoadPerProvider, int routeQueueMs, int circuitFailureThreshold, int circuitOpenMs,
                        int deadlineMultiple, int localDeadlineFloorMs, int localDeadlineCeilingMs,
                        int cloudDeadlineFloorMs, boolean hedging, boolean hedgeCloud) {
  static final Setting PROVIDER = string("tts.provider", "TTS_PROVIDER", "espeak")
      .oneOf("auto", "espeak", "onnx", "onnx-gpu", "elevenlabs", "azure", "openai")
      .describe("Provider used for requests with `provider: \"auto\"` (the pipeline's choice). `auto` means the "
          + "first running provider by name. `onnx` (local neural voices) needs installed models and `onnx-gpu` (the "
          + "same on CUDA nodes only) a CUDA node; the cloud providers run when their keys are set. A provider that "
          + "is not running or not available gets no requests: they go to another provider when switching is on, or "
          + "fail with `provider_unavailable` when it is off.");
  static final Setting QUALITY_TIER = string("tts.qualityTier", "TTS_QUALITY_TIER", "balanced")
      .oneOf("fast", "balanced", "high")
      .describe("Default `quality` for requests that set none. This is the gateway's value. It is part of the cache "
          + "key, but espeak's output does not change with it.");
  static final Setting SAMPLE_RATE = integer("tts.sampleRate", "TTS_SAMPLE_RATE", 24000, 8000, 48000)
      .describe("Sample rate in Hz of all audio this gateway delivers: `ready`, `audio_start`, binary frames, and "
          + "HTTP audio. Providers resample to it.");
  static final Setting ENABLE_EMOTIONS = bool("tts.enableEmotions", "ENABLE_EMOTIONS", true)
      .describe("espeak maps `emotion` and `intensity` to rate, pitch and amplitude, plus the whisper variant. When "
          + "`false`, espeak uses neutral prosody (`speed` still applies) and advertises only `neutral`. Requests "
          + "that name another emotion are still accepted.");
  static final Setting ENABLE_CLONING = bool("tts.enableCloning", "ENABLE_CLONING", false)
      .describe("Turns the voice-profile workflow on: each gateway node opens the profile store (PostgreSQL with "
          + "`cloning.databaseUrl`, else the directory `cloning.dir`) and reports it as component `voice-profiles` in "
          + "`/health`; see [Voice profiles](voice-profiles.md#on-a-node).");
  static final Setting ENABLE_PROVIDER_SWITCHING = bool("tts.enableProviderSwitching", "ENABLE_PROVIDER_SWITCHING",
      true)
      .describe("For `provider: \"auto\"`, when `tts.provider` is not running or does not offer the requested voice, "
          + "the pipeline uses another running provider. When `false`, such requests fail with "
          + "`provider_unavailable`. This has no effect when `tts.provider` is `auto`.");
  static final Setting LATENCY_TARGET_MS = integer("tts.latencyTargetMs", "LATENCY_TARGET_MS", 200, 10, 60_000)
      .describe("Adaptive quality's target for the time to first audio of a WebSocket session's replies "
          + "([Routing](routing.md#adaptive-quality)). The alert `TtsTimeToFirstAudioHigh` in "
          + "`deploy/monitoring/voice_chat_rules.yml` uses the default (0.2 s) as a fixed threshold; change it there "
          + "when you change this value.");
  static final Setting ADAPTIVE_QUALITY = bool("tts.adaptiveQuality", "ADAPTIVE_QUALITY", true)
      .describe("Adaptive quality per WebSocket session: when the recent time to first audio exceeds "
          + "`tts.latencyTargetMs`, later requests of the session are synthesized one tier lower (high → balanced → "
          + "fast), and one tier higher again after a sustained recovery, never above the tier asked for. "
          + "`audio_start.quality` reports the tier used; `tts_quality_changes_total{direction}` counts the changes. "
          + "HTTP requests are not adapted.");
  static final Setting GPU_ACCELERATION = bool("tts.gpuAcceleration", "GPU_ACCELERATION", false)
      .describe("On a `providers` node without the `gpu` role: probe CUDA at start and, when it works, load the ONNX "
          + "voices on CUDA. A `gpu` node always probes. Needs the `-Pcuda` build.");
  static final Setting MAX_TEXT_CHARS = integer("tts.maxTextChars", "MAX_TEXT_CHARS", 5000, 1, 100_000)
      .describe("Longest `text`, in UTF-16 code units, accepted by the WebSocket `synthesize` and by `POST "
          + "/api/v1/tts`. Longer text gets `too_large` (HTTP 413). The WebSocket message limit (64 KiB of UTF-8, "
          + "`too_large` above it) and the HTTP body limit (256 KiB) are fixed, so very large values cannot be "
          + "reached.");
  static final Setting MAX_IN_FLIGHT_PER_CONNECTION = integer("tts.maxInFlightPerConnection",
      "MAX_IN_FLIGHT_PER_CONNECTION", 4, 1, 64)
      .describe("Requests one WebSocket may have in flight. Beyond that: `rate_limited`. It does not apply to HTTP.");
  static final Setting CHUNK_MILLIS = integer("tts.chunkMillis", "CHUNK_MILLIS", 100, 10, 1000)
      .describe("Duration of one audio chunk, that is one binary WebSocket frame or one stream `audio` message: "
          + "`floor(sampleRate × chunkMillis / 1000) × 2` bytes. This is the pipeline's value.");
  static final Setting FIRST_CHUNK_MAX_CHARS = integer("tts.firstChunkMaxChars", "FIRST_CHUNK_MAX_CHARS", 80, 10, 1000)
      .documented("10–1000, and ≤ `tts.maxChunkChars`")
      .describe("Longest first text chunk. A short first chunk makes audio start sooner.");
  static final Setting MAX_CHUNK_CHARS = integer("tts.maxChunkChars", "MAX_CHUNK_CHARS", 220, 10, 5000)
      .describe("Longest later chunk. Longer sentences are cut at clause punctuation (`, ; : )`, spaced dashes), "
          + "otherwise at a space, never inside a word.");
  static final Setting STREAM_WINDOW = integer("tts.streamWindow", "STREAM_WINDOW", 8, 1, 256)
      .describe("Stream messages per stream that may be unacknowledged between the pipeline and the gateway sink "
          + "(flow control; see [event-bus.md](event-bus.md#flow-control-window)).");
  static final Setting STREAM_STALL_TIMEOUT_MS = integer("tts.streamStallTimeoutMs", "STREAM_STALL_TIMEOUT_MS",
      60000, 100, 600_000)
      .documented("100–600000, and greater than `tts.providerTimeoutMs`")
      .describe("The pipeline's acknowledgement timeout per stream message. Also the gateway's silence timeout per "
          + "stream: after it, the client gets `provider_unavailable`. It must be greater than "
          + "`tts.providerTimeoutMs` (checked at startup), so that a slow sentence fails by the provider timeout "
          + "instead of looking like a dead node.");
  static final Setting PROVIDER_TIMEOUT_MS = integer("tts.providerTimeoutMs", "PROVIDER_TIMEOUT_MS",
      30000, 100, 600_000)
      .describe("Longest first-byte deadline: the most the pipeline waits for a provider to accept a sentence request "
          + "and send its first audio (local providers: at most `tts.localDeadlineCeilingMs`; a second instance is "
          + "asked earlier, see `tts.deadlineMultiple`). When it expires the sentence fails over to another instance "
          + "(with `tts.enableProviderSwitching`) or the reply ends with `provider_unavailable`.");
  static final Setting PROVIDER_STALL_TIMEOUT_MS = integer("tts.providerStallTimeoutMs", "PROVIDER_STALL_TIMEOUT_MS",
      5000, 50, 600_000)
      .describe("Longest mid-stream deadline: a provider stream that has sent audio and then sends nothing for this "
          + "long (each instance's own deadline follows its measured chunk interval, `tts.deadlineMultiple`), while "
          + "the pipeline is not holding it back, has stalled; it is cancelled and handled like a failure (failover, "
          + "or `provider_unavailable`).");
  static final Setting MAX_LOAD_PER_PROVIDER = integer("tts.maxLoadPerProvider", "MAX_LOAD_PER_PROVIDER",
      100, 1, 100_000)
      .describe("Capacity of one provider instance: the replies (client requests; the sentences of one reply count "
          + "once) it works on at once. The router sends no new reply to a full instance; `providers.<name>.maxLoad` "
          + "overrides it per provider.");
  static final Setting ROUTE_QUEUE_MS = integer("tts.routeQueueMs", "ROUTE_QUEUE_MS", 2000, 0, 60_000)
      .describe("When every instance that could serve a request is at capacity, the request waits up to this long "
          + "for room, then fails with `provider_unavailable`.");
  static final Setting CIRCUIT_FAILURE_THRESHOLD = integer("tts.circuitFailureThreshold", "CIRCUIT_FAILURE_THRESHOLD",
      3, 1, 1000)
      .describe("Failures in a row (engine errors, or deadlines missed as reported by the pipeline) after which a "
          + "provider instance's circuit breaker opens: it refuses requests at once and the router skips it.");
  static final Setting CIRCUIT_OPEN_MS = integer("tts.circuitOpenMs", "CIRCUIT_OPEN_MS", 5000, 100, 600_000)
      .describe("How long an open circuit stays open before it is half-open: the instance then synthesizes one probe "
          + "sentence of real text itself, held to the pipeline's deadlines (`tts.providerTimeoutMs` for its first "
          + "audio, `tts.providerStallTimeoutMs` between chunks); success closes the circuit, failure opens it again "
          + "for this long.");
  static final Setting DEADLINE_MULTIPLE = integer("tts.deadlineMultiple", "DEADLINE_MULTIPLE", 4, 1, 100)
      .describe("Per-instance deadlines ([Routing](routing.md#deadlines-and-hedging)). First byte: this multiple of "
          + "the instance's recent p95 time to first audio; when it passes without audio the sentence is also asked "
          + "of the next best instance and the first to answer plays. Stall: this multiple of the instance's p95 "
          + "interval between chunks; when it passes the stream fails and the reply resumes elsewhere. Each is "
          + "clamped to the floor and ceiling of the provider's kind.");
  static final Setting LOCAL_DEADLINE_FLOOR_MS = integer("tts.localDeadlineFloorMs", "LOCAL_DEADLINE_FLOOR_MS",
      500, 10, 600_000)
      .describe("Shortest deadline (first byte and stall) of a local provider instance (espeak, onnx): below it a "
          + "busy but healthy engine (a GC pause, a loaded CPU) would be given up on. A dead node is learnt sooner "
          + "from the cluster ([Routing](routing.md#learning-of-a-dead-node)).");
  static final Setting LOCAL_DEADLINE_CEILING_MS = integer("tts.localDeadlineCeilingMs", "LOCAL_DEADLINE_CEILING_MS",
      2000, 10, 600_000)
      .documented("10–600000, and ≥ `tts.localDeadlineFloorMs`")
      .describe("Longest deadline of a local provider instance, and its deadline before it has measured any "
          + "latency; a local stream without audio fails at it. Never more than `tts.providerTimeoutMs` (first byte) "
          + "or `tts.providerStallTimeoutMs` (stall).");
  static final Setting CLOUD_DEADLINE_FLOOR_MS = integer("tts.cloudDeadlineFloorMs", "CLOUD_DEADLINE_FLOOR_MS",
      2000, 10, 600_000)
      .describe("Shortest deadline of a cloud provider instance (elevenlabs, azure, openai), whose latency varies "
          + "with the internet; its ceilings are `tts.providerTimeoutMs` and `tts.providerStallTimeoutMs`.");
  static final Setting HEDGING = bool("tts.hedging", "HEDGING", true)
      .describe("When a sentence's first audio from a local provider instance is later than that instance's recent "
          + "p95 time to first audio (and at least `tts.localDeadlineFloorMs`), the pipeline asks the next "
          + "best instance too and keeps whichever answers first, cancelling the other: at most one hedge per "
          + "sentence. Needs `tts.enableProviderSwitching`.");
  static final Setting HEDGE_CLOUD = bool("tts.hedgeCloud", "HEDGE_CLOUD", false)
      .describe("Hedge cloud providers too. Off by default: a hedged sentence may be billed twice.");

  static final List<Setting> SETTINGS = List.of(PROVIDER, QUALITY_TIER, SAMPLE_RATE, ENABLE_EMOTIONS, ENABLE_CLONING,
      ENABLE_PROVIDER_SWITCHING, LATENCY_TARGET_MS, ADAPTIVE_QUALITY, GPU_ACCELERATION, MAX_TEXT_CHARS,
      MAX_IN_FLIGHT_PER_CONNECTION, CHUNK_MILLIS, FIRST_CHUNK_MAX_CHARS, MAX_CHUNK_CHARS, STREAM_WINDOW,
      STREAM_STALL_TIMEOUT_MS, PROVIDER_TIMEOUT_MS, PROVIDER_STALL_TIMEOUT_MS, MAX_LOAD_PER_PROVIDER, ROUTE_QUEUE_MS,
      CIRCUIT_FAILURE_THRESHOLD, CIRCUIT_OPEN_MS, DEADLINE_MULTIPLE, LOCAL_DEADLINE_FLOOR_MS, LOCAL_DEADLINE_CEILING_MS,
      CLOUD_DEADLINE_FLOOR_MS, HEDGING, HEDGE_CLOUD);

  public TtsConfig {
    if (streamStallTimeoutMs <= providerTimeoutMs) {
      throw STREAM_STALL_TIMEOUT_MS.invalid(streamStallTimeoutMs, "more than PROVIDER_TIMEOUT_MS ("
          + providerTimeoutMs + "), or slow sentences look like dead nodes");
    }
    if (localDeadlineCeilingMs < localDeadlineFloorMs) {
      throw LOCAL_DEADLINE_CEILING_MS.invalid(localDeadlineCeilingMs, "at least LOCAL_DEADLINE_FLOOR_MS ("
          + localDeadlineFloorMs + ")");
    }
    if (firstChunkMaxChars > maxChunkChars) {
      throw FIRST_CHUNK_MAX_CHARS.invalid(firstChunkMaxChars, "at most MAX_CHUNK_CHARS (" + maxChunkChars + ")");
    }
  }

  static TtsConfig from(JsonObject config) {
    return new TtsConfig(PROVIDER.readString(config), QUALITY_TIER.readString(config), SAMPLE_RATE.readInt(config),
        ENABLE_EMOTIONS.readBool(config), ENABLE_CLONING.readBool(config), ENABLE_PROVIDER_SWITCHING.readBool(config),
        LATENCY_TARGET_MS.readInt(config), ADAPTIVE_QUALITY.readBool(config), GPU_ACCELERATION.readBool(config),
        MAX_TEXT_CHARS.readInt(config), MAX_IN_FLIGHT_PER_CONNECTION.readInt(config), CHUNK_MILLIS.readInt(config),
        FIRST_CHUNK_MAX_CHARS.readInt(config), MAX_CHUNK_CHARS.readInt(config), STREAM_WINDOW.readInt(config),
        STREAM_STALL_TIMEOUT_MS.readInt(config), PROVIDER_TIMEOUT_MS.readInt(config),
        PROVIDER_STALL_TIMEOUT_MS.readInt(config), MAX_LOAD_PER_PROVIDER.readInt(config),
        ROUTE_QUEUE_MS.readInt(config), CIRCUIT_FAILURE_THRESHOLD.readInt(config), CIRCUIT_OPEN_MS.readInt(config),
        DEADLINE_MULTIPLE.readInt(config), LOCAL_DEADLINE_FLOOR_MS.readInt(config),
        LOCAL_DEADLINE_CEILING_MS.readInt(config), CLOUD_DEADLINE_FLOOR_MS.readInt(config), HEDGING.readBool(config),
        HEDGE_CLOUD.readBool(config));
  }
}
