package com.ervc.protocol;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The directory's JSON: voice details and node capabilities are optional, older entries still read. */
class ProviderInfoTest {
  @Test
  void voiceDetailsAndCapabilitiesRoundTrip() {
    ProviderInfo info = new ProviderInfo("onnx", "n1", true, "v", List.of(new ProviderInfo.Voice("v", "v", "en_US", null,
        new JsonObject().put("format", "piper").put("sampleRate", 22050).put("gpu", false))), List.of("neutral"),
        List.of("fast"), false, true, 22050, "ok", new JsonObject().put("cuda", false));
    assertEquals(info, ProviderInfo.fromJson(info.toJson()));
    assertEquals(22050, info.toJson().getJsonArray("voices").getJsonObject(0).getInteger("sampleRate"));
  }

  @Test
  void entriesWithoutTheNewFieldsStillRead() {
    JsonObject old = new JsonObject().put("name", "espeak").put("node", "n").put("available", true)
        .put("voices", new io.vertx.core.json.JsonArray().add(new JsonObject().put("id", "en").put("name", "English")
            .put("language", "en").put("gender", "m")));
    ProviderInfo info = ProviderInfo.fromJson(old);
    assertNull(info.capabilities());
    assertEquals(new ProviderInfo.Voice("en", "English", "en", "m"), info.voices().get(0));
    assertNull(info.voices().get(0).details());
  }
}
