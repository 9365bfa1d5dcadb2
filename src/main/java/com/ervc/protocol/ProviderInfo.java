package com.ervc.protocol;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * What a provider instance offers, as announced in the cluster-wide directory and shown by
 * {@code GET /api/v1/providers}.
 */
public record ProviderInfo(String name, String nodeId, boolean available, String defaultVoice, List<Voice> voices,
                           List<String> emotions, List<String> qualityTiers, boolean streaming, boolean pitch,
                           int nativeSampleRate,
                           String detail, JsonObject capabilities, VoiceDesign design) implements BusBody {
  public static final String TYPE = "provider-info";

  /** The directory entry's value: the info and the protocol version it was written with. */
  @Override
  public JsonObject body() {
    return toJson().put(BusProtocol.H_VERSION, BusProtocol.VERSION);
  }

  /** Without a voice design (null: the provider speaks only the voices it lists). */
  public ProviderInfo(String name, String nodeId, boolean available, String defaultVoice, List<Voice> voices,
                      List<String> emotions, List<String> qualityTiers, boolean streaming, boolean pitch,
                      int nativeSampleRate, String detail, JsonObject capabilities) {
    this(name, nodeId, available, defaultVoice, voices, emotions, qualityTiers, streaming, pitch, nativeSampleRate,
        detail, capabilities, null);
  }

  /** Without node capabilities (null: none published). */
  public ProviderInfo(String name, String nodeId, boolean available, String defaultVoice, List<Voice> voices,
                      List<String> emotions, List<String> qualityTiers, boolean streaming, boolean pitch,
                      int nativeSampleRate, String detail) {
    this(name, nodeId, available, defaultVoice, voices, emotions, qualityTiers, streaming, pitch, nativeSampleRate,
        detail, null);
  }

  /** {@code details}: optional extra fields (e.g. format, sampleRate, sizeBytes, gpu), flattened into the JSON. */
  public record Voice(String id, String name, String language, String gender, JsonObject details) {
    public Voice(String id, String name, String language, String gender) {
      this(id, name, language, gender, null);
    }

    JsonObject toJson() {
      JsonObject json = details == null ? new JsonObject() : details.copy();
      return json.put("id", id).put("name", name).put("language", language).put("gender", gender);
    }

    static Voice fromJson(JsonObject json) {
      JsonObject extra = json.copy();
      List.of("id", "name", "language", "gender").forEach(extra::remove);
      return new Voice(json.getString("id"), json.getString("name"), json.getString("language"), json.getString("gender"),
          extra.isEmpty() ? null : extra);
    }
  }

  /** A voice of the list, a {@link RemoteVoice} made at this provider, or a voice of its {@link VoiceDesign}. */
  public boolean hasVoice(String id) {
    if (RemoteVoice.is(id)) {
      return RemoteVoice.provider(id).equals(name);
    }
    return voices.stream().anyMatch(v -> v.id().equals(id))
        || design != null && design.looksDesigned(id) && design.problem(id, voiceIds()).isEmpty();
  }

  public List<String> voiceIds() {
    return voices.stream().map(Voice::id).toList();
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("name", name)
        .put("node", nodeId)
        .put("available", available)
        .put("defaultVoice", defaultVoice)
        .put("voices", new JsonArray(voices.stream().map(Voice::toJson).toList()))
        .put("emotions", new JsonArray(emotions))
        .put("qualityTiers", new JsonArray(qualityTiers))
        .put("streaming", streaming)
        .put("pitch", pitch)
        .put("nativeSampleRate", nativeSampleRate)
        .put("detail", detail)
        .put("capabilities", capabilities)
        .put("design", design == null ? null : design.toJson());
  }

  public static ProviderInfo fromJson(JsonObject json) {
    return new ProviderInfo(json.getString("name"), json.getString("node"), json.getBoolean("available", false),
        json.getString("defaultVoice"),
        json.getJsonArray("voices", new JsonArray()).stream().map(v -> Voice.fromJson((JsonObject) v)).toList(),
        strings(json.getJsonArray("emotions")), strings(json.getJsonArray("qualityTiers")),
        json.getBoolean("streaming", false), json.getBoolean("pitch", false), json.getInteger("nativeSampleRate", 0), json.getString("detail"),
        json.getJsonObject("capabilities"), VoiceDesign.fromJson(json.getJsonObject("design")));
  }

  private static List<String> strings(JsonArray array) {
    return array == null ? List.of() : array.stream().map(String::valueOf).toList();
  }
}
