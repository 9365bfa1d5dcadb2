package com.ervc.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.ervc.pipeline.ProviderSelector.Choice;
import com.ervc.provider.Emotion;
import com.ervc.provider.ErrorCode;
import com.ervc.provider.ProviderInfo;
import com.ervc.provider.ProviderInfo.Voice;
import com.ervc.provider.QualityTier;
import com.ervc.provider.SpeechException;
import com.ervc.provider.TtsRequest;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProviderSelectorTest {

  private static final ProviderInfo ESPEAK = provider("espeak", "node-1", true, "en-us", "en-us", "en-gb");
  private static final ProviderInfo ESPEAK_DOWN = provider("espeak", "node-2", false, "en-us", "en-us", "en-gb");
  private static final ProviderInfo ONNX = provider("onnx", "node-1", true, "amy", "amy", "en-us");

  private static ProviderInfo provider(String name, String node, boolean available, String defaultVoice,
                                       String... voices) {
    List<Voice> offered = Arrays.stream(voices).map(id -> new Voice(id, id, "en", null)).toList();
    return new ProviderInfo(name, node, available, defaultVoice, offered, Emotion.wireNames(),
        QualityTier.wireNames(), false, false, 22050, null);
  }

  private static TtsRequest request(String provider, String voice) {
    return new TtsRequest("Hi.", provider, voice, Emotion.NEUTRAL, 0.5, QualityTier.BALANCED, 1.0, 0.0, 24000);
  }

  private static SpeechException failure(ProviderSelector selector, TtsRequest request, ProviderInfo... running) {
    return assertThrows(SpeechException.class, () -> selector.select(request, List.of(running)));
  }

  private static void assertFailure(ErrorCode code, String message, SpeechException e) {
    assertEquals(code, e.code());
    assertEquals(message, e.getMessage());
  }

  @Test
  void namedRunningProviderIsChosenWithItsDefaultVoice() {
    ProviderSelector selector = new ProviderSelector("onnx", false);

    assertEquals(new Choice("espeak", "en-us"), selector.select(request("espeak", null), List.of(ONNX, ESPEAK)));
  }

  @Test
  void namedProviderKeepsARequestedVoiceItOffers() {
    ProviderSelector selector = new ProviderSelector("espeak", true);

    assertEquals(new Choice("espeak", "en-gb"), selector.select(request("espeak", "en-gb"), List.of(ESPEAK)));
  }

  @Test
  void namedProviderNotRunningListsTheRunningOnes() {
    ProviderSelector selector = new ProviderSelector("espeak", true);

    assertFailure(ErrorCode.PROVIDER_UNAVAILABLE, "provider 'azure' is not running (running: espeak, onnx)",
        failure(selector, request("azure", null), ESPEAK, ONNX));
  }

  @Test
  void namedProviderWithoutTheVoiceIsAnInvalidRequest() {
    ProviderSelector selector = new ProviderSelector("espeak", true);

    // No silent switch: the client asked for this provider by name.
    assertFailure(ErrorCode.INVALID_REQUEST,
        "voice 'amy' is not offered by provider 'espeak' (see GET /api/v1/voices)",
        failure(selector, request("espeak", "amy"), ESPEAK, ONNX));
  }

  @Test
  void autoUsesTheConfiguredDefault() {
    ProviderSelector selector = new ProviderSelector("onnx", false);

    assertEquals(new Choice("onnx", "amy"), selector.select(request("auto", null), List.of(ESPEAK, ONNX)));
  }

  @Test
  void autoSwitchesToAnotherProviderWhenTheDefaultIsNotRunning() {
    ProviderSelector selector = new ProviderSelector("onnx", true);

    assertEquals(new Choice("espeak", "en-us"), selector.select(request("auto", null), List.of(ESPEAK)));
  }

  @Test
  void autoWithSwitchingOffFailsWhenTheDefaultIsNotRunning() {
    ProviderSelector selector = new ProviderSelector("onnx", false);

    assertFailure(ErrorCode.PROVIDER_UNAVAILABLE,
        "the default provider 'onnx' is not running and provider switching is off (running: espeak)",
        failure(selector, request("auto", null), ESPEAK));
  }

  @Test
  void autoDefaultMeansAnyRunningProviderEvenWithSwitchingOff() {
    ProviderSelector selector = new ProviderSelector("auto", false);

    assertEquals(new Choice("onnx", "amy"), selector.select(request("auto", null), List.of(ONNX)));
  }

  @Test
  void autoFindsTheProviderThatOffersTheRequestedVoice() {
    ProviderSelector selector = new ProviderSelector("espeak", true);

    assertEquals(new Choice("onnx", "amy"), selector.select(request("auto", "amy"), List.of(ESPEAK, ONNX)));
  }

  @Test
  void autoPrefersTheDefaultWhenBothOfferTheVoice() {
    ProviderSelector selector = new ProviderSelector("onnx", true);

    assertEquals(new Choice("onnx", "en-us"), selector.select(request("auto", "en-us"), List.of(ESPEAK, ONNX)));
  }

  @Test
  void unknownVoiceIsAnInvalidRequest() {
    ProviderSelector selector = new ProviderSelector("espeak", true);

    assertFailure(ErrorCode.INVALID_REQUEST, "no running provider offers voice 'zz-top'",
        failure(selector, request("auto", "zz-top"), ESPEAK, ONNX));
  }

  @Test
  void unavailableEntriesAreIgnored() {
    ProviderSelector selector = new ProviderSelector("espeak", true);

    assertEquals(new Choice("onnx", "amy"), selector.select(request("auto", null), List.of(ESPEAK_DOWN, ONNX)));
    assertFailure(ErrorCode.PROVIDER_UNAVAILABLE, "provider 'espeak' is not running (running: onnx)",
        failure(selector, request("espeak", null), ESPEAK_DOWN, ONNX));
  }

  @Test
  void runningListNamesEachProviderOnce() {
    ProviderSelector selector = new ProviderSelector("espeak", true);
    ProviderInfo secondEspeak = provider("espeak", "node-3", true, "en-us", "en-us");

    assertFailure(ErrorCode.PROVIDER_UNAVAILABLE, "provider 'azure' is not running (running: espeak)",
        failure(selector, request("azure", null), ESPEAK, secondEspeak));
  }

  @Test
  void nothingRunningIsProviderUnavailable() {
    ProviderSelector switching = new ProviderSelector("espeak", true);

    assertFailure(ErrorCode.PROVIDER_UNAVAILABLE, "no provider is running (running: none)",
        failure(switching, request("auto", null)));
    assertFailure(ErrorCode.PROVIDER_UNAVAILABLE, "no provider is running (running: none)",
        failure(switching, request("auto", null), ESPEAK_DOWN));
    assertFailure(ErrorCode.PROVIDER_UNAVAILABLE, "provider 'espeak' is not running (running: none)",
        failure(switching, request("espeak", null)));
  }
}
