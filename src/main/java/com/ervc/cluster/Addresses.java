package com.ervc.cluster;

/** Event-bus addresses and headers; docs/event-bus.md describes each message. */
public final class Addresses {
  public static final String PIPELINE_SYNTHESIZE = "tts.pipeline.synthesize";
  public static final String CACHE_GET = "tts.cache.get";
  public static final String CACHE_PUT = "tts.cache.put";
  public static final String CACHE_STATS = "tts.cache.stats";

  /** Header names on stream messages (pipeline → gateway sink). */
  public static final String H_STREAM = "stream";
  public static final String H_TYPE = "type";
  public static final String H_SEQ = "seq";
  public static final String H_END = "end";
  public static final String H_KEY = "key";
  public static final String H_SAMPLE_RATE = "sampleRate";

  private Addresses() {
  }

  public static String provider(String name) {
    return "tts.provider." + name + ".synthesize";
  }

  /** One sink per gateway node: streams are told apart by the {@link #H_STREAM} header, not by address. */
  public static String sink(String nodeId) {
    return "tts.sink." + nodeId;
  }
}
