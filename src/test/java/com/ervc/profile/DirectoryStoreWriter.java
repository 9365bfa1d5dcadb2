package com.ervc.profile;

import io.vertx.core.Vertx;

import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A separate JVM that creates, renames and adds and removes large clips of profiles in {@code args[0]} as fast as it can, until it
 * is killed: the crash in {@link DirectoryProfileStoreCrashTest}.
 */
public final class DirectoryStoreWriter {
  private DirectoryStoreWriter() {
  }

  public static void main(String[] args) throws Exception {
    Vertx vertx = Vertx.vertx();
    VoiceProfileStore store = DirectoryProfileStore.open(vertx, Path.of(args[0])).await(30, TimeUnit.SECONDS);
    for (int round = 0; ; round++) {
      VoiceProfile small = SampleProfiles.profile("writer", Instant.now());
      byte[] large = new byte[4 << 20];
      java.util.Arrays.fill(large, (byte) round);
      ReferenceClip big = new ReferenceClip("c0", VoiceProfileStore.sha256(large), large.length, null);
      VoiceProfile profile = new VoiceProfile(small.id(), "writer", 1, "round " + round, "", "en", "espeak", "en",
          ProfileSettings.NEUTRAL, List.of(big, small.clips().get(1)), small.consent(), List.of(), small.created(),
          small.updated());
      Map<String, byte[]> audio = new HashMap<>(SampleProfiles.audioOf(small));
      audio.put("c0", large);
      store.create(profile, audio).await(30, TimeUnit.SECONDS);
      VoiceProfile renamed = profile.renamed("round " + round + " renamed", "", Instant.now());
      store.update(renamed).await(30, TimeUnit.SECONDS);
      Map<String, byte[]> added = new HashMap<>();
      VoiceProfile grown = renamed.withClips(List.of(SampleProfiles.prepared(large)), null, Instant.now(), added);
      store.changeClips(grown, added).await(30, TimeUnit.SECONDS);
      store.changeClips(grown.withClips(List.of(), "c0", Instant.now(), new HashMap<>()), Map.of())
          .await(30, TimeUnit.SECONDS);
    }
  }
}
