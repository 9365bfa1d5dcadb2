package com.ervc.profile;

import com.ervc.protocol.ErrorCode;
import com.ervc.protocol.SpeechException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static com.ervc.profile.SampleProfiles.T0;
import static com.ervc.profile.SampleProfiles.audioOf;
import static com.ervc.profile.SampleProfiles.profile;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The embedded directory backend. */
class DirectoryProfileStoreTest extends VoiceProfileStoreContract {
  @TempDir
  Path root;

  @Override
  protected Future<VoiceProfileStore> open(Vertx vertx) {
    return DirectoryProfileStore.open(vertx, root);
  }

  @Test
  void aProfileIsOneFolderWithItsJsonAndClips() throws Exception {
    VoiceProfile profile = profile("alice", T0);
    await(store.create(profile, audioOf(profile)));

    Path folder = root.resolve(profile.id());
    assertTrue(Files.isRegularFile(folder.resolve("profile.json")));
    assertEquals(List.of("c0.wav", "c1.wav"), Files.list(folder.resolve("clips")).map(p -> p.getFileName().toString())
        .sorted().toList());
  }

  @Test
  void audioChangedOnDiskIsRefused() throws Exception {
    VoiceProfile profile = profile("alice", T0);
    await(store.create(profile, audioOf(profile)));
    Files.write(root.resolve(profile.id()).resolve("clips/c0.wav"), new byte[] {1, 2, 3});

    SpeechException refused = failure(store.clipAudio(profile.id(), "c0"));

    assertEquals(ErrorCode.INTERNAL, refused.code());
  }

  @Test
  void openingRemovesWhatAnInterruptedWriteLeftBehind() throws Exception {
    VoiceProfile profile = profile("alice", T0);
    await(store.create(profile, audioOf(profile)));
    Path halfCreated = Files.createDirectories(root.resolve(".tmp-" + VoiceProfile.newId() + "-abc/clips"));
    Files.write(halfCreated.resolve("c0.wav"), new byte[] {1});
    Path halfDeleted = Files.createDirectories(root.resolve(".deleted-" + VoiceProfile.newId() + "-abc"));
    Path halfUpdated = Files.write(root.resolve(profile.id()).resolve(".tmp-profile.json-abc"), new byte[] {'{'});
    Path halfAdded = Files.write(root.resolve(profile.id()).resolve("clips/.tmp-c2-abc"), new byte[] {1});
    Path addedNotListed = Files.write(root.resolve(profile.id()).resolve("clips/c2.wav"), new byte[] {1});

    VoiceProfileStore reopened = await(DirectoryProfileStore.open(vertx, root));

    assertEquals(List.of(profile.id()), Files.list(root).map(p -> p.getFileName().toString()).toList());
    assertTrue(Files.notExists(halfUpdated) && Files.notExists(halfDeleted));
    assertTrue(Files.notExists(halfAdded) && Files.notExists(addedNotListed));
    assertEquals(List.of("c0.wav", "c1.wav"), Files.list(root.resolve(profile.id()).resolve("clips"))
        .map(p -> p.getFileName().toString()).sorted().toList());
    assertEquals(Optional.of(profile), await(reopened.get(profile.id())));
  }
}
