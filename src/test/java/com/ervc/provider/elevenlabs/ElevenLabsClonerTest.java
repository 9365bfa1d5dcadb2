package com.ervc.provider.elevenlabs;

import com.ervc.config.ServiceConfig;
import com.ervc.metrics.ServiceMetrics;
import com.ervc.provider.ProviderVerticle;
import java.util.function.BiFunction;
import com.ervc.profile.Registration;
import com.ervc.profile.VoiceCloner;
import com.ervc.profile.VoiceProfile;
import com.ervc.provider.cloud.FakeCloudServer;
import com.ervc.provider.cloud.Multipart;
import com.ervc.provider.cloud.MultipartForm;
import com.ervc.provider.cloud.VoiceClonerContract;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ElevenLabsClonerTest extends VoiceClonerContract {

  private FakeElevenLabsServer elevenLabs() {
    return (FakeElevenLabsServer) fake;
  }

  @Override
  protected FakeCloudServer newFake(Vertx vertx, String key) {
    return new FakeElevenLabsServer(vertx, key);
  }

  @Override
  protected VoiceCloner cloner(Vertx vertx, ServiceConfig config) {
    return new ElevenLabsCloner(vertx, config.providers().elevenlabs(), config.providers().cloud());
  }

  @Override
  protected Map<String, String> env(String url, String key) {
    return Map.of("ELEVENLABS_BASE_URL", url, "ELEVENLABS_API_KEY", key);
  }

  @Override
  protected BiFunction<ServiceMetrics, ServiceConfig, ProviderVerticle> providerFactory() {
    return ElevenLabsVerticle::new;
  }

  @Override
  protected Map<String, String> providerEnv(String url) {
    return Map.of();
  }

  @Override
  protected void assertSpokeWith(String remoteId) {
    assertTrue(fake.received().stream().anyMatch(r -> r.method().equals("POST")
        && r.path().equals("/v1/text-to-speech/" + remoteId + "/stream")), "voice_id in the path");
  }

  @Override
  protected boolean fakeHasVoice(String remoteId) {
    return elevenLabs().clonedVoices.containsKey(remoteId);
  }

  @Override
  protected boolean fakeStillHolds(Registration registration) {
    return elevenLabs().clonedVoices.containsKey(registration.remoteId());
  }

  @Override
  protected List<byte[]> uploadedSamples() {
    List<FakeCloudServer.Received> adds = fake.received("/v1/voices/add");
    FakeCloudServer.Received last = adds.get(adds.size() - 1);
    return last.form().files("files").stream()
        .map(MultipartForm.Part::data).toList();
  }

  @Override
  protected List<String> expectedSampleClips() {
    return List.of("c0", "c1");
  }

  @Override
  protected String quotaWords() {
    return "exceeds your quota";
  }

  @Override
  protected VoiceProfile sampleProfile() {
    return profile(ElevenLabsVerticle.NAME, FakeElevenLabsServer.VOICE);
  }

  @Test
  void theFormCarriesNameDescriptionAndTheProfileLabelAsAJsonString() throws Exception {
    VoiceProfile profile = sampleProfile();
    Registration registration = register(cloner(KEY), profile, audio());
    MultipartForm form = fake.received("/v1/voices/add").get(0).form();
    assertNotNull(form);
    assertEquals("Ada's voice", form.field("name"));
    assertEquals("warm and slow", form.field("description"));
    assertEquals("false", form.field("remove_background_noise"));
    assertEquals(new JsonObject().put("language", "en-US").put(ElevenLabsCloner.PROFILE_LABEL, profile.id()),
        new JsonObject(form.field("labels")));
    assertEquals(List.of("c0.wav", "c1.wav"), form.files("files").stream().map(MultipartForm.Part::filename).toList());
    assertEquals("audio/wav", form.files("files").get(0).contentType());
    assertEquals(KEY, fake.received("/v1/voices/add").get(0).headers().get("xi-api-key"));
    // The cloned voice is the profile's: the provider's public voice list leaves it out.
    JsonObject listed = new JsonObject().put("voices", new io.vertx.core.json.JsonArray()
        .add(elevenLabs().clonedVoices.get(registration.remoteId())));
    assertTrue(ElevenLabsRequests.voices(listed).isEmpty());
  }

  @Test
  void aFullAccountIsAFailedRegistrationNamingTheLimit() throws Exception {
    elevenLabs().voiceLimit = 0;
    Registration registration = register(cloner(KEY), sampleProfile(), audio());
    assertEquals(Registration.Status.FAILED, registration.status());
    assertTrue(registration.detail().contains("maximum amount of custom voices"), registration.detail());
  }

  @Test
  void theFakeRefusesMalformedFormsAsElevenLabsDoes() throws Exception {
    WebClient client = WebClient.create(vertx);
    try {
      // Not multipart at all.
      HttpResponse<Buffer> json = client.postAbs(fake.url() + "/v1/voices/add").putHeader("xi-api-key", KEY)
          .sendJsonObject(new JsonObject().put("name", "x")).await(10, TimeUnit.SECONDS);
      assertEquals(422, json.statusCode());
      // A file sent as a text field.
      Multipart textFile = new Multipart().field("name", "x").field("files", "RIFF....WAVE");
      assertEquals(422, send(client, textFile).statusCode());
      assertTrue(send(client, textFile).bodyAsString().contains("Expected UploadFile"));
      // No name.
      Multipart noName = new Multipart().file("files", "a.wav", "audio/wav", wav(0));
      HttpResponse<Buffer> missing = send(client, noName);
      assertEquals(422, missing.statusCode());
      assertTrue(missing.bodyAsString().contains("\"name\""), missing.bodyAsString());
      // No key.
      HttpResponse<Buffer> anonymous = client.postAbs(fake.url() + "/v1/voices/add")
          .putHeader("Content-Type", noName.contentType()).sendBuffer(noName.body()).await(10, TimeUnit.SECONDS);
      assertEquals(401, anonymous.statusCode());
      assertFalse(elevenLabs().clonedVoices.size() > 0);
    } finally {
      client.close();
    }
  }

  private HttpResponse<Buffer> send(WebClient client, Multipart form) throws Exception {
    return client.requestAbs(HttpMethod.POST, fake.url() + "/v1/voices/add").putHeader("xi-api-key", KEY)
        .putHeader("Content-Type", form.contentType()).sendBuffer(form.body()).await(10, TimeUnit.SECONDS);
  }
}
