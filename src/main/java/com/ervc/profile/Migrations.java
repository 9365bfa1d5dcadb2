package com.ervc.profile;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

/**
 * The profile schema's versioned migrations ({@code db/migrations/V<n>__<what>.sql}), applied in order at start.
 * {@code schema_migrations} records each one applied; an advisory lock makes nodes that start together apply each
 * migration once, and the pending ones run in one transaction, so a failure leaves the schema as it was.
 */
final class Migrations {
  /** In order; a new migration is appended, an applied one never edited. */
  static final List<String> FILES = List.of("V1__voice_profiles.sql");
  private static final Pattern NAME = Pattern.compile("V(\\d+)__[a-z0-9_]+\\.sql");
  /** Any fixed number, the same on every node: the key of the advisory lock. */
  private static final long LOCK_KEY = 0x6572_7663_7072_6f66L;

  private Migrations() {
  }

  static int version(String file) {
    Matcher matcher = NAME.matcher(file);
    if (!matcher.matches()) {
      throw new IllegalArgumentException("migration file name must be V<n>__<what>.sql: " + file);
    }
    return Integer.parseInt(matcher.group(1));
  }

  /** Applies the migrations not yet applied; succeeds with the schema version now in place. */
  static Future<Integer> apply(Pool pool) {
    return pool.withTransaction(connection -> connection.query("SELECT pg_advisory_xact_lock(" + LOCK_KEY + ")")
        .execute()
        .compose(locked -> connection.query("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY "
            + "KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())").execute())
        .compose(created -> connection.query("SELECT version FROM schema_migrations").execute())
        .compose(rows -> {
          Set<Integer> applied = StreamSupport.stream(rows.spliterator(), false).map(row -> row.getInteger(0))
              .collect(Collectors.toSet());
          return applyFrom(connection, applied, 0);
        }));
  }

  private static Future<Integer> applyFrom(SqlConnection connection, Set<Integer> applied, int index) {
    if (index == FILES.size()) {
      return Future.succeededFuture(version(FILES.get(FILES.size() - 1)));
    }
    String file = FILES.get(index);
    int version = version(file);
    if (applied.contains(version)) {
      return applyFrom(connection, applied, index + 1);
    }
    return connection.query(read(file)).execute()
        .compose(done -> connection.preparedQuery("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)")
            .execute(Tuple.of(version, file)))
        .compose(recorded -> applyFrom(connection, applied, index + 1));
  }

  private static String read(String file) {
    try (InputStream in = Migrations.class.getResourceAsStream("/db/migrations/" + file)) {
      if (in == null) {
        throw new IllegalStateException("migration " + file + " is missing from the jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
