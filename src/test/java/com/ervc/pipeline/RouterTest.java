package com.ervc.pipeline;

import com.ervc.protocol.Emotion;
import com.ervc.protocol.ErrorCode;
import com.ervc.protocol.ProviderInfo;
import com.ervc.protocol.ProviderLoad;
import com.ervc.protocol.QualityTier;
import com.ervc.protocol.TtsRequest;
import com.ervc.protocol.VoiceChoice;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RouterTest {
  private static ProviderLoad load(String name, String instance, int inFlight, int capacity, double ttfa,
                                   List<String> voices, List<String> tiers, String circuit) {
    ProviderInfo info = new ProviderInfo(name, "node-" + instance, true, voices.get(0),
        voices.stream().map(v -> new ProviderInfo.Voice(v, v, "en", "female")).toList(), List.of("neutral", "happy"),
        tiers, true, true, 22050, "test");
    return new ProviderLoad(instance, "addr-" + instance, info, inFlight, capacity, 0, ttfa, -1, 0, circuit, false);
  }

  private static ProviderLoad espeak(String instance, int inFlight, double ttfa) {
    return load("espeak", instance, inFlight, 10, ttfa, List.of("en-us", "de"), List.of("fast", "balanced", "high"),
        "closed");
  }

  private static TtsRequest request(JsonObject fields) {
    return TtsRequest.parse(fields.put("text", "Hello."), 1000, 24000);
  }

  @Test
  void picksTheLowestExpectedLatency() {
    Router router = new Router("espeak", true);
    Route route = router.pick(request(new JsonObject()), List.of(espeak("slow", 0, 400), espeak("fast", 0, 40)),
        Set.of(), null).orThrow();
    assertEquals("fast", route.instanceId());
    assertEquals("en-us", route.voice(), "the provider's default voice");
    assertEquals("addr-fast", route.address());
  }

  @Test
  void scoreGrowsWithLoadQueueAndErrors() {
    ProviderLoad idle = espeak("a", 0, 100);
    assertEquals(100, Router.score(idle), 1e-9);
    assertEquals(150, Router.score(espeak("a", 5, 100)), 1e-9);
    ProviderLoad failing = new ProviderLoad("a", "x", idle.info(), 0, 10, 1, 100, -1, 0.5, "closed", false);
    assertEquals(400, Router.score(failing), 1e-9);
    assertEquals(Router.UNMEASURED_TTFA_MS, Router.score(espeak("a", 0, -1)), 1e-9);
  }

  @Test
  void fullInstancesAreSkippedAndAllFullMeansWait() {
    Router router = new Router("espeak", true);
    Route route = router.pick(request(new JsonObject()), List.of(espeak("busy", 10, 10), espeak("idle", 0, 500)),
        Set.of(), null).orThrow();
    assertEquals("idle", route.instanceId());
    Router.Result full = router.pick(request(new JsonObject()), List.of(espeak("busy", 10, 10)), Set.of(), null);
    assertNull(full.route());
    assertTrue(full.full());
    assertEquals(ErrorCode.PROVIDER_UNAVAILABLE, full.error().code());
  }

  @Test
  void excludedOpenAndIncapableInstancesAreNotEligible() {
    Router router = new Router("auto", true);
    ProviderLoad open = load("espeak", "open", 0, 10, 1, List.of("en-us"), List.of("balanced"), "open");
    ProviderLoad noHigh = load("onnx", "nohigh", 0, 10, 1, List.of("amy"), List.of("fast", "balanced"), "closed");
    ProviderLoad good = load("onnx", "good", 0, 10, 900, List.of("amy"), List.of("high"), "closed");
    ProviderLoad failed = load("onnx", "failed", 0, 10, 1, List.of("amy"), List.of("high"), "closed");
    Route route = router.pick(request(new JsonObject().put("quality", "high")), List.of(open, noHigh, good, failed),
        Set.of("failed"), null).orThrow();
    assertEquals("good", route.instanceId());
  }

  @Test
  void tierAndEmotionArePreferredNotRequired() {
    Router router = new Router("auto", true);
    ProviderLoad onlyFast = load("espeak", "e", 0, 10, 1, List.of("en-us"), List.of("fast"), "closed");
    ProviderLoad high = load("onnx", "o", 0, 10, 900, List.of("amy"), List.of("high"), "closed");
    assertEquals("onnx", router.pick(request(new JsonObject().put("quality", "high")), List.of(onlyFast, high),
        Set.of(), null).orThrow().provider(), "the provider that offers the tier, though slower");
    assertEquals("espeak", router.pick(request(new JsonObject().put("quality", "high")), List.of(onlyFast),
        Set.of(), null).orThrow().provider(), "none offers it: served at the provider's own tier");
    assertEquals("espeak", router.pick(request(new JsonObject().put("emotion", "sad")), List.of(onlyFast),
        Set.of(), null).orThrow().provider(), "spoken neutrally (emotions switched off, say)");
  }

  @Test
  void theDefaultProviderComesFirstAndOthersOnlyWithSwitching() {
    ProviderLoad onnx = load("onnx", "o", 0, 10, 1, List.of("amy"), List.of("balanced"), "closed");
    ProviderLoad slowEspeak = espeak("e", 0, 900);
    assertEquals("espeak", new Router("espeak", true).pick(request(new JsonObject()), List.of(onnx, slowEspeak),
        Set.of(), null).orThrow().provider(), "the configured default wins while it can serve");
    assertEquals("onnx", new Router("espeak", true).pick(request(new JsonObject()), List.of(onnx), Set.of(), null)
        .orThrow().provider(), "switching falls back to another provider");
    Router.Result off = new Router("espeak", false).pick(request(new JsonObject()), List.of(onnx), Set.of(), null);
    assertEquals(ErrorCode.PROVIDER_UNAVAILABLE, off.error().code());
    assertTrue(off.error().getMessage().contains("switching is off"), off.error().getMessage());
  }

  @Test
  void anExplicitProviderOrVoiceIsHonoured() {
    Router router = new Router("espeak", true);
    ProviderLoad onnx = load("onnx", "o", 0, 10, 1, List.of("amy"), List.of("balanced"), "closed");
    List<ProviderLoad> live = List.of(onnx, espeak("e", 0, 900));
    assertEquals("onnx", router.pick(request(new JsonObject().put("voice", "amy")), live, Set.of(), null)
        .orThrow().provider(), "only onnx offers the voice");
    Router.Result missing = router.pick(request(new JsonObject().put("provider", "azure")), live, Set.of(), null);
    assertTrue(missing.error().getMessage().contains("'azure' is not running"), missing.error().getMessage());
    Router.Result noVoice = router.pick(request(new JsonObject().put("voice", "zz")), live, Set.of(), null);
    assertEquals(ErrorCode.INVALID_REQUEST, noVoice.error().code());
    Router.Result named = router.pick(request(new JsonObject().put("provider", "espeak")), List.of(onnx), Set.of(), null);
    assertEquals(ErrorCode.PROVIDER_UNAVAILABLE, named.error().code(), "a named provider is never swapped for another");
  }

  @Test
  void failoverKeepsProviderAndVoiceWhenAnotherInstanceIsLeft() {
    Router router = new Router("auto", true);
    Route failed = new Route("espeak", "a", "node-a", "addr-a", "de");
    ProviderLoad onnx = load("onnx", "o", 0, 10, 1, List.of("amy"), List.of("fast", "balanced", "high"), "closed");
    Route next = router.pick(request(new JsonObject()), List.of(onnx, espeak("a", 0, 10), espeak("b", 0, 500)),
        Set.of("a"), failed).orThrow();
    assertEquals("b", next.instanceId());
    assertEquals("de", next.voice(), "the reply keeps its voice");
    Route other = router.pick(request(new JsonObject()), List.of(onnx, espeak("a", 0, 10)), Set.of("a"), failed)
        .orThrow();
    assertEquals("onnx", other.provider(), "no espeak left: another provider, with its default voice");
    assertEquals("amy", other.voice());
  }

  /** A request of a voice profile ready at ElevenLabs (its base provider) and Azure, its base voice last. */
  private static TtsRequest profileRequest() {
    List<VoiceChoice> voices = List.of(new VoiceChoice("elevenlabs", "remote:elevenlabs:xi1"),
        new VoiceChoice("azure", "remote:azure:spk-1"), new VoiceChoice("elevenlabs", "rachel"));
    return request(new JsonObject()).withProfile("vp_abcdefghij0123456789", 3, voices, Emotion.NEUTRAL, 0.5,
        QualityTier.BALANCED, 1, 0);
  }

  private static ProviderLoad cloud(String name, String instance, double ttfa, String... voices) {
    return load(name, instance, 0, 10, ttfa, List.of(voices), List.of("balanced"), "closed");
  }

  @Test
  void aProfileRequestGoesToTheFirstOfItsAlternativesThatIsRunningWithThatAlternativesVoice() {
    Router router = new Router("espeak", false);
    ProviderLoad xi = cloud("elevenlabs", "xi", 900, "rachel");
    ProviderLoad az = cloud("azure", "az", 10, "jenny");
    ProviderLoad es = espeak("es", 0, 1);
    Route first = router.pick(profileRequest(), List.of(es, az, xi), Set.of(), null).orThrow();
    assertEquals("xi", first.instanceId(), "the base provider's cloned voice first, however slow");
    assertEquals("remote:elevenlabs:xi1", first.voice());

    Route withoutElevenLabs = router.pick(profileRequest(), List.of(es, az), Set.of(), null).orThrow();
    assertEquals("az", withoutElevenLabs.instanceId(), "ElevenLabs down: Azure, even with switching off");
    assertEquals("remote:azure:spk-1", withoutElevenLabs.voice(), "Azure's own cloned voice");

    Router.Result none = router.pick(profileRequest(), List.of(es), Set.of(), null);
    assertNull(none.route(), "never another provider than the profile's, nor its default voice");
    assertEquals(ErrorCode.PROVIDER_UNAVAILABLE, none.error().code());
  }

  @Test
  void aFailoverOfAProfileRequestTriesTheSameVoiceElsewhereThenTheNextAlternativeThenTheBaseVoice() {
    Router router = new Router("auto", true);
    ProviderLoad xi1 = cloud("elevenlabs", "xi1", 100, "rachel");
    ProviderLoad xi2 = cloud("elevenlabs", "xi2", 100, "rachel");
    ProviderLoad az = cloud("azure", "az", 100, "jenny");
    Route failed = router.pick(profileRequest(), List.of(xi1, xi2, az), Set.of(), null).orThrow();
    assertEquals("remote:elevenlabs:xi1", failed.voice());
    Route sameVoice = router.pick(profileRequest(), List.of(xi1, xi2, az), Set.of(failed.instanceId()), failed)
        .orThrow();
    assertEquals("elevenlabs", sameVoice.provider(), "another instance of the same provider and voice first");
    assertEquals("remote:elevenlabs:xi1", sameVoice.voice());

    Route azure = router.pick(profileRequest(), List.of(xi1, xi2, az), Set.of("xi1", "xi2"), sameVoice).orThrow();
    assertEquals(new Route("azure", "az", "node-az", "addr-az", "remote:azure:spk-1"), azure);

    // Azure failed in turn, ElevenLabs is back with one instance: the order again, from the top.
    ProviderLoad xi3 = cloud("elevenlabs", "xi3", 100, "rachel");
    Route back = router.pick(profileRequest(), List.of(xi3, az), Set.of("xi1", "xi2", "az"), azure).orThrow();
    assertEquals("remote:elevenlabs:xi1", back.voice());

  }

  @Test
  void theBaseVoiceServesWhenNoClonedVoiceIsOffered() {
    Router router = new Router("auto", true);
    ProviderLoad onlyStock = cloud("elevenlabs", "xi", 100, "rachel");
    TtsRequest request = request(new JsonObject()).withProfile("vp_abcdefghij0123456789", 2,
        List.of(new VoiceChoice("azure", "remote:azure:spk-1"), new VoiceChoice("elevenlabs", "rachel")),
        Emotion.NEUTRAL, 0.5, QualityTier.BALANCED, 1, 0);
    Route route = router.pick(request, List.of(onlyStock), Set.of(), null).orThrow();
    assertEquals("rachel", route.voice(), "Azure is not running: the profile's base voice, last of its list");
    Router.Result gone = router.pick(request, List.of(onlyStock), Set.of("xi"), route);
    assertNull(gone.route(), "nothing left: no other voice is made up");
  }
}
