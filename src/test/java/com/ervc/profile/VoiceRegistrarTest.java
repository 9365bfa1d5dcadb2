package com.ervc.profile;

import com.ervc.config.ConfigLoader;
import com.ervc.config.ServiceConfig;
import com.ervc.metrics.ServiceMetrics;
import com.ervc.protocol.ErrorCode;
import com.ervc.protocol.SpeechException;
import com.ervc.protocol.VoiceChoice;
import com.ervc.provider.cloud.FakeCloudServer;
import com.ervc.provider.cloud.CloningSamples;
import com.ervc.provider.cloud.MultipartForm;
import com.ervc.provider.elevenlabs.ElevenLabsCloner;
import com.ervc.provider.elevenlabs.FakeElevenLabsServer;
import com.ervc.testing.Await;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The registrar end to end: profiles in a real directory store, registered at the ElevenLabs fake through the real
 * cloner, every state recorded in the store.
 */
class VoiceRegistrarTest {
  private static final String KEY = "xi-registrar-key-0123456789";

  @TempDir
  Path root;
  private Vertx vertx;
  private FakeElevenLabsServer fake;
  private VoiceProfileStore store;
  private ElevenLabsCloner cloner;
  private ServiceMetrics metrics;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    fake = (FakeElevenLabsServer) new FakeElevenLabsServer(vertx, KEY).start();
    store = DirectoryProfileStore.open(vertx, root).await(10, TimeUnit.SECONDS);
    ServiceConfig config = ConfigLoader.load(null, Map.of("ELEVENLABS_BASE_URL", fake.url(), "ELEVENLABS_API_KEY", KEY));
    cloner = new ElevenLabsCloner(vertx, config.providers().elevenlabs(), config.providers().cloud());
    metrics = ServiceMetrics.create("test");
  }

  @AfterEach
  void stop() throws Exception {
    store.close().await(10, TimeUnit.SECONDS);
    fake.close();
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private VoiceRegistrar registrar(VoiceCloner using, int maxAttempts) {
    return new VoiceRegistrar(vertx, store, List.of(using), metrics, maxAttempts, 10);
  }

  private VoiceProfile stored() throws Exception {
    VoiceProfile profile = CloningSamples.profile("elevenlabs", FakeElevenLabsServer.VOICE);
    store.create(profile, CloningSamples.audio()).await(10, TimeUnit.SECONDS);
    return profile;
  }

  private VoiceProfile read(String id) throws Exception {
    return store.get(id).await(10, TimeUnit.SECONDS).orElse(null);
  }

  private double counted(String status) {
    Counter counter = metrics.registry().find("voice.registrations").tags("provider", "elevenlabs", "status", status)
        .counter();
    return counter == null ? 0 : counter.count();
  }

  @Test
  void aRegistrationIsStoredPendingThenReadyWithTheVendorsVoiceId() throws Exception {
    VoiceProfile profile = stored();
    VoiceRegistrar.Registering registering = registrar(cloner, 3).register(profile.id(), profile.provider())
        .await(10, TimeUnit.SECONDS);
    assertEquals(2, registering.pending().version());
    assertEquals(Registration.Status.PENDING, registering.pending().registration("elevenlabs").orElseThrow().status());
    VoiceProfile done = registering.done().await(30, TimeUnit.SECONDS);
    Registration ready = done.registration("elevenlabs").orElseThrow();
    assertEquals(Registration.Status.READY, ready.status(), ready.detail());
    assertTrue(fake.clonedVoices.containsKey(ready.remoteId()));
    VoiceProfile reread = read(profile.id());
    assertEquals(3, reread.version());
    assertEquals(ready, reread.registration("elevenlabs").orElseThrow());
    assertEquals(1, reread.registrations().size());
    assertEquals(1, counted("pending"));
    assertEquals(1, counted("ready"));
    // Registering a ready profile again changes nothing and calls no vendor.
    VoiceRegistrar.Registering again = registrar(cloner, 3).register(profile.id(), profile.provider())
        .await(10, TimeUnit.SECONDS);
    assertEquals(3, again.done().await(10, TimeUnit.SECONDS).version());
    assertEquals(1, fake.received("/v1/voices/add").size());
  }

  @Test
  void aSecondRegistrationOfTheSameProfileJoinsTheRunningOne() throws Exception {
    VoiceProfile profile = stored();
    VoiceRegistrar registrar = registrar(cloner, 3);
    Future<VoiceRegistrar.Registering> first = registrar.register(profile.id(), profile.provider());
    Future<VoiceRegistrar.Registering> second = registrar.register(profile.id(), profile.provider());
    VoiceProfile done = first.await(10, TimeUnit.SECONDS).done().await(30, TimeUnit.SECONDS);
    assertEquals(done, second.await(10, TimeUnit.SECONDS).done().await(30, TimeUnit.SECONDS));
    assertEquals(1, fake.received("/v1/voices/add").size());
    assertEquals(1, fake.clonedVoices.size());
    assertEquals(3, read(profile.id()).version());
  }

  @Test
  void transientVendorFailuresAreRetriedUpToTheBound() throws Exception {
    VoiceProfile profile = stored();
    // Each cloner attempt is two HTTP requests (the client's own retry); the third attempt gets through.
    for (int i = 0; i < 4; i++) {
      fake.failNext(FakeCloudServer.Fault.SERVER_ERROR);
    }
    VoiceProfile done = registrar(cloner, 3).register(profile.id(), profile.provider())
        .await(10, TimeUnit.SECONDS).done()
        .await(60, TimeUnit.SECONDS);
    assertEquals(Registration.Status.READY, done.registration("elevenlabs").orElseThrow().status());
    assertEquals(5, fake.received("/v1/voices/add").size());
  }

  @Test
  void retriesStopAtTheBoundAndTheRegistrationIsFailed() throws Exception {
    VoiceProfile profile = stored();
    for (int i = 0; i < 4; i++) {
      fake.failNext(FakeCloudServer.Fault.SERVER_ERROR);
    }
    VoiceProfile done = registrar(cloner, 2).register(profile.id(), profile.provider())
        .await(10, TimeUnit.SECONDS).done()
        .await(60, TimeUnit.SECONDS);
    Registration failed = done.registration("elevenlabs").orElseThrow();
    assertEquals(Registration.Status.FAILED, failed.status());
    assertTrue(failed.detail().startsWith("gave up after 2 attempts"), failed.detail());
    assertEquals(4, fake.received("/v1/voices/add").size());
    assertEquals(failed, read(profile.id()).registration("elevenlabs").orElseThrow());
    assertEquals(1, counted("failed"));
    // Failed is retryable: the next registration succeeds.
    VoiceProfile retried = registrar(cloner, 2).register(profile.id(), profile.provider())
        .await(10, TimeUnit.SECONDS).done()
        .await(60, TimeUnit.SECONDS);
    assertEquals(Registration.Status.READY, retried.registration("elevenlabs").orElseThrow().status());
  }

  @Test
  void aVendorRefusalIsRecordedAsFailedWithTheVendorsReason() throws Exception {
    VoiceProfile profile = stored();
    fake.failNext(FakeCloudServer.Fault.QUOTA);
    registrar(cloner, 3).register(profile.id(), profile.provider())
        .await(10, TimeUnit.SECONDS).done().await(30, TimeUnit.SECONDS);
    Registration failed = read(profile.id()).registration("elevenlabs").orElseThrow();
    assertEquals(Registration.Status.FAILED, failed.status());
    assertTrue(failed.detail().contains("exceeds your quota"), failed.detail());
    assertNull(failed.remoteId());
    assertEquals(1, fake.received("/v1/voices/add").size(), "a refusal for good is not retried");
  }

  @Test
  void deletingAProfileDeletesItsRemoteVoiceFirst() throws Exception {
    VoiceProfile profile = stored();
    VoiceRegistrar registrar = registrar(cloner, 3);
    String remote = registrar.register(profile.id(), profile.provider())
        .await(10, TimeUnit.SECONDS).done().await(30, TimeUnit.SECONDS)
        .registration("elevenlabs").orElseThrow().remoteId();
    assertTrue(registrar.delete(profile.id()).await(30, TimeUnit.SECONDS));
    assertFalse(fake.clonedVoices.containsKey(remote));
    assertNull(read(profile.id()));
    assertFalse(registrar.delete(profile.id()).await(30, TimeUnit.SECONDS));
  }

  @Test
  void whenTheVendorCannotDeleteTheVoiceTheProfileIsKept() throws Exception {
    VoiceProfile profile = stored();
    VoiceRegistrar registrar = registrar(cloner, 3);
    String remote = registrar.register(profile.id(), profile.provider())
        .await(10, TimeUnit.SECONDS).done().await(30, TimeUnit.SECONDS)
        .registration("elevenlabs").orElseThrow().remoteId();
    fake.failNext(FakeCloudServer.Fault.SERVER_ERROR);
    fake.failNext(FakeCloudServer.Fault.SERVER_ERROR);
    Throwable failure = assertThrows(Throwable.class, () -> registrar.delete(profile.id()).await(30, TimeUnit.SECONDS));
    SpeechException error = assertInstanceOf(SpeechException.class,
        failure instanceof SpeechException ? failure : failure.getCause());
    assertEquals(ErrorCode.PROVIDER_UNAVAILABLE, error.code());
    assertTrue(error.retryable());
    assertTrue(fake.clonedVoices.containsKey(remote));
    assertEquals(remote, read(profile.id()).registration("elevenlabs").orElseThrow().remoteId());
  }

  @Test
  void aVoiceMadeForAProfileDeletedMeanwhileIsDeletedAtTheVendor() throws Exception {
    VoiceProfile profile = stored();
    // The profile goes away while the vendor is making its voice.
    VoiceCloner deletingFirst = new VoiceCloner() {
      @Override
      public String provider() {
        return cloner.provider();
      }

      @Override
      public Future<Registration> register(VoiceProfile p, Map<String, byte[]> audio) {
        return store.delete(p.id()).compose(v -> cloner.register(p, audio));
      }

      @Override
      public Future<Void> delete(Registration registration) {
        return cloner.delete(registration);
      }
    };
    VoiceProfile done = registrar(deletingFirst, 3).register(profile.id(), profile.provider())
        .await(10, TimeUnit.SECONDS).done()
        .await(30, TimeUnit.SECONDS);
    assertNull(done);
    assertEquals(1, fake.received("/v1/voices/add").size());
    assertTrue(fake.clonedVoices.isEmpty(), "the orphaned remote voice was deleted");
  }

  @Test
  void aProfileWhoseProviderCannotCloneIsRefusedClearly() throws Exception {
    VoiceProfile profile = CloningSamples.profile("espeak", "en");
    store.create(profile, CloningSamples.audio()).await(10, TimeUnit.SECONDS);
    Throwable failure = assertThrows(Throwable.class,
        () -> registrar(cloner, 3).register(profile.id(), profile.provider()).await(10, TimeUnit.SECONDS));
    SpeechException error = assertInstanceOf(SpeechException.class,
        failure instanceof SpeechException ? failure : failure.getCause());
    assertEquals(ErrorCode.INVALID_REQUEST, error.code());
    assertTrue(error.getMessage().contains("cloning is set up for: elevenlabs"), error.getMessage());
    assertEquals(1, read(profile.id()).version(), "nothing was recorded");
  }

  @Test
  void aProfileIsRegisteredAtAnotherVendorThanItsBaseProviderAndKeepsItsBaseProvider() throws Exception {
    VoiceProfile profile = CloningSamples.profile("espeak", "en");
    store.create(profile, CloningSamples.audio()).await(10, TimeUnit.SECONDS);
    VoiceProfile done = registrar(cloner, 3).register(profile.id(), "elevenlabs").await(10, TimeUnit.SECONDS).done()
        .await(30, TimeUnit.SECONDS);
    Registration ready = done.registration("elevenlabs").orElseThrow();
    assertEquals(Registration.Status.READY, ready.status(), ready.detail());
    assertTrue(fake.clonedVoices.containsKey(ready.remoteId()));
    assertEquals("espeak", read(profile.id()).provider(), "the base provider stays");
    assertEquals(List.of(new VoiceChoice("elevenlabs", "remote:elevenlabs:" + ready.remoteId()),
        new VoiceChoice("espeak", profile.voice())), read(profile.id()).voiceChoices(),
        "spoken with the cloned voice first, the base voice when ElevenLabs is down");
  }

  /** The profile as stored, less clip {@code removed}, as its next version. */
  private VoiceProfile withoutClip(String id, String removed) throws Exception {
    Map<String, byte[]> none = new HashMap<>();
    VoiceProfile changed = read(id).withClips(List.of(), removed, Instant.now(), none);
    store.changeClips(changed, none).await(10, TimeUnit.SECONDS);
    return changed;
  }

  private List<byte[]> samplesOf(FakeCloudServer.Received add) {
    return add.form().files("files").stream()
        .map(MultipartForm.Part::data).toList();
  }

  @Test
  void aChangeOfClipsMakesTheVoiceStaleAndRegisteringAgainReClonesItAndDeletesTheOldVoiceOnceTheNewIsStored()
      throws Exception {
    VoiceProfile profile = stored();
    VoiceRegistrar registrar = registrar(cloner, 3);
    Registration first = registrar.register(profile.id(), "elevenlabs").await(10, TimeUnit.SECONDS).done()
        .await(30, TimeUnit.SECONDS).registration("elevenlabs").orElseThrow();
    assertEquals(List.of("c0", "c1", "c2"), first.clips(), "the clips the voice was made from");
    assertFalse(read(profile.id()).stale(first));

    VoiceProfile changed = withoutClip(profile.id(), "c0");
    assertTrue(changed.stale(changed.registration("elevenlabs").orElseThrow()), "made from c0, which is gone");
    assertEquals(List.of(new VoiceChoice("elevenlabs", "remote:elevenlabs:" + first.remoteId()),
        new VoiceChoice("elevenlabs", FakeElevenLabsServer.VOICE)), changed.voiceChoices(),
        "a stale voice still speaks until it is replaced");

    VoiceRegistrar.Registering registering = registrar.register(profile.id(), "elevenlabs")
        .await(10, TimeUnit.SECONDS);
    assertTrue(registering.started());
    Registration meanwhile = registering.pending().registration("elevenlabs").orElseThrow();
    assertEquals(Registration.Status.READY, meanwhile.status(), "the old voice stays ready while the new is made");
    assertEquals(first.remoteId(), meanwhile.remoteId());
    assertTrue(meanwhile.detail().startsWith("re-cloning from the current clips (c1, c2)"), meanwhile.detail());
    Registration second = registering.done().await(30, TimeUnit.SECONDS).registration("elevenlabs").orElseThrow();
    assertEquals(Registration.Status.READY, second.status(), second.detail());
    assertNotEquals(first.remoteId(), second.remoteId());
    assertEquals(List.of("c1", "c2"), second.clips());
    assertFalse(read(profile.id()).stale(second));
    List<FakeCloudServer.Received> adds = fake.received("/v1/voices/add");
    assertEquals(2, adds.size());
    assertEquals(1, samplesOf(adds.get(1)).size(), "only the remaining sample clip");
    assertArrayEquals(CloningSamples.wav(1), samplesOf(adds.get(1)).get(0));
    Await.until("the old voice is deleted", Duration.ofSeconds(10),
        () -> !fake.clonedVoices.containsKey(first.remoteId()));
    assertTrue(fake.clonedVoices.containsKey(second.remoteId()));
    FakeCloudServer.Received deleted = fake.received("/v1/voices/" + first.remoteId()).get(0);
    assertEquals("DELETE", deleted.method());
    assertTrue(fake.received().indexOf(deleted) > fake.received().indexOf(adds.get(1)),
        "deleted only after the new voice was made");

    // Made from the current clips: registering again changes nothing and calls nobody.
    VoiceRegistrar.Registering again = registrar.register(profile.id(), "elevenlabs").await(10, TimeUnit.SECONDS);
    assertFalse(again.started());
    assertEquals(2, fake.received("/v1/voices/add").size());
  }

  @Test
  void aVendorFailingWhileReCloningKeepsTheOldVoice() throws Exception {
    VoiceProfile profile = stored();
    VoiceRegistrar registrar = registrar(cloner, 2);
    Registration first = registrar.register(profile.id(), "elevenlabs").await(10, TimeUnit.SECONDS).done()
        .await(30, TimeUnit.SECONDS).registration("elevenlabs").orElseThrow();
    withoutClip(profile.id(), "c1");
    for (int i = 0; i < 4; i++) { // two attempts, each with the cloud client's one retry
      fake.failNext(FakeCloudServer.Fault.SERVER_ERROR);
    }
    VoiceProfile after = registrar.register(profile.id(), "elevenlabs").await(10, TimeUnit.SECONDS).done()
        .await(30, TimeUnit.SECONDS);
    Registration kept = after.registration("elevenlabs").orElseThrow();
    assertEquals(Registration.Status.READY, kept.status());
    assertEquals(first.remoteId(), kept.remoteId(), "the old voice still speaks");
    assertEquals(List.of("c0", "c1", "c2"), kept.clips());
    assertTrue(after.stale(kept), "still made from the old clips: registering again tries once more");
    assertTrue(kept.detail().startsWith("re-cloning from the current clips failed: gave up after 2 attempts: "
        + "provider 'elevenlabs' failed with HTTP 500"), kept.detail());
    assertTrue(kept.detail().endsWith("; the voice made from the earlier clips is kept"), kept.detail());
    assertTrue(fake.clonedVoices.containsKey(first.remoteId()), "nothing was deleted at the vendor");
    assertEquals(1, fake.clonedVoices.size());
    assertEquals(kept, read(profile.id()).registration("elevenlabs").orElseThrow());
  }
}
