package com.ervc.profile;

import com.ervc.protocol.ErrorCode;
import com.ervc.protocol.SpeechException;
import com.ervc.testing.PostgresServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static com.ervc.profile.SampleProfiles.T0;
import static com.ervc.profile.SampleProfiles.audioOf;
import static com.ervc.profile.SampleProfiles.profile;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The PostgreSQL backend against a real PostgreSQL server started for this class. */
class PostgresProfileStoreTest extends VoiceProfileStoreContract {
  private static PostgresServer server;

  @BeforeAll
  static void startServer() throws Exception {
    server = new PostgresServer().start();
  }

  @AfterAll
  static void stopServer() throws Exception {
    server.close();
  }

  @BeforeEach
  void emptyTables() throws Exception {
    server.sql("TRUNCATE voice_profiles CASCADE");
  }

  @Override
  protected Future<VoiceProfileStore> open(Vertx vertx) {
    return PostgresProfileStore.open(vertx, server.url());
  }

  @Test
  void theSchemaIsMigratedOnceWithTheSeedColumnsAndIndexes() throws Exception {
    await(PostgresProfileStore.open(vertx, server.url()).compose(VoiceProfileStore::close));

    assertEquals("1|V1__voice_profiles.sql", server.sql("SELECT version, name FROM schema_migrations"));
    assertEquals("id,user_id,voice_name,provider,version,voice_config,created_at,updated_at", server.sql(
        "SELECT string_agg(column_name, ',' ORDER BY ordinal_position) FROM information_schema.columns "
            + "WHERE table_name = 'voice_profiles'"));
    assertEquals("jsonb", server.sql("SELECT data_type FROM information_schema.columns WHERE table_name = "
        + "'voice_profiles' AND column_name = 'voice_config'"));
    assertEquals("voice_profiles_pkey,voice_profiles_provider,voice_profiles_user_id", server.sql(
        "SELECT string_agg(indexname, ',' ORDER BY indexname) FROM pg_indexes WHERE tablename = 'voice_profiles'"));
  }

  @Test
  void nodesStartingTogetherApplyEachMigrationOnce() throws Exception {
    await(store.close());
    server.sql("DROP TABLE voice_profile_clips, voice_profiles, schema_migrations");

    List<Future<VoiceProfileStore>> opening = List.of(PostgresProfileStore.open(vertx, server.url()),
        PostgresProfileStore.open(vertx, server.url()), PostgresProfileStore.open(vertx, server.url()),
        PostgresProfileStore.open(vertx, server.url()));
    for (Future<VoiceProfileStore> each : opening) {
      await(await(each).close());
    }
    store = await(open(vertx));

    assertEquals("1", server.sql("SELECT count(*) FROM schema_migrations"));
    assertEquals(List.of(), await(store.listAll()));
  }

  @Test
  void theRowHoldsTheOwnerNameAndProviderAsColumns() throws Exception {
    VoiceProfile profile = profile("alice", T0);
    await(store.create(profile, audioOf(profile)));

    assertEquals("alice|Ada's voice|espeak|1|en-gb", server.sql("SELECT user_id, voice_name, provider, version, "
        + "voice_config->>'voice' FROM voice_profiles WHERE id = '" + profile.id() + "'"));
    assertEquals("c0,c1", server.sql("SELECT string_agg(clip_id, ',' ORDER BY clip_id) FROM voice_profile_clips"));
  }

  @Test
  void audioChangedInTheDatabaseIsRefused() throws Exception {
    VoiceProfile profile = profile("alice", T0);
    await(store.create(profile, audioOf(profile)));
    server.sql("UPDATE voice_profile_clips SET audio = 'tampered'::bytea WHERE clip_id = 'c0'");

    SpeechException refused = failure(store.clipAudio(profile.id(), "c0"));

    assertEquals(ErrorCode.INTERNAL, refused.code());
    assertEquals("stored clip c0 of profile " + profile.id() + " does not match its SHA-256; it was changed outside "
        + "the service", refused.getMessage());
  }

  @Test
  void whileTheDatabaseIsAwayCallsFailRetryablyAndNothingIsHalfStored() throws Exception {
    VoiceProfile stored = profile("alice", T0);
    await(store.create(stored, audioOf(stored)));
    server.stop();
    try {
      VoiceProfile attempted = profile("alice", T0.plusSeconds(1));
      SpeechException read = failure(store.get(stored.id()));
      SpeechException write = failure(store.create(attempted, audioOf(attempted)));

      for (SpeechException away : List.of(read, write)) {
        assertEquals(ErrorCode.PROVIDER_UNAVAILABLE, away.code());
        assertTrue(away.retryable());
        assertTrue(away.getMessage().startsWith("the voice profile database is unavailable: "), away.getMessage());
      }
    } finally {
      server.start();
    }
    assertEquals(Optional.of(stored), await(store.get(stored.id())));
    assertEquals(List.of(stored), await(store.listAll()));
  }

  @Test
  void aDatabaseThatCannotBeReachedAtStartIsReportedUnavailable() throws Exception {
    SpeechException refused = failure(PostgresProfileStore.open(vertx, "postgresql://test@127.0.0.1:1/postgres"));

    assertEquals(ErrorCode.PROVIDER_UNAVAILABLE, refused.code());
  }
}
