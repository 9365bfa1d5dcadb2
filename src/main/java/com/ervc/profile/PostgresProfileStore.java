package com.ervc.profile;

import com.ervc.protocol.ErrorCode;
import com.ervc.protocol.SpeechException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Profiles in PostgreSQL, shared by every node: {@code voice_profiles} holds a profile per row (owner, name and base
 * provider as indexed columns, the rest in {@code voice_config}), {@code voice_profile_clips} the reference audio.
 * Writes are single transactions. Reads that fail because the connection did are tried again; when the database
 * stays away the caller gets a retryable {@code provider_unavailable} naming the store.
 */
public final class PostgresProfileStore implements VoiceProfileStore {
  static final int READ_ATTEMPTS = 3;
  private static final String COLUMNS = "id, user_id, version, voice_name, provider, voice_config, created_at, "
      + "updated_at";

  private final Pool pool;

  private PostgresProfileStore(Pool pool) {
    this.pool = pool;
  }

  /** Connects to {@code databaseUrl} ({@code postgresql://user:password@host:port/database}) and migrates. */
  public static Future<VoiceProfileStore> open(Vertx vertx, String databaseUrl) {
    Pool pool = PgBuilder.pool()
        .with(new PoolOptions().setMaxSize(4))
        .connectingTo(PgConnectOptions.fromUri(databaseUrl))
        .using(vertx)
        .build();
    return Migrations.apply(pool)
        .recover(failure -> pool.close().transform(closed -> Future.failedFuture(unavailable(failure))))
        .map(version -> new PostgresProfileStore(pool));
  }

