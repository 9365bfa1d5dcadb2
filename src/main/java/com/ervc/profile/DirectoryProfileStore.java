package com.ervc.profile;

import com.ervc.protocol.ErrorCode;
import com.ervc.protocol.SpeechException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * The embedded store for one node: a folder per profile ({@code profile.json} + {@code clips/<clip>.wav}).
 *
 * <p>Crash safety comes from renames, which are atomic within one file system: a new profile is written complete
 * into a {@code .tmp-*} folder and then renamed to its id; an update writes {@code profile.json} to a temporary
 * file, forces it to disk and renames it over the old one (a change of clips stores the added clips before and
 * deletes the removed ones after); a delete first renames the folder to {@code .deleted-*}.
 * Opening the store removes whatever such leftovers a crash left behind, so a reader sees either the old or the
 * new state, never half of one.
 */
public final class DirectoryProfileStore implements VoiceProfileStore {
  private static final String PROFILE_FILE = "profile.json";
  private static final String CLIPS = "clips";
  private static final String TMP = ".tmp-";
  private static final String DELETED = ".deleted-";

  private final Vertx vertx;
  private final Path root;

  private DirectoryProfileStore(Vertx vertx, Path root) {
    this.vertx = vertx;
    this.root = root;
  }

  /** Opens (creating it if needed) the store in {@code root} and removes what an interrupted write left behind. */
  public static Future<VoiceProfileStore> open(Vertx vertx, Path root) {
    DirectoryProfileStore store = new DirectoryProfileStore(vertx, root);
    return vertx.executeBlocking(() -> {
      Files.createDirectories(root);
      store.removeLeftovers();
      return store;
    }, false);
  }

  private <T> Future<T> blocking(Callable<T> work) {
    return vertx.executeBlocking(() -> {
      try {
        return work.call();
      } catch (IOException | UncheckedIOException e) {
        throw new SpeechException(ErrorCode.PROVIDER_UNAVAILABLE, "voice profile store " + root + " failed: " + e,
            true);
      }
    }, false);
  }

  @Override
  public Future<Void> create(VoiceProfile profile, Map<String, byte[]> clipAudio) {
    return blocking(() -> {
      synchronized (this) {
        return createLocked(profile, clipAudio);
      }
    });
  }

  private Void createLocked(VoiceProfile profile, Map<String, byte[]> clipAudio) throws IOException {
    VoiceProfileStore.checkNew(profile, clipAudio);
    Path target = root.resolve(profile.id());
    Path staging = root.resolve(TMP + profile.id() + "-" + Text.randomToken(8));
    Files.createDirectories(staging.resolve(CLIPS));
    try {
      for (Map.Entry<String, byte[]> clip : clipAudio.entrySet()) {
        writeDurably(staging.resolve(CLIPS).resolve(clip.getKey() + ".wav"), clip.getValue());
      }
      writeDurably(staging.resolve(PROFILE_FILE), profile.toJson().encodePrettily().getBytes(StandardCharsets.UTF_8));
      forceDirectory(staging.resolve(CLIPS));
      forceDirectory(staging);
      if (Files.exists(target)) {
        throw VoiceProfile.invalid("voice profile " + profile.id() + " already exists");
      }
      Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
      forceDirectory(root);
    } finally {
      deleteTree(staging);
    }
    return null;
  }

  @Override
  public Future<Optional<VoiceProfile>> get(String id) {
    return blocking(() -> Optional.ofNullable(read(id)));
  }

  @Override
  public Future<List<VoiceProfile>> listByOwner(String owner) {
    return blocking(() -> readAll().stream().filter(p -> p.owner().equals(owner)).toList());
  }

  @Override
  public Future<List<VoiceProfile>> listAll() {
    return blocking(this::readAll);
  }

  @Override
  public Future<Void> update(VoiceProfile changed) {
    return blocking(() -> {
      synchronized (this) {
        VoiceProfile stored = read(changed.id());
        if (stored == null) {
          throw VoiceProfile.invalid("voice profile " + changed.id() + " does not exist");
        }
        if (changed.version() != stored.version() + 1) {
          throw VoiceProfileStore.conflict(changed.id(), stored.version(), changed.version());
        }
        if (!changed.clips().equals(stored.clips())) {
          throw VoiceProfile.invalid("an update cannot change the clips of a stored profile; changeClips does");
        }
        replaceProfileFile(changed);
        return null;
      }
    });
  }

