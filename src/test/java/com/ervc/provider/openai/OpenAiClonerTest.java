package com.ervc.provider.openai;

import com.ervc.config.ServiceConfig;
import com.ervc.metrics.ServiceMetrics;
import com.ervc.provider.ProviderVerticle;
import java.util.function.BiFunction;
import com.ervc.profile.Consent;
import com.ervc.profile.Registration;
import com.ervc.profile.VoiceCloner;
import com.ervc.profile.VoiceProfile;
import com.ervc.provider.cloud.FakeCloudServer;
import com.ervc.provider.cloud.MultipartForm;
import com.ervc.provider.cloud.VoiceClonerContract;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OpenAiClonerTest extends VoiceClonerContract {

  private FakeOpenAiServer openAi() {
    return (FakeOpenAiServer) fake;
  }

  @Override
  protected FakeCloudServer newFake(Vertx vertx, String key) {
    return new FakeOpenAiServer(vertx, key);
  }

  @Override
  protected VoiceCloner cloner(Vertx vertx, ServiceConfig config) {
    return new OpenAiCloner(vertx, config.providers().openai(), config.providers().cloud());
  }

  @Override
  protected Map<String, String> env(String url, String key) {
    return Map.of("OPENAI_BASE_URL", url + "/v1", "OPENAI_API_KEY", key);
  }

  @Override
  protected BiFunction<ServiceMetrics, ServiceConfig, ProviderVerticle> providerFactory() {
    return OpenAiVerticle::new;
  }

  @Override
  protected Map<String, String> providerEnv(String url) {
    return Map.of("OPENAI_TTS_API", "speech");
  }

  @Override
  protected void assertSpokeWith(String remoteId) {
    List<FakeCloudServer.Received> speech = fake.received("/v1/audio/speech");
    assertEquals(new io.vertx.core.json.JsonObject().put("id", remoteId),
        speech.get(speech.size() - 1).json().getJsonObject("voice"));
  }

  @Override
  protected boolean fakeHasVoice(String remoteId) {
    return openAi().voices.containsKey(remoteId);
  }

  @Override
  protected boolean fakeStillHolds(Registration registration) {
    return openAi().consents.containsKey(registration.consentId());
  }

  @Override
  protected List<byte[]> uploadedSamples() {
    return fake.received("/v1/audio/voices").stream()
        .map(r -> r.form().files("audio_sample").get(0).data())
        .toList();
  }

  @Override
  protected List<String> expectedSampleClips() {
    return List.of("c0");
  }

  @Override
  protected String quotaWords() {
    return "exceeded your current quota";
  }

  @Override
  protected VoiceProfile sampleProfile() {
    return profile(OpenAiVerticle.NAME, "marin");
  }

  @Test
  void theConsentRecordingGoesFirstAndTheVoiceNamesItsConsent() throws Exception {
    VoiceProfile profile = sampleProfile();
    Registration registration = register(cloner(KEY), profile, audio());
    FakeCloudServer.Received consentCall = fake.received("/v1/audio/voice_consents").get(0);
    MultipartForm consent = consentCall.form();
    assertEquals("Ada Lovelace", consent.field("name"));
    assertEquals("en-US", consent.field("language"));
    assertArrayEquals(audio().get("c2"), consent.files("recording").get(0).data());
    assertEquals("audio/wav", consent.files("recording").get(0).contentType());
    assertEquals("Bearer " + KEY, consentCall.headers().get("Authorization"));
    FakeCloudServer.Received voiceCall = fake.received("/v1/audio/voices").get(0);
    MultipartForm voice = voiceCall.form();
    assertEquals("Ada's voice", voice.field("name"));
    assertEquals(registration.consentId(), voice.field("consent"));
    assertTrue(registration.consentId().startsWith("cons_"));
    assertTrue(registration.remoteId().startsWith("voice_"));
    // Deleting the registration deletes its consent (OpenAI documents no deletion of the voice itself).
    cloner(KEY).delete(registration).await();
    assertFalse(openAi().consents.containsKey(registration.consentId()));
  }

  @Test
  void withoutAConsentRecordingNothingIsSentAndTheRegistrationFails() throws Exception {
    VoiceProfile base = sampleProfile();
    Consent unrecorded = new Consent("Ada Lovelace", "en-US", base.consent().statement(), null, "user-1",
        base.consent().createdAt());
    VoiceProfile profile = new VoiceProfile(base.id(), base.owner(), 1, base.name(), base.description(),
        base.language(), base.provider(), base.voice(), base.settings(), base.clips(), unrecorded, List.of(),
        base.created(), base.updated());
    Registration registration = register(cloner(KEY), profile, audio());
    assertEquals(Registration.Status.FAILED, registration.status());
    assertTrue(registration.detail().contains("consent statement"), registration.detail());
    assertTrue(fake.received().isEmpty());
  }

  @Test
  void anOrganisationWithoutAccessGetsAFailedRegistrationNotACrash() throws Exception {
    openAi().customVoicesAllowed = false;
    Registration registration = register(cloner(KEY), sampleProfile(), audio());
    assertEquals(Registration.Status.FAILED, registration.status());
    assertNull(registration.remoteId());
    assertTrue(registration.detail().contains("not available for this organization"), registration.detail());
  }

  @Test
  void aRejectedSampleLeavesNoConsentBehind() throws Exception {
    Map<String, byte[]> badSample = new java.util.HashMap<>(audio());
    badSample.put("c0", "not audio".repeat(40).getBytes());
    Registration registration = register(cloner(KEY), sampleProfile(), badSample);
    assertEquals(Registration.Status.FAILED, registration.status());
    assertTrue(registration.detail().contains("could not be decoded"), registration.detail());
    assertEquals(1, fake.received("/v1/audio/voice_consents").size());
    assertTrue(openAi().consents.isEmpty(), "the consent made for the failed voice was deleted");
  }
}
