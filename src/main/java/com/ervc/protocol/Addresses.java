package com.ervc.protocol;

/** Event-bus addresses and headers; docs/event-bus.md describes each message. */
public final class Addresses {
  public static final String PIPELINE_SYNTHESIZE = "tts.pipeline.synthesize";
  public static final String CACHE_GET = "tts.cache.get";
  public static final String CACHE_PUT = "tts.cache.put";
  public static final String CACHE_STATS = "tts.cache.stats";
  /** Published (to every node) by each provider instance about once a second: its {@code ProviderLoad}. */
  public static final String PROVIDER_LOAD = "tts.providers.load";
  /** Published by a new load registry: every provider instance answers by publishing its load at once. */
  public static final String PROVIDER_LOAD_REQUEST = "tts.providers.load.request";
  /** The cluster-wide AsyncMap of provider directory entries ({@code <name>@<nodeId>} → {@link ProviderInfo}). */
  public static final String PROVIDER_DIRECTORY = "tts.providers";
  /** The cluster-wide AsyncMap of the latest quality figures ({@code <provider>@<voice>@<nodeId>} → {@link QualityResult}). */
  public static final String QUALITY_RESULTS = "tts.quality";
  /** Published (to every gateway) when a voice profile was created, changed or deleted: {@link ProfileChanged}. */
  public static final String VOICE_PROFILE_CHANGED = "tts.voice-profiles.changed";

  /** Header names on stream messages (pipeline → gateway sink, provider → pipeline receiver); type and version: {@link BusProtocol}. */
  public static final String H_STREAM = "stream";
  public static final String H_SEQ = "seq";
  public static final String H_END = "end";
  public static final String H_KEY = "key";
  public static final String H_SAMPLE_RATE = "sampleRate";

  private Addresses() {
  }

  public static String provider(String name) {
    return "tts.provider." + name + ".synthesize";
  }

  /** One provider instance (verticle) only: the pipeline's router sends streaming requests here. */
  public static String providerInstance(String name, String instanceId) {
    return "tts.provider." + name + ".instance." + instanceId;
  }

  /** One receiver per pipeline verticle: provider streams are told apart by the {@link #H_STREAM} header. */
  public static String receiver(String pipelineId) {
    return "tts.pipeline.receiver." + pipelineId;
  }

  /** Each node's own admin agent: status, drain and undrain ({@link AdminMessage}). */
  public static String adminNode(String nodeId) {
    return "admin.node." + nodeId;
  }

  /** One provider instance's admin controls: circuit, capacity, re-probe ({@link AdminMessage}). */
  public static String adminInstance(String instanceId) {
    return "admin.instance." + instanceId;
  }

  /** One gateway's admin end: its WebSocket sessions and their disconnect ({@link AdminMessage}). */
  public static String adminGateway(String nodeId) {
    return "admin.gateway." + nodeId;
  }

  /** One cache node's admin end: eviction of its entries ({@link AdminMessage.EvictCache}). */
  public static String adminCache(String nodeId) {
    return "admin.cache." + nodeId;
  }

  /**
   * An operator's action sent by an admin console through the node's SockJS bridge (docs/admin-console.md): only
   * the node serving that console handles it (a local consumer), with the actor the bridge stamped.
   */
  public static String adminAction(String action) {
    return "admin.action." + action;
  }

  /** A live view the node publishes to its own connected admin consoles (local only) about once a second. */
  public static String adminView(String view) {
    return "admin.view." + view;
  }

  /** One sink per gateway node: streams are told apart by the {@link #H_STREAM} header, not by address. */
  public static String sink(String nodeId) {
    return "tts.sink." + nodeId;
  }
}
