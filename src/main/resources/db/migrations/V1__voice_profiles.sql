-- Voice profiles: the owner, name and base provider as columns (indexed for "my profiles" and "profiles of a
-- provider"), everything else of the profile in voice_config; reference audio in a table of its own.
CREATE TABLE voice_profiles (
  id           TEXT PRIMARY KEY,
  user_id      TEXT NOT NULL,
  voice_name   TEXT NOT NULL,
  provider     TEXT NOT NULL,
  version      INTEGER NOT NULL CHECK (version >= 1),
  voice_config JSONB NOT NULL,
  created_at   TIMESTAMPTZ NOT NULL,
  updated_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX voice_profiles_user_id ON voice_profiles (user_id);
CREATE INDEX voice_profiles_provider ON voice_profiles (provider);

CREATE TABLE voice_profile_clips (
  profile_id TEXT NOT NULL REFERENCES voice_profiles (id) ON DELETE CASCADE,
  clip_id    TEXT NOT NULL,
  sha256     TEXT NOT NULL,
  audio      BYTEA NOT NULL,
  PRIMARY KEY (profile_id, clip_id)
);
