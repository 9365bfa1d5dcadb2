package com.ervc.provider.cloud;

import com.ervc.config.ConfigLoader;
import com.ervc.config.ServiceConfig;
import com.ervc.profile.Registration;
import com.ervc.profile.VoiceCloner;
import com.ervc.profile.VoiceProfile;
import com.ervc.protocol.SpeechException;
import com.ervc.metrics.ServiceMetrics;
import com.ervc.protocol.Emotion;
import com.ervc.protocol.QualityTier;
import com.ervc.protocol.RemoteVoice;
import com.ervc.protocol.TtsRequest;
import com.ervc.provider.ProviderHarness;
import com.ervc.provider.ProviderVerticle;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every vendor's voice cloner does, run against the vendor's strict fake: the profile's audio reaches the
 * vendor in its wire format and the vendor's voice id comes back as a ready registration, a remote voice can be
 * deleted (twice), refusals for good are failed registrations with the vendor's reason and never the key, and
 * transient failures are retryable errors for the registrar.
 */
public abstract class VoiceClonerContract {
  protected static final String KEY = "sk-clone-S3CRET-key-0123456789abcdef";

  protected Vertx vertx;
  protected FakeCloudServer fake;

  protected abstract FakeCloudServer newFake(Vertx vertx, String key);

  protected abstract VoiceCloner cloner(Vertx vertx, ServiceConfig config);

  /** The settings that point the vendor at {@code url} with {@code key}. */
  protected abstract Map<String, String> env(String url, String key);

  /** Whether the fake holds a voice with this id (usable for synthesis). */
  protected abstract boolean fakeHasVoice(String remoteId);

  /**
   * Whether the fake still holds what deleting {@code registration} must remove: the voice, or where the vendor
   * documents no deletion of voices (OpenAI) the consent it was made with.
   */
  protected abstract boolean fakeStillHolds(Registration registration);

  /** The audio files the fake received for the voice, in the order sent (consent recordings excluded). */
  protected abstract List<byte[]> uploadedSamples();

  /** The clips of {@link #sampleProfile()} the vendor takes as samples of the voice. */
  protected abstract List<String> expectedSampleClips();

  /** The provider verticle that speaks the vendor's voices. */
  protected abstract BiFunction<ServiceMetrics, ServiceConfig, ProviderVerticle> providerFactory();

  /** Settings the provider needs beyond {@link #env}. */
  protected abstract Map<String, String> providerEnv(String url);

  /** Asserts that the fake's last synthesis used the vendor voice {@code remoteId} in the vendor's wire format. */
  protected abstract void assertSpokeWith(String remoteId);

  /** A word of the vendor's own quota message, which a failed registration's detail must carry. */
  protected abstract String quotaWords();

  @BeforeEach
  void startFake() throws Exception {
    vertx = Vertx.vertx();
    fake = newFake(vertx, KEY).start();
  }

