package com.ervc.provider.azure;

import com.ervc.protocol.Emotion;
import com.ervc.protocol.QualityTier;
import com.ervc.protocol.TtsRequest;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

class AzureSsmlTest {
  private static TtsRequest sentence(Emotion emotion, double intensity, double speed) {
    return new TtsRequest("Hi & bye", "azure", "en-US-JennyNeural", emotion, intensity, QualityTier.FAST, speed, 0, 24_000);
  }

  @Test
  void neutralAtNormalSpeedIsMinimal() {
    assertEquals("<speak version=\"1.0\" xmlns=\"http://www.w3.org/2001/10/synthesis\" "
            + "xmlns:mstts=\"https://www.w3.org/2001/mstts\" xml:lang=\"en-US\"><voice name=\"en-US-JennyNeural\">"
            + "Hi &amp; bye</voice></speak>",
        AzureSsml.build(sentence(Emotion.NEUTRAL, 0.5, 1.0), "en-US-JennyNeural", "en-US", Set.of()));
  }

  @Test
  void styleDegreeFollowsIntensityWithinAzuresRange() {
    assertEquals(0.01, AzureSsml.styleDegree(0.0));
    assertEquals(1.0, AzureSsml.styleDegree(0.5));
    assertEquals(2.0, AzureSsml.styleDegree(1.0));
  }

  @Test
  void theFirstStyleOfTheChainTheVoiceHasWins() {
    assertEquals("friendly", AzureSsml.style(Emotion.HAPPY, Set.of("hopeful", "friendly")));
    assertEquals(null, AzureSsml.style(Emotion.CALM, Set.of("cheerful")));
  }

  @Test
  void rateIsClampedToHalfAndDouble() {
    String ssml = AzureSsml.build(sentence(Emotion.NEUTRAL, 0.5, 4.0), "v", "en-US", Set.of());
    assertEquals(true, ssml.contains("<prosody rate=\"2.00\">"), ssml);
  }
}
