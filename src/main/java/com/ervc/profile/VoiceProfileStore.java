package com.ervc.profile;

import com.ervc.protocol.ErrorCode;
import com.ervc.protocol.SpeechException;
import io.vertx.core.Future;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where voice profiles and their reference audio are kept. Every write is all or nothing: a failed or interrupted
 * create leaves no profile, a failed update leaves the previous version. An id that is malformed or unknown reads as
 * absent, the same as another subject's would after the caller's ownership check.
 */
public interface VoiceProfileStore {

  /** Stores a new profile (version 1) with the audio of each of its clips, keyed by clip id. */
  Future<Void> create(VoiceProfile profile, Map<String, byte[]> clipAudio);

  Future<Optional<VoiceProfile>> get(String id);

  /** The profiles of one token subject, oldest first. */
  Future<List<VoiceProfile>> listByOwner(String owner);

  /** Every profile, oldest first (for the admin role and backups). */
  Future<List<VoiceProfile>> listAll();

  /**
   * Replaces the stored profile with {@code changed}, whose version must be the stored version + 1; otherwise someone
   * else changed it meanwhile and the update fails with {@code invalid_request}. Clips cannot change here.
   */
  Future<Void> update(VoiceProfile changed);

  /**
   * Replaces the stored profile with {@code changed}, its next version, whose clips are the stored ones less any
   * removed plus those in {@code addedAudio} (keyed by clip id). All or nothing: the new clips' audio is stored
   * before the profile lists them, and a removed clip's audio goes only after it no longer does.
   */
  Future<Void> changeClips(VoiceProfile changed, Map<String, byte[]> addedAudio);

  /** The stored WAV of a clip, checked against the SHA-256 the profile records for it. */
  Future<Optional<byte[]>> clipAudio(String profileId, String clipId);

  /** Deletes the profile and its audio; true when there was one. */
  Future<Boolean> delete(String id);

  Future<Void> close();

  static String sha256(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  /**
   * Checks that a new profile is at version 1 and that {@code clipAudio} holds exactly its clips, each matching its
   * recorded size and hash.
   */
  static void checkNew(VoiceProfile profile, Map<String, byte[]> clipAudio) {
    if (profile.version() != 1) {
      throw VoiceProfile.invalid("a new profile starts at version 1, not " + profile.version());
    }
    if (clipAudio.size() != profile.clips().size()) {
      throw VoiceProfile.invalid("profile " + profile.id() + " lists " + profile.clips().size() + " clips but "
          + clipAudio.size() + " were given");
    }
    for (ReferenceClip clip : profile.clips()) {
      byte[] audio = clipAudio.get(clip.id());
      if (audio == null || audio.length != clip.bytes() || !sha256(audio).equals(clip.sha256())) {
        throw VoiceProfile.invalid("the audio of clip " + clip.id() + " does not match its recorded size and hash");
      }
    }
  }

  /**
   * Checks that {@code changed} follows {@code stored} (null when there is none) and differs from it in its clips
   * only by removals and by the clips of {@code addedAudio}, whose audio matches; gives the ids of removed clips.
   */
  static List<String> checkClipChange(VoiceProfile stored, VoiceProfile changed, Map<String, byte[]> addedAudio) {
    if (stored == null) {
      throw VoiceProfile.invalid("voice profile " + changed.id() + " does not exist");
    }
    if (changed.version() != stored.version() + 1) {
      throw conflict(changed.id(), stored.version(), changed.version());
    }
    for (ReferenceClip clip : changed.clips()) {
      byte[] audio = addedAudio.get(clip.id());
      if (audio == null) {
        if (!stored.clips().contains(clip)) {
          throw VoiceProfile.invalid("clip " + clip.id() + " of profile " + changed.id() + " is not stored as it is "
              + "listed, and no audio was given for it");
        }
      } else if (Integer.parseInt(clip.id().substring(1)) < stored.nextClip()) {
        throw VoiceProfile.invalid("clip id " + clip.id() + " of profile " + changed.id() + " was given before; a "
            + "new clip is numbered from " + stored.nextClip());
      } else if (audio.length != clip.bytes() || !sha256(audio).equals(clip.sha256())) {
        throw VoiceProfile.invalid("the audio of clip " + clip.id() + " does not match its recorded size and hash");
      }
    }
    if (addedAudio.keySet().stream().anyMatch(id -> changed.clip(id).isEmpty())) {
      throw VoiceProfile.invalid("audio was given for a clip that profile " + changed.id() + " does not list");
    }
    if (changed.nextClip() < stored.nextClip()) {
      throw VoiceProfile.invalid("the clip numbers of profile " + changed.id() + " cannot go back");
    }
    return stored.clips().stream().map(ReferenceClip::id).filter(id -> changed.clip(id).isEmpty()).toList();
  }

  /** The audio read back for {@code clip}, refused when it no longer matches the hash taken when it was stored. */
  static byte[] verified(ReferenceClip clip, String profileId, byte[] audio) {
    if (!sha256(audio).equals(clip.sha256())) {
      throw new SpeechException(ErrorCode.INTERNAL, "stored clip " + clip.id() + " of profile " + profileId
          + " does not match its SHA-256; it was changed outside the service");
    }
    return audio;
  }

  static SpeechException conflict(String id, int storedVersion, int offeredVersion) {
    return new SpeechException(ErrorCode.INVALID_REQUEST, "voice profile " + id + " is at version " + storedVersion
        + ", so version " + offeredVersion + " cannot follow it; it was changed meanwhile, reload it and retry");
  }
}
