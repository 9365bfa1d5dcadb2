package com.ervc.profile;

import com.ervc.testing.Await;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The directory backend survives the process being killed (SIGKILL) in the middle of its writes. */
class DirectoryProfileStoreCrashTest {
  @TempDir
  Path root;

  @Test
  void afterAKillMidWriteEveryProfileIsWholeAndNoLeftoverRemains() throws Exception {
    String java = ProcessHandle.current().info().command().orElseThrow();
    Process writer = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        DirectoryStoreWriter.class.getName(), root.toString())
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    try {
      Await.until("the writer has stored three profiles", Duration.ofSeconds(60), () -> {
        if (!writer.isAlive()) {
          throw new AssertionError("the writer exited with " + writer.exitValue());
        }
        try (var entries = Files.list(root)) {
          return entries.filter(p -> VoiceProfile.isId(p.getFileName().toString())).count() >= 3;
        }
      });
    } finally {
      writer.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }

    Vertx vertx = Vertx.vertx();
    try {
      VoiceProfileStore store = DirectoryProfileStore.open(vertx, root).await(30, TimeUnit.SECONDS);
      List<VoiceProfile> profiles = store.listAll().await(30, TimeUnit.SECONDS);

      assertTrue(profiles.size() >= 3, profiles.size() + " profiles");
      for (VoiceProfile profile : profiles) {
        for (ReferenceClip clip : profile.clips()) {
          byte[] audio = store.clipAudio(profile.id(), clip.id()).await(30, TimeUnit.SECONDS).orElseThrow();
          assertEquals(clip.bytes(), audio.length);
        }
        try (var files = Files.list(root.resolve(profile.id()).resolve("clips"))) {
          assertEquals(profile.clips().stream().map(c -> c.id() + ".wav").sorted().toList(),
              files.map(p -> p.getFileName().toString()).sorted().toList(), profile.id());
        }
      }
      try (var entries = Files.list(root)) {
        assertEquals(List.of(), entries.map(p -> p.getFileName().toString()).filter(n -> !VoiceProfile.isId(n))
            .toList());
      }
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }
}
