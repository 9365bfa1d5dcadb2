package com.ervc.protocol;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RemoteVoiceTest {
  private static final String VOICE = RemoteVoice.of("elevenlabs", "c38kUX8pkfYO2kHyqfFy");

  @Test
  void aRemoteVoiceNamesItsProviderAndTheVendorsId() {
    assertEquals("remote:elevenlabs:c38kUX8pkfYO2kHyqfFy", VOICE);
    assertTrue(RemoteVoice.is(VOICE));
    assertEquals("elevenlabs", RemoteVoice.provider(VOICE));
    assertEquals("c38kUX8pkfYO2kHyqfFy", RemoteVoice.id(VOICE));
    assertFalse(RemoteVoice.is("en-US-JennyNeural"));
    assertFalse(RemoteVoice.is("remote:"));
    assertFalse(RemoteVoice.is(null));
  }

  @Test
  void clientsCannotNameARemoteVoiceButNodesPassItOn() {
    JsonObject client = new JsonObject().put("text", "Hello").put("voice", VOICE);
    SpeechException refused = assertThrows(SpeechException.class, () -> TtsRequest.parse(client, 100, 24_000));
    assertEquals(ErrorCode.INVALID_REQUEST, refused.code());
    assertTrue(refused.getMessage().contains("profile:"), refused.getMessage());
    assertThrows(SpeechException.class, () -> TtsRequest.checkVoiceFields(new JsonObject().put("voice", VOICE)));
    // What a gateway resolved from a ready registration crosses to the pipeline and the provider intact.
    TtsRequest resolved = TtsRequest.parse(new JsonObject().put("text", "Hello"), 100, 24_000)
        .withProvider("elevenlabs", VOICE);
    assertEquals(VOICE, TtsRequest.fromJson(resolved.toJson()).voice());
  }

  @Test
  void onlyTheProviderThatMadeItOffersIt() {
    ProviderInfo elevenLabs = new ProviderInfo("elevenlabs", "n1", true, "v", List.of(), List.of(), List.of(), true,
        false, 24_000, "");
    ProviderInfo azure = new ProviderInfo("azure", "n1", true, "v", List.of(), List.of(), List.of(), true, false,
        24_000, "");
    assertTrue(elevenLabs.hasVoice(VOICE));
    assertFalse(azure.hasVoice(VOICE));
  }
}
