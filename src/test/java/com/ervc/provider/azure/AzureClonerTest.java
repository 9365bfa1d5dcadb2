package com.ervc.provider.azure;

import com.ervc.config.ServiceConfig;
import com.ervc.metrics.ServiceMetrics;
import com.ervc.provider.ProviderVerticle;
import java.util.function.BiFunction;
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
import static org.junit.jupiter.api.Assertions.assertTrue;

class AzureClonerTest extends VoiceClonerContract {
  private static final String COMPANY = "Example Ltd";

  private FakeAzureSpeechServer azure() {
    return (FakeAzureSpeechServer) fake;
  }

  @Override
  protected FakeCloudServer newFake(Vertx vertx, String key) {
    return new FakeAzureSpeechServer(vertx, key);
  }

  @Override
  protected VoiceCloner cloner(Vertx vertx, ServiceConfig config) {
    return new AzureCloner(vertx, config.providers().azure(), config.providers().cloud(), 10, 20);
  }

  @Override
  protected Map<String, String> env(String url, String key) {
    return Map.of("AZURE_SPEECH_KEY", key, "AZURE_CUSTOM_VOICE_ENDPOINT", url,
        "AZURE_PERSONAL_VOICE_PROJECT", FakeAzureSpeechServer.PROJECT, "AZURE_PERSONAL_VOICE_COMPANY", COMPANY);
  }

  @Override
  protected BiFunction<ServiceMetrics, ServiceConfig, ProviderVerticle> providerFactory() {
    return AzureVerticle::new;
  }

  @Override
  protected Map<String, String> providerEnv(String url) {
    return Map.of("AZURE_TTS_ENDPOINT", url);
  }

  @Override
  protected void assertSpokeWith(String remoteId) {
    FakeAzureSpeechServer.Spoken spoken = azure().spoken().get(azure().spoken().size() - 1);
    assertEquals(remoteId, spoken.speakerProfileId());
    assertEquals("DragonLatestNeural", spoken.voice());
  }

  @Override
  protected boolean fakeHasVoice(String remoteId) {
    return azure().personalVoices.values().stream().anyMatch(v -> remoteId.equals(v.getString("speakerProfileId")));
  }

  @Override
  protected boolean fakeStillHolds(Registration registration) {
    return azure().personalVoices.containsKey(registration.consentId())
        || azure().consents.containsKey(registration.consentId());
  }

  private List<FakeCloudServer.Received> posts(String resource) {
    return fake.received().stream()
        .filter(r -> r.method().equals("POST") && r.path().startsWith("/customvoice/" + resource + "/")).toList();
  }

  @Override
  protected List<byte[]> uploadedSamples() {
    FakeCloudServer.Received voice = posts("personalvoices").get(0);
    return voice.form().files("audiodata").stream()
        .map(MultipartForm.Part::data).toList();
  }

  @Override
  protected List<String> expectedSampleClips() {
    return List.of("c0", "c1");
  }

  @Override
  protected String quotaWords() {
    return "Out of call volume quota";
  }

  @Override
  protected VoiceProfile sampleProfile() {
    return profile(AzureVerticle.NAME, "en-US-JennyNeural");
  }

  @Test
  void theConsentNamesTalentCompanyAndLocaleAndTheVoiceItsConsent() throws Exception {
    Registration registration = register(cloner(KEY), sampleProfile(), audio());
    assertEquals(Registration.Status.READY, registration.status(), registration.detail());
    FakeCloudServer.Received consentCall = posts("consents").get(0);
    assertEquals("/customvoice/consents/" + registration.consentId(), consentCall.path());
    assertEquals("api-version=" + AzureCloner.API_VERSION, consentCall.query());
    assertEquals(KEY, consentCall.headers().get("Ocp-Apim-Subscription-Key"));
    MultipartForm consent = consentCall.form();
    assertEquals(FakeAzureSpeechServer.PROJECT, consent.field("projectId"));
    assertEquals("Ada Lovelace", consent.field("voiceTalentName"));
    assertEquals(COMPANY, consent.field("companyName"));
    assertEquals("en-US", consent.field("locale"));
    assertArrayEquals(audio().get("c2"), consent.files("audiodata").get(0).data());
    MultipartForm voice = posts("personalvoices").get(0).form();
    assertEquals(registration.consentId(), voice.field("consentId"));
    // The speaker profile id, not the personal voice id, is what synthesis uses.
    assertEquals(azure().personalVoices.get(registration.consentId()).getString("speakerProfileId"),
        registration.remoteId());
    assertTrue(fake.received().stream().anyMatch(r -> r.method().equals("GET")), "the status was polled");
  }

  @Test
  void aConsentAzureRejectsIsAFailedRegistrationWithItsReasonAndNothingLeft() throws Exception {
    azure().failConsentWith = "The consent audio does not match the consent statement.";
    Registration registration = register(cloner(KEY), sampleProfile(), audio());
    assertEquals(Registration.Status.FAILED, registration.status());
    assertTrue(registration.detail().contains("does not match the consent statement"), registration.detail());
    assertTrue(posts("personalvoices").isEmpty());
    assertTrue(azure().consents.isEmpty(), "the failed consent was deleted");
  }

  @Test
  void aVoiceStillRunningAfterThePollBoundIsARetryableErrorThatLeavesNothing() throws Exception {
    azure().readsUntilDone = 1000;
    Throwable failure = org.junit.jupiter.api.Assertions.assertThrows(Throwable.class,
        () -> register(cloner(KEY), sampleProfile(), audio()));
    com.ervc.protocol.SpeechException error = (com.ervc.protocol.SpeechException)
        (failure instanceof com.ervc.protocol.SpeechException ? failure : failure.getCause());
    assertTrue(error.retryable(), error.getMessage());
    assertTrue(error.getMessage().contains("still"), error.getMessage());
    assertTrue(azure().consents.isEmpty());
  }
}
