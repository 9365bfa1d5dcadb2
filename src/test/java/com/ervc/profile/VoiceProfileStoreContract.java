package com.ervc.profile;

import com.ervc.protocol.ErrorCode;
import com.ervc.protocol.SpeechException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static com.ervc.profile.SampleProfiles.T0;
import static com.ervc.profile.SampleProfiles.audioOf;
import static com.ervc.profile.SampleProfiles.profile;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What every {@link VoiceProfileStore} backend must do; each backend's test class runs these against it. */
abstract class VoiceProfileStoreContract {
  protected Vertx vertx;
  protected VoiceProfileStore store;

  protected abstract Future<VoiceProfileStore> open(Vertx vertx) throws Exception;

  @BeforeEach
  void openStore() throws Exception {
    vertx = Vertx.vertx();
    store = await(open(vertx));
  }

  @AfterEach
  void closeStore() throws Exception {
    await(store.close());
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  static SpeechException failure(Future<?> future) {
    ExecutionException thrown = assertThrows(ExecutionException.class, () -> await(future));
    if (thrown.getCause() instanceof SpeechException speech) {
      return speech;
    }
    throw new AssertionError("expected a SpeechException", thrown.getCause());
  }

  @Test
  void aCreatedProfileReadsBackWithItsClips() throws Exception {
    VoiceProfile profile = profile("alice", T0);

    await(store.create(profile, audioOf(profile)));

    assertEquals(Optional.of(profile), await(store.get(profile.id())));
    assertArrayEquals(audioOf(profile).get("c1"), await(store.clipAudio(profile.id(), "c1")).orElseThrow());
    assertEquals(Optional.empty(), await(store.clipAudio(profile.id(), "c7")));
  }

  @Test
  void listsAreByOwnerOldestFirstAndTheAdminListHasEveryone() throws Exception {
    VoiceProfile second = profile("alice", T0.plusSeconds(60));
    VoiceProfile first = profile("alice", T0);
    VoiceProfile bobs = profile("bob", T0.plusSeconds(30));
    for (VoiceProfile each : List.of(second, first, bobs)) {
      await(store.create(each, audioOf(each)));
    }

    assertEquals(List.of(first, second), await(store.listByOwner("alice")));
    assertEquals(List.of(bobs), await(store.listByOwner("bob")));
    assertEquals(List.of(), await(store.listByOwner("carol")));
    assertEquals(List.of(first, bobs, second), await(store.listAll()));
  }

  @Test
  void anUpdateMustFollowTheStoredVersion() throws Exception {
    VoiceProfile profile = profile("alice", T0);
    await(store.create(profile, audioOf(profile)));
    VoiceProfile renamed = profile.renamed("Ada, calm", "", T0.plusSeconds(5));

    await(store.update(renamed));
    SpeechException stale = failure(store.update(profile.renamed("Ada, loud", "", T0.plusSeconds(6))));

    assertEquals(Optional.of(renamed), await(store.get(profile.id())));
    assertEquals(2, renamed.version());
    assertEquals(ErrorCode.INVALID_REQUEST, stale.code());
    assertEquals("voice profile " + profile.id() + " is at version 2, so version 2 cannot follow it; it was changed "
        + "meanwhile, reload it and retry", stale.getMessage());
  }

  @Test
  void anUpdateCannotSwapTheClips() throws Exception {
    VoiceProfile profile = profile("alice", T0);
    await(store.create(profile, audioOf(profile)));
    VoiceProfile swapped = new VoiceProfile(profile.id(), "alice", 2, profile.name(), "", "en", "espeak", "en",
        profile.settings(), List.of(SampleProfiles.clip("vp_other", "c1")), profile.consent(), List.of(), T0, T0);

    SpeechException refused = failure(store.update(swapped));

    assertEquals("an update cannot change the clips of a stored profile; changeClips does", refused.getMessage());
    assertEquals(Optional.of(profile), await(store.get(profile.id())));
  }

  @Test
  void addingAndRemovingClipsMakeNextVersionsAndNeverReuseAnId() throws Exception {
    VoiceProfile profile = profile("alice", T0);
    await(store.create(profile, audioOf(profile)));
    byte[] first = SampleProfiles.clipBytes(profile.id(), "added first");
    byte[] second = SampleProfiles.clipBytes(profile.id(), "added second");

    Map<String, byte[]> added = new HashMap<>();
    VoiceProfile grown = profile.withClips(List.of(SampleProfiles.prepared(first)), null, T0.plusSeconds(5), added);
    await(store.changeClips(grown, added));
    VoiceProfile shrunk = grown.withClips(List.of(), "c2", T0.plusSeconds(6), new HashMap<>());
    await(store.changeClips(shrunk, Map.of()));
    Map<String, byte[]> addedAgain = new HashMap<>();
    VoiceProfile regrown = shrunk.withClips(List.of(SampleProfiles.prepared(second)), null, T0.plusSeconds(7),
        addedAgain);
    await(store.changeClips(regrown, addedAgain));

    assertEquals(List.of("c0", "c1", "c2"), grown.clips().stream().map(ReferenceClip::id).toList());
    assertEquals(List.of("c0", "c1", "c3"), regrown.clips().stream().map(ReferenceClip::id).toList());
    assertEquals(4, regrown.version());
    assertEquals(Optional.of(regrown), await(store.get(profile.id())));
    assertEquals(Optional.empty(), await(store.clipAudio(profile.id(), "c2")));
    assertArrayEquals(second, await(store.clipAudio(profile.id(), "c3")).orElseThrow());
    assertArrayEquals(audioOf(profile).get("c0"), await(store.clipAudio(profile.id(), "c0")).orElseThrow());
  }

  @Test
  void aClipChangeThatDoesNotFollowTheStoredProfileStoresNothing() throws Exception {
    VoiceProfile profile = profile("alice", T0);
    await(store.create(profile, audioOf(profile)));
    byte[] audio = SampleProfiles.clipBytes(profile.id(), "added");
    Map<String, byte[]> added = new HashMap<>();
    VoiceProfile grown = profile.withClips(List.of(SampleProfiles.prepared(audio)), null, T0.plusSeconds(5), added);
    VoiceProfile skipped = grown.renamed(grown.name(), "", T0.plusSeconds(5));
    VoiceProfile reused = new VoiceProfile(profile.id(), "alice", 2, profile.name(), profile.description(),
        profile.language(), profile.provider(), profile.voice(), profile.settings(), List.of(profile.clips().get(1),
        new ReferenceClip("c0", VoiceProfileStore.sha256(audio), audio.length, null)), profile.consent(), profile.registrations(),
        profile.created(), T0.plusSeconds(5), 3);

    SpeechException stale = failure(store.changeClips(skipped, added));
    SpeechException altered = failure(store.changeClips(grown, Map.of("c2", audioOf(profile).get("c0"))));
    SpeechException missing = failure(store.changeClips(grown, Map.of()));
    SpeechException reusedId = failure(store.changeClips(reused, Map.of("c0", audio)));
    SpeechException absent = failure(store.changeClips(profile("alice", T0).withClips(List.of(), "c0", T0,
        new HashMap<>()), Map.of()));

    assertEquals("voice profile " + profile.id() + " is at version 1, so version 3 cannot follow it; it was changed "
        + "meanwhile, reload it and retry", stale.getMessage());
    assertEquals("the audio of clip c2 does not match its recorded size and hash", altered.getMessage());
    assertEquals("clip c2 of profile " + profile.id() + " is not stored as it is listed, and no audio was given for "
        + "it", missing.getMessage());
    assertEquals("clip id c0 of profile " + profile.id() + " was given before; a new clip is numbered from 2",
        reusedId.getMessage());
    assertEquals(ErrorCode.INVALID_REQUEST, absent.code());
    assertEquals(Optional.of(profile), await(store.get(profile.id())));
    assertEquals(Optional.empty(), await(store.clipAudio(profile.id(), "c2")));
    assertArrayEquals(audioOf(profile).get("c0"), await(store.clipAudio(profile.id(), "c0")).orElseThrow());
  }

  @Test
  void deletingRemovesTheProfileAndItsAudio() throws Exception {
    VoiceProfile kept = profile("alice", T0);
    VoiceProfile doomed = profile("alice", T0.plusSeconds(1));
    await(store.create(kept, audioOf(kept)));
    await(store.create(doomed, audioOf(doomed)));

    assertTrue(await(store.delete(doomed.id())));

    assertFalse(await(store.delete(doomed.id())));
    assertEquals(Optional.empty(), await(store.get(doomed.id())));
    assertEquals(Optional.empty(), await(store.clipAudio(doomed.id(), "c0")));
    assertEquals(List.of(kept), await(store.listAll()));
  }

  @Test
  void malformedAndUnknownIdsReadAsAbsent() throws Exception {
    for (String id : new String[] {"../../etc", "vp_", "", "vp_" + "a".repeat(20), "VP_AAAAAAAAAAAAAAAAAAAA"}) {
      assertEquals(Optional.empty(), await(store.get(id)), id);
      assertEquals(Optional.empty(), await(store.clipAudio(id, "c0")), id);
      assertFalse(await(store.delete(id)), id);
    }
  }

  @Test
  void aCreateWhoseAudioDoesNotMatchTheClipsStoresNothing() throws Exception {
    VoiceProfile profile = profile("alice", T0);

    SpeechException missing = failure(store.create(profile, Map.of("c0", audioOf(profile).get("c0"))));
    SpeechException altered = failure(store.create(profile, Map.of("c0", audioOf(profile).get("c0"),
        "c1", audioOf(profile).get("c0"))));

    assertEquals("profile " + profile.id() + " lists 2 clips but 1 were given", missing.getMessage());
    assertEquals("the audio of clip c1 does not match its recorded size and hash", altered.getMessage());
    assertEquals(List.of(), await(store.listAll()));
  }

  @Test
  void aProfileIdIsCreatedOnce() throws Exception {
    VoiceProfile profile = profile("alice", T0);
    await(store.create(profile, audioOf(profile)));
    VoiceProfile twin = new VoiceProfile(profile.id(), "mallory", 1, "twin", "", "en", "espeak", "en",
        profile.settings(), profile.clips(), profile.consent(), List.of(), Instant.EPOCH, Instant.EPOCH);

    SpeechException refused = failure(store.create(twin, audioOf(profile)));

    assertEquals(ErrorCode.INVALID_REQUEST, refused.code());
    assertEquals(Optional.of(profile), await(store.get(profile.id())));
  }
}
