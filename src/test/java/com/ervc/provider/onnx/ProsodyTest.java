package com.ervc.provider.onnx;

import com.ervc.protocol.TtsRequest;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProsodyTest {
  private static TtsRequest request(JsonObject fields) {
    return TtsRequest.parse(fields.put("text", "x"), 100, 24000);
  }

  @Test
  void neutralIsIdentity() {
    assertEquals(Prosody.NEUTRAL, Prosody.of(request(new JsonObject()), true));
  }

  @Test
  void speedAndPitchMapToDurationAndPitchFactor() {
    Prosody p = Prosody.of(request(new JsonObject().put("speed", 2.0).put("pitch", 1.0)), true);
    assertEquals(2.0, p.rate(), 1e-9);
    assertEquals(Math.pow(2, 4 / 12.0), p.pitchFactor(), 1e-9);
    assertEquals(p.pitchFactor() / 2.0, p.durationFactor(), 1e-9);
  }

  @Test
  void emotionScalesWithIntensityAndCanBeSwitchedOff() {
    Prosody sadFull = Prosody.of(request(new JsonObject().put("emotion", "sad").put("intensity", 1.0)), true);
    Prosody sadHalf = Prosody.of(request(new JsonObject().put("emotion", "sad").put("intensity", 0.5)), true);
    assertEquals(0.85, sadFull.rate(), 1e-9);
    assertEquals(0.925, sadHalf.rate(), 1e-9);
    assertTrue(sadFull.pitchFactor() < 1 && sadFull.gain() < 1 && sadFull.noise() < 1 && sadFull.noiseW() < 1);
    Prosody excited = Prosody.of(request(new JsonObject().put("emotion", "excited").put("intensity", 1.0)), true);
    assertTrue(excited.rate() > 1 && excited.pitchFactor() > 1 && excited.noise() > 1);
    assertEquals(Prosody.NEUTRAL, Prosody.of(request(new JsonObject().put("emotion", "angry").put("intensity", 1.0)), false));
  }
}
