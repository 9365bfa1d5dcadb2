package com.ervc.config;

import io.vertx.core.json.JsonObject;

import java.util.List;

import static com.ervc.config.Setting.integer;
import static com.ervc.config.Setting.string;

/**
 * The {@code cloning.*} keys: where voice profiles and their reference clips are kept, and how much reference audio
 * one profile may bring. The workflow itself is switched on by {@code tts.enableCloning}.
 */
public record CloningConfig(String dir, String databaseUrl, long maxClipBytes, int maxClips) {
  static final Setting DIR = string("cloning.dir", "VOICE_CLONING_DIR", "data/voice_profiles")
      .matching(Settings.DIRECTORY, Settings.DIRECTORY_HINT)
      .documented("directory path")
      .describe("The embedded profile store, used when `cloning.databaseUrl` is `null`: one folder per profile "
          + "(`profile.json` and `clips/*.wav`), every write atomic (temporary file, then rename). Meant for one node; "
          + "see [Voice profiles](voice-profiles.md#storage).");
  static final Setting DATABASE_URL = string("cloning.databaseUrl", "DATABASE_URL", null)
      .orNull()
      .asCredential()
      .matching("(postgres|postgresql)://.+", "a URL starting with postgresql:// or postgres://")
      .documented("`null`, or a URL starting with `postgresql://` or `postgres://`")
      .describe("When set, voice profiles and their reference clips live in this PostgreSQL database, shared by every "
          + "node; the schema migrations are applied at start. The password is shown as `***` in logs and stats.");
  static final Setting MAX_CLIP_BYTES = integer("cloning.maxClipBytes", "VOICE_CLONING_MAX_CLIP_BYTES", 10485760,
      1024, 256L * 1024 * 1024)
      .describe("Largest reference clip accepted, in bytes of the uploaded file (the default, 10 MiB, is OpenAI's "
          + "limit per upload).");
  static final Setting MAX_CLIPS = integer("cloning.maxClips", "VOICE_CLONING_MAX_CLIPS", 5, 1, 100)
      .describe("Most reference clips per profile.");

  static final List<Setting> SETTINGS = List.of(DIR, DATABASE_URL, MAX_CLIP_BYTES, MAX_CLIPS);

  static CloningConfig from(JsonObject config) {
    return new CloningConfig(DIR.readString(config), DATABASE_URL.readString(config),
        MAX_CLIP_BYTES.readLong(config), MAX_CLIPS.readInt(config));
  }
}