  /**
   * Each added clip is written to a temporary file, forced and renamed to its name before the new
   * {@code profile.json} replaces the old one; removed clips are deleted after. A crash in between leaves clip
   * files that the stored profile does not list, which {@link #open} removes.
   */
  @Override
  public Future<Void> changeClips(VoiceProfile changed, Map<String, byte[]> addedAudio) {
    return blocking(() -> {
      synchronized (this) {
        List<String> removed = VoiceProfileStore.checkClipChange(read(changed.id()), changed, addedAudio);
        Path clips = root.resolve(changed.id()).resolve(CLIPS);
        for (Map.Entry<String, byte[]> clip : addedAudio.entrySet()) {
          Path temporary = clips.resolve(TMP + clip.getKey() + "-" + Text.randomToken(8));
          try {
            writeDurably(temporary, clip.getValue());
            Files.move(temporary, clips.resolve(clip.getKey() + ".wav"), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
          } finally {
            Files.deleteIfExists(temporary);
          }
        }
        forceDirectory(clips);
        replaceProfileFile(changed);
        for (String clip : removed) {
          Files.deleteIfExists(clips.resolve(clip + ".wav"));
        }
        forceDirectory(clips);
        return null;
      }
    });
  }

  /** Writes {@code profile.json} to a temporary file, forces it to disk and renames it over the old one. */
  private void replaceProfileFile(VoiceProfile changed) throws IOException {
    Path folder = root.resolve(changed.id());
    Path temporary = folder.resolve(TMP + PROFILE_FILE + "-" + Text.randomToken(8));
    try {
      writeDurably(temporary, changed.toJson().encodePrettily().getBytes(StandardCharsets.UTF_8));
      Files.move(temporary, folder.resolve(PROFILE_FILE), StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
      forceDirectory(folder);
    } finally {
      Files.deleteIfExists(temporary);
    }
  }

  @Override
  public Future<Optional<byte[]>> clipAudio(String profileId, String clipId) {
    return blocking(() -> {
      VoiceProfile profile = read(profileId);
      Optional<ReferenceClip> clip = profile == null ? Optional.empty() : profile.clip(clipId);
      if (clip.isEmpty()) {
        return Optional.empty();
      }
      byte[] audio = Files.readAllBytes(root.resolve(profileId).resolve(CLIPS).resolve(clip.get().id() + ".wav"));
      return Optional.of(VoiceProfileStore.verified(clip.get(), profileId, audio));
    });
  }

  @Override
  public Future<Boolean> delete(String id) {
    return blocking(() -> {
      synchronized (this) {
        if (!VoiceProfile.isId(id) || !Files.isDirectory(root.resolve(id))) {
          return false;
        }
        Path doomed = root.resolve(DELETED + id + "-" + Text.randomToken(8));
        Files.move(root.resolve(id), doomed, StandardCopyOption.ATOMIC_MOVE);
        forceDirectory(root);
        deleteTree(doomed);
        return true;
      }
    });
  }

  @Override
  public Future<Void> close() {
    return Future.succeededFuture();
  }

  private VoiceProfile read(String id) throws IOException {
    if (!VoiceProfile.isId(id)) {
      return null;
    }
    Path file = root.resolve(id).resolve(PROFILE_FILE);
    byte[] json;
    try {
      json = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return null;
    }
    try {
      VoiceProfile profile = VoiceProfile.fromJson(new JsonObject(new String(json, StandardCharsets.UTF_8)));
      if (!profile.id().equals(id)) {
        throw new SpeechException(ErrorCode.INTERNAL, file + " holds profile " + profile.id());
      }
      return profile;
    } catch (DecodeException e) {
      throw new SpeechException(ErrorCode.INTERNAL, file + " is not valid JSON: " + e.getMessage());
    }
  }

  private List<VoiceProfile> readAll() throws IOException {
    List<VoiceProfile> profiles = new ArrayList<>();
    try (DirectoryStream<Path> folders = Files.newDirectoryStream(root)) {
      for (Path folder : folders) {
        VoiceProfile profile = read(folder.getFileName().toString());
        if (profile != null) {
          profiles.add(profile);
        }
      }
    }
    profiles.sort(Comparator.comparing(VoiceProfile::created).thenComparing(VoiceProfile::id));
    return profiles;
  }

  private void removeLeftovers() throws IOException {
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
      for (Path entry : entries) {
        String name = entry.getFileName().toString();
        if (name.startsWith(TMP) || name.startsWith(DELETED)) {
          deleteTree(entry);
        } else if (VoiceProfile.isId(name) && Files.isDirectory(entry)) {
          try (DirectoryStream<Path> temporaries = Files.newDirectoryStream(entry, TMP + "*")) {
            for (Path temporary : temporaries) {
              Files.delete(temporary);
            }
          }
          removeUnlistedClips(entry);
        }
      }
    }
  }

  /** Deletes the clip files of a profile folder that its {@code profile.json} does not list (an interrupted change). */
  private void removeUnlistedClips(Path folder) throws IOException {
    VoiceProfile profile;
    try {
      profile = read(folder.getFileName().toString());
    } catch (SpeechException malformed) {
      return; // reading it reports the fault; its files stay for whoever repairs it
    }
    Path clips = folder.resolve(CLIPS);
    if (profile == null || !Files.isDirectory(clips)) {
      return;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(clips)) {
      for (Path file : files) {
        String clip = file.getFileName().toString();
        if (!clip.endsWith(".wav") || profile.clip(clip.substring(0, clip.length() - 4)).isEmpty()) {
          Files.delete(file);
        }
      }
    }
  }

  private static void writeDurably(Path file, byte[] data) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(data);
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
      channel.force(true);
    }
  }

  /** Makes a rename inside {@code directory} durable (Linux lets a directory be opened and forced). */
  private static void forceDirectory(Path directory) throws IOException {
    try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }

  private static void deleteTree(Path path) throws IOException {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(path)) {
      for (Path each : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(each);
      }
    }
  }
}
