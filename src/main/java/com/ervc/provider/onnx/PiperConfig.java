package com.ervc.provider.onnx;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fields of a Piper {@code .onnx.json} that synthesis needs (see piper's {@code parseModelConfig} and
 * piper1-gpl's {@code PiperConfig.from_dict}); missing optional fields get Piper's defaults.
 */
public record PiperConfig(int sampleRate, String quality, String espeakVoice, String language, String phonemeType,
                          double noiseScale, double lengthScale, double noiseW,
                          Map<String, long[]> phonemeIdMap, Map<String, List<String>> phonemeMap,
                          int numSpeakers, Map<String, Integer> speakerIdMap, int defaultSpeakerId) {

  /** Throws IllegalArgumentException naming the first problem. */
  public static PiperConfig parse(JsonObject json) {
    JsonObject audio = json.getJsonObject("audio", new JsonObject());
    JsonObject espeak = json.getJsonObject("espeak", new JsonObject());
    JsonObject inference = json.getJsonObject("inference", new JsonObject());
    String phonemeType = json.getString("phoneme_type", "espeak");
    if (!phonemeType.equals("espeak") && !phonemeType.equals("text")) {
      throw new IllegalArgumentException("phoneme_type '" + phonemeType + "' is not supported (espeak or text)");
    }
    JsonObject rawIds = json.getJsonObject("phoneme_id_map");
    if (rawIds == null || rawIds.isEmpty()) {
      throw new IllegalArgumentException("phoneme_id_map is missing");
    }
    Map<String, long[]> ids = new LinkedHashMap<>();
    rawIds.forEach(e -> ids.put(e.getKey(), longs((JsonArray) e.getValue())));
    for (String marker : List.of(PhonemeIds.PAD, PhonemeIds.BOS, PhonemeIds.EOS)) {
      if (!ids.containsKey(marker)) {
        throw new IllegalArgumentException("phoneme_id_map has no '" + marker + "'");
      }
    }
    Map<String, List<String>> phonemeMap = new LinkedHashMap<>();
    json.getJsonObject("phoneme_map", new JsonObject()).forEach(e -> phonemeMap.put(e.getKey(),
        ((JsonArray) e.getValue()).stream().map(String::valueOf).toList()));
    Map<String, Integer> speakers = new LinkedHashMap<>();
    json.getJsonObject("speaker_id_map", new JsonObject()).forEach(e -> speakers.put(e.getKey(), ((Number) e.getValue()).intValue()));
    int sampleRate = audio.getInteger("sample_rate", 22050);
    if (sampleRate < 8000 || sampleRate > 48000) {
      throw new IllegalArgumentException("audio.sample_rate " + sampleRate + " is outside 8000-48000");
    }
    JsonObject language = json.getJsonObject("language", new JsonObject());
    String espeakVoice = espeak.getString("voice", "en-us");
    return new PiperConfig(sampleRate, audio.getString("quality", "medium"), espeakVoice,
        language.getString("code", espeakVoice), phonemeType,
        inference.getDouble("noise_scale", 0.667), inference.getDouble("length_scale", 1.0),
        inference.getDouble("noise_w", 0.8), ids, phonemeMap, json.getInteger("num_speakers", 1), speakers,
        json.getInteger("default_speaker_id", 0));
  }

  /** Speaker names in id order; "0", "1", … when the file names none. */
  public List<String> speakerNames() {
    List<String> names = new ArrayList<>();
    if (numSpeakers <= 1) {
      return names;
    }
    if (!speakerIdMap.isEmpty()) {
      speakerIdMap.entrySet().stream().sorted(Map.Entry.comparingByValue()).forEach(e -> names.add(e.getKey()));
    } else {
      for (int i = 0; i < numSpeakers; i++) {
        names.add(Integer.toString(i));
      }
    }
    return names;
  }

  public int speakerId(String name) {
    Integer id = speakerIdMap.get(name);
    return id != null ? id : Integer.parseInt(name);
  }

  private static long[] longs(JsonArray array) {
    long[] values = new long[array.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = array.getLong(i);
    }
    return values;
  }
}