  @Override
  public Future<Void> create(VoiceProfile profile, Map<String, byte[]> clipAudio) {
    try {
      VoiceProfileStore.checkNew(profile, clipAudio);
    } catch (SpeechException e) {
      return Future.failedFuture(e);
    }
    List<Tuple> clips = new ArrayList<>();
    profile.clips().forEach(clip -> clips.add(Tuple.of(profile.id(), clip.id(), clip.sha256(),
        Buffer.buffer(clipAudio.get(clip.id())))));
    return write(pool.withTransaction(connection -> connection.preparedQuery("INSERT INTO voice_profiles ("
            + COLUMNS + ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
        .execute(Tuple.of(profile.id(), profile.owner(), profile.version(), profile.name(), profile.provider(),
            profile.config(), timestamp(profile.created()), timestamp(profile.updated())))
        .compose(inserted -> clips.isEmpty() ? Future.succeededFuture() : connection.preparedQuery(
            "INSERT INTO voice_profile_clips (profile_id, clip_id, sha256, audio) VALUES ($1, $2, $3, $4)")
            .executeBatch(clips))
        .mapEmpty()));
  }

  @Override
  public Future<Optional<VoiceProfile>> get(String id) {
    if (!VoiceProfile.isId(id)) {
      return Future.succeededFuture(Optional.empty());
    }
    return read(() -> pool.preparedQuery("SELECT " + COLUMNS + " FROM voice_profiles WHERE id = $1")
        .execute(Tuple.of(id))
        .map(rows -> profiles(rows).stream().findFirst()));
  }

  @Override
  public Future<List<VoiceProfile>> listByOwner(String owner) {
    return read(() -> pool.preparedQuery("SELECT " + COLUMNS + " FROM voice_profiles WHERE user_id = $1 "
        + "ORDER BY created_at, id").execute(Tuple.of(owner)).map(PostgresProfileStore::profiles));
  }

  @Override
  public Future<List<VoiceProfile>> listAll() {
    return read(() -> pool.query("SELECT " + COLUMNS + " FROM voice_profiles ORDER BY created_at, id").execute()
        .map(PostgresProfileStore::profiles));
  }

  @Override
  public Future<Void> update(VoiceProfile changed) {
    return write(pool.withTransaction(connection -> connection.preparedQuery("SELECT " + COLUMNS
            + " FROM voice_profiles WHERE id = $1 FOR UPDATE").execute(Tuple.of(changed.id()))
        .compose(rows -> {
          VoiceProfile stored = profiles(rows).stream().findFirst().orElseThrow(
              () -> VoiceProfile.invalid("voice profile " + changed.id() + " does not exist"));
          if (changed.version() != stored.version() + 1) {
            throw VoiceProfileStore.conflict(changed.id(), stored.version(), changed.version());
          }
          if (!changed.clips().equals(stored.clips())) {
            throw VoiceProfile.invalid("an update cannot change the clips of a stored profile; changeClips does");
          }
          return replace(connection, changed);
        })));
  }

  @Override
  public Future<Void> changeClips(VoiceProfile changed, Map<String, byte[]> addedAudio) {
    return write(pool.withTransaction(connection -> connection.preparedQuery("SELECT " + COLUMNS
            + " FROM voice_profiles WHERE id = $1 FOR UPDATE").execute(Tuple.of(changed.id()))
        .compose(rows -> {
          List<String> removed = VoiceProfileStore.checkClipChange(profiles(rows).stream().findFirst().orElse(null),
              changed, addedAudio);
          List<Tuple> added = new ArrayList<>();
          addedAudio.forEach((clip, audio) -> added.add(Tuple.of(changed.id(), clip,
              changed.clip(clip).orElseThrow().sha256(), Buffer.buffer(audio))));
          return replace(connection, changed)
              .compose(replaced -> added.isEmpty() ? Future.succeededFuture() : connection.preparedQuery(
                  "INSERT INTO voice_profile_clips (profile_id, clip_id, sha256, audio) VALUES ($1, $2, $3, $4)")
                  .executeBatch(added))
              .compose(inserted -> removed.isEmpty() ? Future.succeededFuture() : connection.preparedQuery(
                  "DELETE FROM voice_profile_clips WHERE profile_id = $1 AND clip_id = ANY($2)")
                  .execute(Tuple.tuple().addString(changed.id()).addArrayOfString(removed.toArray(String[]::new))))
              .mapEmpty();
        })));
  }

  private static Future<Void> replace(SqlConnection connection, VoiceProfile changed) {
    return connection.preparedQuery("UPDATE voice_profiles SET version = $2, voice_name = $3, provider = $4, "
            + "voice_config = $5, updated_at = $6 WHERE id = $1")
        .execute(Tuple.of(changed.id(), changed.version(), changed.name(), changed.provider(), changed.config(),
            timestamp(changed.updated())))
        .mapEmpty();
  }

  @Override
  public Future<Optional<byte[]>> clipAudio(String profileId, String clipId) {
    return get(profileId).compose(profile -> {
      Optional<ReferenceClip> clip = profile.flatMap(p -> p.clip(clipId));
      if (clip.isEmpty()) {
        return Future.succeededFuture(Optional.empty());
      }
      return read(() -> pool.preparedQuery("SELECT audio FROM voice_profile_clips WHERE profile_id = $1 AND "
          + "clip_id = $2").execute(Tuple.of(profileId, clipId)))
          .map(rows -> {
            if (rows.size() == 0) {
              throw new SpeechException(ErrorCode.INTERNAL, "clip " + clipId + " of profile " + profileId
                  + " is listed but its audio is missing");
            }
            byte[] audio = rows.iterator().next().getBuffer(0).getBytes();
            return Optional.of(VoiceProfileStore.verified(clip.get(), profileId, audio));
          });
    });
  }

  @Override
  public Future<Boolean> delete(String id) {
    if (!VoiceProfile.isId(id)) {
      return Future.succeededFuture(false);
    }
    return write(pool.preparedQuery("DELETE FROM voice_profiles WHERE id = $1").execute(Tuple.of(id))
        .map(rows -> rows.rowCount() > 0));
  }

  @Override
  public Future<Void> close() {
    return pool.close();
  }

  private static List<VoiceProfile> profiles(RowSet<Row> rows) {
    List<VoiceProfile> profiles = new ArrayList<>();
    for (Row row : rows) {
      Object config = row.getJson("voice_config");
      if (!(config instanceof JsonObject json)) {
        throw new SpeechException(ErrorCode.INTERNAL, "voice_config of profile " + row.getString("id")
            + " is not a JSON object");
      }
      profiles.add(VoiceProfile.fromColumns(row.getString("id"), row.getString("user_id"), row.getInteger("version"),
          row.getString("voice_name"), row.getString("provider"), json,
          row.getOffsetDateTime("created_at").toInstant(), row.getOffsetDateTime("updated_at").toInstant()));
    }
    return profiles;
  }

  private static OffsetDateTime timestamp(Instant instant) {
    return instant.atOffset(ZoneOffset.UTC);
  }

  /** Runs a read, again when the connection failed (not when the database refused the statement). */
  private static <T> Future<T> read(Supplier<Future<T>> attempt) {
    return read(attempt, 1);
  }

  private static <T> Future<T> read(Supplier<Future<T>> attempt, int number) {
    return attempt.get().recover(failure -> {
      if (isConnectionFailure(failure) && number < READ_ATTEMPTS) {
        return read(attempt, number + 1);
      }
      return Future.failedFuture(isConnectionFailure(failure) ? unavailable(failure) : failure);
    });
  }

  /** A write is not repeated (it may have committed); a lost connection becomes {@code provider_unavailable}. */
  private static <T> Future<T> write(Future<T> result) {
    return result.recover(failure -> Future.failedFuture(isConnectionFailure(failure) ? unavailable(failure)
        : failure instanceof PgException pg && "23505".equals(pg.getSqlState())
            ? VoiceProfile.invalid("a voice profile with this id already exists")
            : failure));
  }

  private static boolean isConnectionFailure(Throwable failure) {
    return !(failure instanceof SpeechException) && !(failure instanceof PgException);
  }

  private static SpeechException unavailable(Throwable failure) {
    return failure instanceof SpeechException speech ? speech : new SpeechException(ErrorCode.PROVIDER_UNAVAILABLE,
        "the voice profile database is unavailable: " + failure.getMessage(), true);
  }
}
