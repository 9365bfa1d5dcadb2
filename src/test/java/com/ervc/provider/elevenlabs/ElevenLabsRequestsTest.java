package com.ervc.provider.elevenlabs;

import com.ervc.protocol.Emotion;
import com.ervc.protocol.QualityTier;
import com.ervc.protocol.TtsRequest;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ElevenLabsRequestsTest {
  private static TtsRequest sentence(String text, String voice) {
    return new TtsRequest(text, "elevenlabs", voice, Emotion.SAD, 0.5, QualityTier.HIGH, 1, 0, 24_000);
  }

  @Test
  void textTooLongForV3StaysOnMultilingual() {
    assertEquals("eleven_v3", ElevenLabsRequests.model(sentence("x".repeat(3000), "v")));
    assertEquals("eleven_multilingual_v2", ElevenLabsRequests.model(sentence("x".repeat(3001), "v")));
  }

  @Test
  void theVoiceIdIsEncodedAsOnePathSegment() {
    assertEquals("/v1/text-to-speech/a%2Fb%3Ac/stream?output_format=pcm_24000",
        ElevenLabsRequests.synthesis(sentence("Hi", "a/b:c"), null).pathAndQuery());
  }

  @Test
  void voiceListEntriesWithoutAnIdAreSkipped() {
    JsonObject answer = new JsonObject("{\"voices\":[{\"name\":\"no id\"},{\"voice_id\":\"v1\",\"name\":\"One\","
        + "\"verified_languages\":[{\"language\":\"de\"}]}]}");

    var voices = ElevenLabsRequests.voices(answer);
    assertEquals(1, voices.size());
    assertEquals("de", voices.get(0).languageCode());
  }
}