  @AfterEach
  void stopFake() throws Exception {
    fake.close();
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  protected VoiceCloner cloner(String key) {
    Map<String, String> env = new HashMap<>(env(fake.url(), key));
    env.put("CLOUD_CONNECT_TIMEOUT_MS", "1000");
    return cloner(vertx, ConfigLoader.load(null, env));
  }

  protected static byte[] wav(int clip) {
    return CloningSamples.wav(clip);
  }

  protected static VoiceProfile profile(String provider, String voice) {
    return CloningSamples.profile(provider, voice);
  }

  protected static Map<String, byte[]> audio() {
    return CloningSamples.audio();
  }

  protected abstract VoiceProfile sampleProfile();

  protected Registration register(VoiceCloner cloner, VoiceProfile profile, Map<String, byte[]> audio)
      throws Exception {
    return cloner.register(profile, audio).await(60, TimeUnit.SECONDS);
  }

  @Test
  void theSamplesReachTheVendorAndItsVoiceIdComesBackReady() throws Exception {
    Registration registration = register(cloner(KEY), sampleProfile(), audio());
    assertEquals(Registration.Status.READY, registration.status(), registration.detail());
    assertNotNull(registration.remoteId());
    assertTrue(fakeHasVoice(registration.remoteId()));
    List<byte[]> sent = uploadedSamples();
    List<String> expected = expectedSampleClips();
    assertEquals(expected.size(), sent.size(), "the samples, not the consent recording");
    for (int i = 0; i < expected.size(); i++) {
      assertArrayEquals(audio().get(expected.get(i)), sent.get(i));
    }
  }

  @Test
  void theProviderSpeaksWithTheRegisteredVoice() throws Exception {
    VoiceProfile profile = sampleProfile();
    Registration registration = register(cloner(KEY), profile, audio());
    Map<String, String> env = new HashMap<>(env(fake.url(), KEY));
    env.putAll(providerEnv(fake.url()));
    try (ProviderHarness provider = ProviderHarness.deploy(providerFactory(), env)) {
      String voice = RemoteVoice.of(profile.provider(), registration.remoteId());
      assertTrue(provider.info().hasVoice(voice));
      assertFalse(provider.info().voices().stream().anyMatch(v -> v.id().contains(registration.remoteId())),
          "a profile's voice is not in the public voice list");
      List<Buffer> audio = provider.chunks(new TtsRequest("Hello in my own voice.", profile.provider(), voice,
          Emotion.NEUTRAL, 0.5, QualityTier.BALANCED, 1.0, 0, 24_000));
      assertEquals(FakeCloudServer.pcmFor("Hello in my own voice.").length(), ProviderHarness.joined(audio).length());
      assertSpokeWith(registration.remoteId());
    }
  }

  @Test
  void aDeletedVoiceIsGoneAndDeletingItAgainSucceeds() throws Exception {
    VoiceCloner cloner = cloner(KEY);
    Registration registration = register(cloner, sampleProfile(), audio());
    cloner.delete(registration).await(30, TimeUnit.SECONDS);
    assertFalse(fakeStillHolds(registration));
    cloner.delete(registration).await(30, TimeUnit.SECONDS);
  }

  @Test
  void aRefusedKeyIsAFailedRegistrationThatNeverShowsTheKey() throws Exception {
    String wrongKey = "sk-wrong-S3CRET-0123456789";
    Registration registration = register(cloner(wrongKey), sampleProfile(), audio());
    assertEquals(Registration.Status.FAILED, registration.status());
    assertNull(registration.remoteId());
    assertTrue(registration.detail().contains("rejected the configured credentials"), registration.detail());
    assertFalse(registration.detail().contains(wrongKey), registration.detail());
    assertFalse(registration.detail().contains("S3CRET"), registration.detail());
  }

  @Test
  void exceededQuotaIsAFailedRegistrationWithTheVendorsReason() throws Exception {
    fake.failNext(FakeCloudServer.Fault.QUOTA);
    Registration registration = register(cloner(KEY), sampleProfile(), audio());
    assertEquals(Registration.Status.FAILED, registration.status());
    assertTrue(registration.detail().contains("out of quota"), registration.detail());
    assertTrue(registration.detail().contains(quotaWords()), registration.detail());
  }

  @Test
  void audioTheVendorRejectsIsAFailedRegistrationWithTheVendorsReason() throws Exception {
    Map<String, byte[]> notAudio = new HashMap<>(audio());
    notAudio.put("c0", "this is not audio at all".repeat(20).getBytes());
    Registration registration = register(cloner(KEY), sampleProfile(), notAudio);
    assertEquals(Registration.Status.FAILED, registration.status());
    assertTrue(registration.detail().contains("refused the request"), registration.detail());
  }

  @Test
  void aServerThatKeepsFailingIsARetryableError() throws Exception {
    // The client's own policy retries once; both attempts fail.
    fake.failNext(FakeCloudServer.Fault.SERVER_ERROR);
    fake.failNext(FakeCloudServer.Fault.SERVER_ERROR);
    Throwable failure = assertThrows(Throwable.class, () -> register(cloner(KEY), sampleProfile(), audio()));
    SpeechException error = assertInstanceOf(SpeechException.class,
        failure instanceof SpeechException ? failure : failure.getCause());
    assertTrue(error.retryable(), error.getMessage());
  }
}
