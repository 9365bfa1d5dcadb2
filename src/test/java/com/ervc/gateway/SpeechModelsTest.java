package com.ervc.gateway;

import com.ervc.config.OpenAiApiConfig;
import com.ervc.protocol.QualityTier;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SpeechModelsTest {
  private final SpeechModels models = new SpeechModels(new OpenAiApiConfig(
      List.of("tts-1=auto:fast", "tts-1-hd=auto:high", "kokoro=onnx", "espeak=espeak:high"),
      List.of("alloy=espeak:en-us", "alloy=onnx:kokoro:af_heart", "nova=onnx:kokoro:af_nova"), "ffmpeg"),
      List.of("espeak", "onnx", "azure"));

  @Test
  void aliasesAndProviderNamesAreModels() {
    assertEquals(List.of("tts-1", "tts-1-hd", "kokoro", "espeak", "onnx", "azure"),
        models.models().stream().map(SpeechModels.Model::id).toList());
    assertEquals(new SpeechModels.Model("kokoro", "onnx", null), models.model("kokoro"));
    assertEquals(new SpeechModels.Model("azure", "azure", null), models.model("azure"));
    assertEquals(QualityTier.HIGH, models.model("espeak").quality(), "an alias overrides the provider's own name");
  }

  @Test
  void anUnknownModelIs404() {
    OpenAiError error = assertThrows(OpenAiError.class, () -> models.resolve("tts-2", "alloy", null));
    assertEquals(404, error.status());
    assertEquals("model_not_found", error.body().getJsonObject("error").getString("code"));
    assertEquals("model", error.body().getJsonObject("error").getString("param"));
  }

  @Test
  void aVoiceNameTakesTheEntryOfTheModelsProvider() {
    assertEquals(new SpeechModels.Choice("onnx", "kokoro:af_heart", null), models.resolve("kokoro", "alloy", null));
    assertEquals(new SpeechModels.Choice("espeak", "en-us", QualityTier.HIGH), models.resolve("espeak", "alloy", null));
  }

  @Test
  void anAutoModelTakesTheFirstEntryOfTheVoice() {
    assertEquals(new SpeechModels.Choice("espeak", "en-us", QualityTier.FAST), models.resolve("tts-1", "alloy", null));
    assertEquals(new SpeechModels.Choice("onnx", "kokoro:af_nova", QualityTier.HIGH),
        models.resolve("tts-1-hd", "nova", null));
  }

  @Test
  void nativeIdsAndProfilesPassThrough() {
    assertEquals(new SpeechModels.Choice("espeak", "en-gb", QualityTier.HIGH), models.resolve("espeak", "en-gb", null));
    assertEquals(new SpeechModels.Choice("auto", "profile:anna", QualityTier.FAST),
        models.resolve("tts-1", null, "profile:anna"));
    assertEquals(new SpeechModels.Choice("onnx", "alloy", null), models.resolve("kokoro", null, "alloy"),
        "the object form is always a native id, even when it spells an OpenAI name");
  }

  @Test
  void anOpenAiVoiceWithoutAMappingIsA400NamingTheVoice() {
    OpenAiError unmapped = assertThrows(OpenAiError.class, () -> models.resolve("tts-1", "cedar", null));
    assertEquals(400, unmapped.status());
    assertEquals("voice", unmapped.body().getJsonObject("error").getString("param"));
    OpenAiError otherProvider = assertThrows(OpenAiError.class, () -> models.resolve("azure", "nova", null));
    assertEquals("voice_not_found", otherProvider.body().getJsonObject("error").getString("code"));
  }
}
