package com.ervc.deploy;

import com.ervc.testing.Await;
import com.ervc.testing.PostgresServer;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The operations scripts: shellcheck and {@code bash -n} on every shell script, a backup and restore round trip
 * through real redis-server processes (every key's and every file's bytes must come back), retention, refusal of
 * tampered backups and of overwriting, and the rolling update's order and rollback against a stub kubectl.
 * The tools are required: when shellcheck or redis-server is missing these tests fail (scripts/test.sh installs
 * them).
 */
class OpsScriptsTest {
  private static final Path ROOT = Path.of("").toAbsolutePath();
  private static final Path SCRIPTS = ROOT.resolve("scripts");
  private static final Path BACKUP = SCRIPTS.resolve("backup.sh");
  private static final Path RESTORE = SCRIPTS.resolve("restore.sh");
  private static final Path ROLLING_UPDATE = SCRIPTS.resolve("rolling-update.sh");
  /** Variables the scripts read; removed from the inherited environment so that a developer's shell cannot leak in. */
  private static final List<String> SCRIPT_VARIABLES = List.of("REDIS_URL", "REDIS_CLI", "BACKUP_DIR", "RETENTION_DAYS",
      "VOICE_CLONING_DIR", "CLUSTER_CONFIG_DIR", "RESTORE_DIR", "KUBECTL", "NAMESPACE", "ROLLOUT_TIMEOUT",
      "DATABASE_URL", "PG_DUMP", "PG_RESTORE", "PSQL");
  private static final int KEYS = 200;

  record Result(int exitCode, String output) {
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Static checks

  @Test
  void shellcheckFindsNothingInAnyScript() throws Exception {
    requireTool("shellcheck");
    List<String> scripts = shellScripts();
    for (Path expected : List.of(BACKUP, RESTORE, ROLLING_UPDATE)) {
      assertTrue(scripts.contains(ROOT.relativize(expected).toString()), expected + " is missing");
    }
    List<String> command = new ArrayList<>(List.of("shellcheck", "--severity=style", "--external-sources",
        "--format=gcc"));
    command.addAll(scripts);
    Result result = run(Map.of(), command.toArray(String[]::new));
    assertEquals("", result.output().strip(), "shellcheck findings in " + scripts);
    assertEquals(0, result.exitCode(), "shellcheck exit code");
  }

  @Test
  void everyScriptParsesWithBashN() throws Exception {
    requireTool("bash");
    for (String script : shellScripts()) {
      Result result = run(Map.of(), "bash", "-n", script);
      assertEquals(0, result.exitCode(), "bash -n " + script + ":\n" + result.output());
    }
  }

  @Test
  void helpOfEachOpsScript() throws Exception {
    for (Path script : List.of(BACKUP, RESTORE, ROLLING_UPDATE, SCRIPTS.resolve("drain-node.sh"),
        SCRIPTS.resolve("admin.sh"))) {
      assertTrue(Files.isExecutable(script), script + " must be executable");
      Result result = run(Map.of(), script.toString(), "--help");
      assertEquals(0, result.exitCode(), script + " --help\n" + result.output());
      assertTrue(result.output().startsWith("Usage: scripts/" + script.getFileName()), result.output());
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Backup and restore

  @Test
  void backupAndRestoreLoseNothing(@TempDir Path tmp) throws Exception {
    requireTool("redis-server");
    requireTool("redis-cli");
    Path config = write(tmp.resolve("conf/node.json"),
        "{\"cache\":{\"redisUrl\":\"redis://127.0.0.1:6379/0\"}}\n".getBytes(StandardCharsets.UTF_8));
    Path cluster = tmp.resolve("cluster-config");
    write(cluster.resolve("cluster.xml"), "<hazelcast/>\n".getBytes(StandardCharsets.UTF_8));
    write(cluster.resolve("cluster-kubernetes.xml"), "<hazelcast k8s=\"true\"/>\n".getBytes(StandardCharsets.UTF_8));
    write(cluster.resolve("extra/members.txt"), "10.0.0.5\n".getBytes(StandardCharsets.UTF_8));
    Random random = new Random(42);
    Path voices = tmp.resolve("voices");
    write(voices.resolve("alice/profile.json"), "{\"name\":\"alice\"}".getBytes(StandardCharsets.UTF_8));
    write(voices.resolve("alice/sample 1.wav"), randomBytes(random, 50_000));
    write(voices.resolve("bob/embedding.bin"), randomBytes(random, 4096));
    write(voices.resolve("empty.bin"), new byte[0]);

    Map<byte[], byte[]> data = new LinkedHashMap<>();
    for (int i = 0; i < KEYS; i++) {
      byte[] key = concat(("ervc:test:" + i + ":").getBytes(StandardCharsets.US_ASCII), randomBytes(random, 8));
      byte[] value = switch (i) {
        case 0 -> new byte[0];
        case 1 -> "\r\n$-1\r\n*0\r\n".getBytes(StandardCharsets.US_ASCII);
        default -> randomBytes(random, random.nextInt(8192));
      };
      data.put(key, value);
    }
    Path backups = tmp.resolve("backups");
    // A password in the URL form of k8s/README.md (redis://:PASSWORD@host), percent-encoded as URLs need.
    String password = "s3cret@pass";
    try (LocalRedis source = LocalRedis.start(Files.createDirectories(tmp.resolve("redis-source")), password)) {
      int i = 0;
      for (Map.Entry<byte[], byte[]> entry : data.entrySet()) {
        Object reply = i++ % 2 == 0
            ? source.command(bytes("SET"), entry.getKey(), entry.getValue())
            : source.command(bytes("SET"), entry.getKey(), entry.getValue(), bytes("PX"), bytes("3600000"));
        assertEquals("OK", reply);
      }
      assertEquals((long) KEYS, source.command(bytes("DBSIZE")));

      String url = "redis://:s3cret%40pass@127.0.0.1:" + source.port + "/0";
      Result backup = run(Map.of("BACKUP_DIR", backups.toString(), "REDIS_URL", url,
              "VOICE_CLONING_DIR", voices.toString()),
          BACKUP.toString(), "--config", config.toString(), "--cluster-config", cluster.toString());
      assertEquals(0, backup.exitCode(), backup.output());
      assertTrue(backup.output().contains("voice profiles: 4 file(s)"), backup.output());
      assertFalse(backup.output().contains("s3cret"), "the password is not printed\n" + backup.output());
    }

    // The archive, its companion checksum and the manifest inside.
    List<Path> archives = list(backups, "ervc-backup-*.tar.gz");
    assertEquals(1, archives.size(), "one archive in " + list(backups, "*"));
    Path archive = archives.get(0);
    assertEquals(sha256(Files.readAllBytes(archive)),
        Files.readString(archive.resolveSibling(archive.getFileName() + ".sha256")).split(" ")[0]);
    Path extracted = Files.createDirectories(tmp.resolve("extracted"));
    assertEquals(0, run(Map.of(), "tar", "-xzf", archive.toString(), "-C", extracted.toString()).exitCode());
    Path root = extracted.resolve(archive.getFileName().toString().replace(".tar.gz", ""));
    Map<String, String> manifest = readManifest(root.resolve("MANIFEST.sha256"));
    Map<String, Path> sources = new TreeMap<>();
    sources.put("config/node.json", config);
    for (Map.Entry<String, byte[]> f : tree(cluster).entrySet()) {
      sources.put("cluster-config/" + f.getKey(), cluster.resolve(f.getKey()));
    }
    for (Map.Entry<String, byte[]> f : tree(voices).entrySet()) {
      sources.put("voices/" + f.getKey(), voices.resolve(f.getKey()));
    }
    List<String> expectedEntries = new ArrayList<>(sources.keySet());
    expectedEntries.addAll(List.of("backup-info.txt", "redis/dump.rdb"));
    assertEquals(expectedEntries.stream().sorted().toList(), manifest.keySet().stream().sorted().toList(),
        "manifest entries");
    for (Map.Entry<String, String> entry : manifest.entrySet()) {
      assertEquals(sha256(Files.readAllBytes(root.resolve(entry.getKey()))), entry.getValue(), entry.getKey());
      Path original = sources.get(entry.getKey());
      if (original != null) {
        assertEquals(sha256(Files.readAllBytes(original)), entry.getValue(), "checksum of the original " + original);
      }
    }
    String info = Files.readString(root.resolve("backup-info.txt"));
    assertTrue(info.contains("format=ervc-backup/1") && info.contains("redis=redis://:***@127.0.0.1:"), info);
    assertFalse(info.contains("s3cret"), "no password in backup-info.txt");

    // Restore into fresh directories; the Redis snapshot into the dir of a server that is started afterwards.
    Path restored = tmp.resolve("restored");
    Path redisTarget = tmp.resolve("redis-restored");
    Map<String, String> restoreEnv = Map.of("RESTORE_DIR", restored.toString());
    Result restore = run(restoreEnv, RESTORE.toString(), "--redis-target", redisTarget.toString(), archive.toString());
    assertEquals(0, restore.exitCode(), restore.output());
    assertSameTree(cluster, restored.resolve("cluster-config"));
    assertSameTree(voices, restored.resolve("data/voice_profiles"));
    assertArrayEquals(Files.readAllBytes(config), Files.readAllBytes(restored.resolve("config/node.json")));

    // A second restore over the first one is refused without --force, and changes nothing.
    Path restoredConfig = restored.resolve("config/node.json");
    Files.writeString(restoredConfig, "edited after the restore");
    Result again = run(restoreEnv, RESTORE.toString(), "--redis-target", redisTarget.toString(), archive.toString());
    assertNotEquals(0, again.exitCode(), again.output());
    assertTrue(again.output().contains("--force"), again.output());
    assertEquals("edited after the restore", Files.readString(restoredConfig));
    Result forced = run(restoreEnv, RESTORE.toString(), "--force", "--redis-target", redisTarget.toString(),
        archive.toString());
    assertEquals(0, forced.exitCode(), forced.output());
    assertArrayEquals(Files.readAllBytes(config), Files.readAllBytes(restoredConfig));

    assertTrue(Files.isRegularFile(redisTarget.resolve("dump.rdb")), "dump.rdb restored into --redis-target");
    try (LocalRedis target = LocalRedis.start(redisTarget, null)) {
      assertEquals((long) KEYS, target.command(bytes("DBSIZE")), "keys in the restored Redis");
      int i = 0;
      for (Map.Entry<byte[], byte[]> entry : data.entrySet()) {
        Object value = target.command(bytes("GET"), entry.getKey());
        assertTrue(value instanceof byte[], "key " + i + " is missing after the restore");
        assertArrayEquals(entry.getValue(), (byte[]) value, "bytes of key " + i);
        long ttl = (Long) target.command(bytes("PTTL"), entry.getKey());
        if (i % 2 == 0) {
          assertEquals(-1L, ttl, "key " + i + " had no TTL");
        } else {
          assertTrue(ttl > 0 && ttl <= 3_600_000L, "key " + i + " keeps its TTL, got " + ttl);
        }
        i++;
      }
    }
  }

  @Test
  void oldBackupsArePrunedAndAbsentPartsAreSaid(@TempDir Path tmp) throws Exception {
    Path backups = Files.createDirectories(tmp.resolve("backups"));
    Path oldArchive = write(backups.resolve("ervc-backup-20200101T000000Z.tar.gz"), new byte[] {1});
    Path oldSum = write(backups.resolve("ervc-backup-20200101T000000Z.tar.gz.sha256"), new byte[] {2});
    Path oldDir = Files.createDirectories(backups.resolve("ervc-backup-20200102T000000Z"));
    write(oldDir.resolve("MANIFEST.sha256"), new byte[] {3});
    Path recent = write(backups.resolve("ervc-backup-20200103T000000Z.tar.gz"), new byte[] {4});
    Path unrelated = write(backups.resolve("notes.txt"), new byte[] {5});
    for (Path old : List.of(oldArchive, oldSum, oldDir, unrelated)) {
      touch(old, "40 days ago");
    }
    touch(recent, "20 days ago");
    Path cluster = tmp.resolve("cluster-config");
    write(cluster.resolve("cluster.xml"), "<hazelcast/>".getBytes(StandardCharsets.UTF_8));

    Result backup = run(Map.of("BACKUP_DIR", backups.toString(), "RETENTION_DAYS", "30",
            "VOICE_CLONING_DIR", tmp.resolve("no-such-voices").toString()),
        BACKUP.toString(), "--cluster-config", cluster.toString());
    assertEquals(0, backup.exitCode(), backup.output());
    assertFalse(Files.exists(oldArchive), "a backup older than RETENTION_DAYS is pruned\n" + backup.output());
    assertFalse(Files.exists(oldSum), "its checksum file too");
    assertFalse(Files.exists(oldDir), "and an old backup directory");
    assertTrue(Files.exists(recent), "a backup younger than RETENTION_DAYS stays");
    assertTrue(Files.exists(unrelated), "files not named ervc-backup-* stay");
    assertTrue(backup.output().contains("does not exist"), "says that there are no voice profiles\n" + backup.output());
    assertTrue(backup.output().contains("REDIS_URL not set"), backup.output());

    List<Path> archives = list(backups, "ervc-backup-2*.tar.gz");
    archives.remove(recent);
    assertEquals(1, archives.size(), "the new backup: " + list(backups, "*"));
    Path extracted = Files.createDirectories(tmp.resolve("x"));
    assertEquals(0, run(Map.of(), "tar", "-xzf", archives.get(0).toString(), "-C", extracted.toString()).exitCode());
    try (Stream<Path> dirs = Files.list(extracted)) {
      Path root = dirs.findFirst().orElseThrow();
      assertEquals(List.of("backup-info.txt", "cluster-config/cluster.xml"),
          readManifest(root.resolve("MANIFEST.sha256")).keySet().stream().sorted().toList());
      String info = Files.readString(root.resolve("backup-info.txt"));
      assertTrue(info.contains("voices=absent") && info.contains("redis=none"), info);
    }
  }

  @Test
  void backupFailsClearlyAndKeepsNothing(@TempDir Path tmp) throws Exception {
    requireTool("redis-cli");
    Path backups = tmp.resolve("backups");
    Path cluster = tmp.resolve("cluster-config");
    write(cluster.resolve("cluster.xml"), "<hazelcast/>".getBytes(StandardCharsets.UTF_8));
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    Result unreachable = run(Map.of("BACKUP_DIR", backups.toString(),
            "REDIS_URL", "redis://:secret-password@127.0.0.1:" + closedPort + "/0"),
        BACKUP.toString(), "--cluster-config", cluster.toString());
    assertNotEquals(0, unreachable.exitCode(), unreachable.output());
    assertTrue(unreachable.output().contains("Redis snapshot from redis://:***@127.0.0.1:" + closedPort + "/0 failed"),
        unreachable.output());
    assertFalse(unreachable.output().contains("secret-password"), "the password is not printed");
    Result noUser = run(Map.of("BACKUP_DIR", backups.toString(),
            "REDIS_URL", "redis://secret-password@127.0.0.1:" + closedPort),
        BACKUP.toString(), "--cluster-config", cluster.toString());
    assertNotEquals(0, noUser.exitCode(), noUser.output());
    assertFalse(noUser.output().contains("secret-password"), "the password is not printed\n" + noUser.output());
    assertEquals(List.of(), list(backups, "*"), "no partial backup is left");
    assertEquals(List.of(), list(backups, ".*"), "no partial backup is left");

    Path notRdb = write(tmp.resolve("not.rdb"), "hello".getBytes(StandardCharsets.UTF_8));
    Result badRdb = run(Map.of("BACKUP_DIR", backups.toString()),
        BACKUP.toString(), "--redis-rdb", notRdb.toString(), "--cluster-config", cluster.toString());
    assertNotEquals(0, badRdb.exitCode(), badRdb.output());
    assertTrue(badRdb.output().contains("is not an RDB file"), badRdb.output());
    assertEquals(List.of(), list(backups, "*"), "no partial backup is left");

    Result missingConfig = run(Map.of("BACKUP_DIR", backups.toString()),
        BACKUP.toString(), "--config", tmp.resolve("nope.json").toString(), "--cluster-config", cluster.toString());
    assertNotEquals(0, missingConfig.exitCode());
    assertTrue(missingConfig.output().contains("configuration file not found"), missingConfig.output());
  }

  @Test
  void snapshotFileGivenWithRedisRdbIsBackedUpAndRestored(@TempDir Path tmp) throws Exception {
    Path cluster = tmp.resolve("cluster-config");
    write(cluster.resolve("cluster.xml"), "<hazelcast/>".getBytes(StandardCharsets.UTF_8));
    byte[] rdb = concat("REDIS0010".getBytes(StandardCharsets.US_ASCII), randomBytes(new Random(3), 5000));
    Path snapshot = write(tmp.resolve("snapshot.rdb"), rdb);
    Path backups = tmp.resolve("backups");
    Result backup = run(Map.of("BACKUP_DIR", backups.toString(), "REDIS_URL", "redis://127.0.0.1:1/0"),
        BACKUP.toString(), "--redis-rdb", snapshot.toString(), "--cluster-config", cluster.toString(),
        "--format", "dir");
    assertEquals(0, backup.exitCode(), "--redis-rdb wins over REDIS_URL\n" + backup.output());
    Path backupDir = list(backups, "ervc-backup-*").get(0);
    assertTrue(readManifest(backupDir.resolve("MANIFEST.sha256")).containsKey("redis/dump.rdb"));
    Path target = tmp.resolve("redis-dir");
    Result restore = run(Map.of("RESTORE_DIR", tmp.resolve("restored").toString()), RESTORE.toString(),
        "--redis-target", target.toString(), backupDir.toString());
    assertEquals(0, restore.exitCode(), restore.output());
    assertArrayEquals(rdb, Files.readAllBytes(target.resolve("dump.rdb")));
  }

  @Test
  void voiceProfilesInPostgresAreDumpedAndRestored(@TempDir Path tmp) throws Exception {
    requireTool("pg_dump");
    requireTool("pg_restore");
    requireTool("psql");
    Path cluster = tmp.resolve("cluster-config");
    write(cluster.resolve("cluster.xml"), "<hazelcast/>".getBytes(StandardCharsets.UTF_8));
    try (PostgresServer database = new PostgresServer().start()) {
      database.sql(Files.readString(ROOT.resolve("src/main/resources/db/migrations/V1__voice_profiles.sql")));
      database.sql("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL);"
          + "INSERT INTO schema_migrations VALUES (1, now());"
          + "INSERT INTO voice_profiles VALUES ('vp_aaaaaaaaaaaaaaaaaaaa', 'alice', 'Alice', 'espeak', 3, "
          + "'{\"voice\":\"en-gb\"}', now(), now());"
          + "INSERT INTO voice_profile_clips SELECT 'vp_aaaaaaaaaaaaaaaaaaaa', 'c0', 'x', "
          + "decode(string_agg(lpad(to_hex(i % 256), 2, '0'), ''), 'hex') FROM generate_series(1, 70000) i;"
          + "CREATE TABLE unrelated (note TEXT); INSERT INTO unrelated VALUES ('kept');");
      String rows = "SELECT md5(string_agg(p.id || p.user_id || p.version || p.voice_config::text || "
          + "encode(c.audio, 'hex'), ',')) FROM voice_profiles p JOIN voice_profile_clips c ON c.profile_id = p.id";
      String before = database.sql(rows);
      // The password is ignored by the test server (trust), but must never be shown or put on a command line.
      String url = database.url().replace("test@", "test:s3cr%40t@");
      Path backups = tmp.resolve("backups");
      Result backup = run(Map.of("BACKUP_DIR", backups.toString(), "DATABASE_URL", url), BACKUP.toString(),
          "--cluster-config", cluster.toString(), "--format", "dir");
      assertEquals(0, backup.exitCode(), backup.output());
      assertFalse(backup.output().contains("s3cr"), backup.output());
      Path backupDir = list(backups, "ervc-backup-*").get(0);
      assertTrue(readManifest(backupDir.resolve("MANIFEST.sha256")).containsKey("postgres/voice_profiles.dump"));
      assertTrue(Files.readString(backupDir.resolve("backup-info.txt")).contains("database=postgresql://test:***@"));

      // The tables exist: refused without --force, nothing changed.
      database.sql("UPDATE voice_profiles SET version = 4; UPDATE unrelated SET note = 'changed later'");
      Map<String, String> env = Map.of("DATABASE_URL", url, "RESTORE_DIR", tmp.resolve("restored").toString());
      Result refused = run(env, RESTORE.toString(), backupDir.toString());
      assertNotEquals(0, refused.exitCode(), refused.output());
      assertTrue(refused.output().contains("already has voice-profile tables"), refused.output());
      assertEquals("4", database.sql("SELECT version FROM voice_profiles"));

      Result restored = run(env, RESTORE.toString(), "--force", backupDir.toString());
      assertEquals(0, restored.exitCode(), restored.output());
      assertFalse(restored.output().contains("s3cr"), restored.output());
      assertEquals(before, database.sql(rows), "every profile row and clip byte comes back");
      assertEquals("3", database.sql("SELECT version FROM voice_profiles"));
      assertEquals("changed later", database.sql("SELECT note FROM unrelated"), "other tables are left alone");

      // Without DATABASE_URL the dump is restored as a file, with the command that loads it.
      Result asFile = run(Map.of("RESTORE_DIR", tmp.resolve("as-file").toString()), RESTORE.toString(),
          backupDir.toString());
      assertEquals(0, asFile.exitCode(), asFile.output());
      assertArrayEquals(Files.readAllBytes(backupDir.resolve("postgres/voice_profiles.dump")),
          Files.readAllBytes(tmp.resolve("as-file/postgres/voice_profiles.dump")));
      assertTrue(asFile.output().contains("pg_restore --clean"), asFile.output());
    }
  }

  @Test
  void restoreRefusesTamperedBackups(@TempDir Path tmp) throws Exception {
    Path cluster = tmp.resolve("cluster-config");
    write(cluster.resolve("cluster.xml"), "<hazelcast/>".getBytes(StandardCharsets.UTF_8));
    Path config = write(tmp.resolve("node.json"), "{\"http\":{\"port\":8000}}".getBytes(StandardCharsets.UTF_8));
    Path voices = tmp.resolve("voices");
    write(voices.resolve("v/profile.bin"), randomBytes(new Random(7), 2048));
    Map<String, String> env = Map.of("VOICE_CLONING_DIR", voices.toString());

    // A directory backup with one byte changed.
    Path dirBackups = tmp.resolve("dir-backups");
    Result dirBackup = run(with(env, "BACKUP_DIR", dirBackups.toString()), BACKUP.toString(), "--format", "dir",
        "--config", config.toString(), "--cluster-config", cluster.toString());
    assertEquals(0, dirBackup.exitCode(), dirBackup.output());
    Path backupDir = list(dirBackups, "ervc-backup-*").get(0);
    Result verified = run(Map.of(), RESTORE.toString(), "--verify-only", backupDir.toString());
    assertEquals(0, verified.exitCode(), "the untouched backup verifies\n" + verified.output());
    Path copied = backupDir.resolve("config/node.json");
    byte[] content = Files.readAllBytes(copied);
    content[3] ^= 1;
    Files.write(copied, content);
    Path target = tmp.resolve("restore-dir");
    Result refused = run(Map.of("RESTORE_DIR", target.toString()), RESTORE.toString(), backupDir.toString());
    assertNotEquals(0, refused.exitCode(), refused.output());
    assertTrue(refused.output().contains("checksum verification FAILED"), refused.output());
    assertFalse(Files.exists(target), "nothing is restored from a tampered backup");

    // A tar.gz repacked with a changed voice profile: caught by the companion .sha256, and without it by the
    // manifest inside.
    Path tarBackups = tmp.resolve("tar-backups");
    Result tarBackup = run(with(env, "BACKUP_DIR", tarBackups.toString()), BACKUP.toString(),
        "--config", config.toString(), "--cluster-config", cluster.toString());
    assertEquals(0, tarBackup.exitCode(), tarBackup.output());
    Path archive = list(tarBackups, "ervc-backup-*.tar.gz").get(0);
    Path unpacked = Files.createDirectories(tmp.resolve("unpacked"));
    assertEquals(0, run(Map.of(), "tar", "-xzf", archive.toString(), "-C", unpacked.toString()).exitCode());
    String name = archive.getFileName().toString().replace(".tar.gz", "");
    Path profile = unpacked.resolve(name).resolve("voices/v/profile.bin");
    byte[] bytes = Files.readAllBytes(profile);
    bytes[100] ^= 0x40;
    Files.write(profile, bytes);
    assertEquals(0, run(Map.of(), "tar", "-czf", archive.toString(), "-C", unpacked.toString(), name).exitCode());
    Result bySidecar = run(Map.of("RESTORE_DIR", target.toString()), RESTORE.toString(), archive.toString());
    assertNotEquals(0, bySidecar.exitCode(), bySidecar.output());
    assertTrue(bySidecar.output().contains("checksum mismatch"), bySidecar.output());
    Files.delete(archive.resolveSibling(archive.getFileName() + ".sha256"));
    Result byManifest = run(Map.of("RESTORE_DIR", target.toString()), RESTORE.toString(), archive.toString());
    assertNotEquals(0, byManifest.exitCode(), byManifest.output());
    assertTrue(byManifest.output().contains("checksum verification FAILED"), byManifest.output());
    assertFalse(Files.exists(target), "nothing is restored from a tampered backup");
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Rolling update

  private static final String STUB = """
      #!/usr/bin/env bash
      # kubectl stand-in: records its arguments, answers like a cluster with the ervc Deployments.
      set -euo pipefail
      printf '%s\\n' "$*" >>"$STUB_LOG"
      [ "$1" = --namespace ] && shift 2
      case "$1 ${2:-}" in
        "get deployments")
          [ "${STUB_NO_GATEWAY:-0}" = 1 ] || echo deployment.apps/ervc-gateway
          echo deployment.apps/ervc-worker
          [ "${STUB_GPU:-0}" != 1 ] || echo deployment.apps/ervc-worker-gpu
          ;;
        "get deployment/"*) printf '5\\nervc=registry.example/ervc:1.0\\nsidecar=registry.example/proxy:1\\n' ;;
        "set image") ;;
        "rollout undo") ;;
        "rollout status")
          # fails the first rollout of STUB_FAIL (the one before its undo), succeeds afterwards
          if [ "$3" = "deployment/${STUB_FAIL:-}" ] && ! grep -q "rollout undo $3" "$STUB_LOG"; then
            echo "error: deployment \\"${STUB_FAIL}\\" exceeded its progress deadline" >&2
            exit 1
          fi
          ;;
        *) echo "stub kubectl: unexpected: $*" >&2; exit 3 ;;
      esac
      """;

  @Test
  void rollingUpdateGoesWorkersFirstGatewayLast(@TempDir Path tmp) throws Exception {
    Stub stub = stub(tmp);
    Result result = run(stub.env(Map.of("STUB_GPU", "1")), ROLLING_UPDATE.toString(), "--namespace", "ervc-test",
        "--timeout", "90s", "--gpu-image", "registry.example/ervc:2.0-gpu", "registry.example/ervc:2.0");
    assertEquals(0, result.exitCode(), result.output());
    assertEquals(List.of(
        "set image deployment/ervc-worker ervc=registry.example/ervc:2.0",
        "rollout status deployment/ervc-worker --timeout=90s",
        "set image deployment/ervc-worker-gpu ervc=registry.example/ervc:2.0-gpu",
        "rollout status deployment/ervc-worker-gpu --timeout=90s",
        "set image deployment/ervc-gateway ervc=registry.example/ervc:2.0",
        "rollout status deployment/ervc-gateway --timeout=90s"), stub.changes(), result.output());
    assertTrue(stub.calls().stream().allMatch(c -> c.startsWith("--namespace ervc-test ")), stub.calls().toString());

    Stub noGpu = stub(tmp.resolve("no-gpu"));
    Result withoutGpu = run(noGpu.env(Map.of()), ROLLING_UPDATE.toString(), "-n", "ervc-test",
        "registry.example/ervc:2.0");
    assertEquals(0, withoutGpu.exitCode(), withoutGpu.output());
    assertEquals(List.of("deployment/ervc-worker", "deployment/ervc-gateway"),
        noGpu.changes().stream().filter(c -> c.startsWith("set image ")).map(c -> c.split(" ")[2]).toList());
  }

  @Test
  void failedRolloutIsUndoneAndExitsNonZero(@TempDir Path tmp) throws Exception {
    Stub stub = stub(tmp);
    Result result = run(stub.env(Map.of("STUB_GPU", "1", "STUB_FAIL", "ervc-worker-gpu")),
        ROLLING_UPDATE.toString(), "--namespace", "ervc-test", "--timeout", "90s", "registry.example/ervc:2.0");
    assertNotEquals(0, result.exitCode(), result.output());
    assertEquals(List.of(
        "set image deployment/ervc-worker ervc=registry.example/ervc:2.0",
        "rollout status deployment/ervc-worker --timeout=90s",
        "set image deployment/ervc-worker-gpu ervc=registry.example/ervc:2.0",
        "rollout status deployment/ervc-worker-gpu --timeout=90s",
        "rollout undo deployment/ervc-worker-gpu --to-revision=5",
        "rollout status deployment/ervc-worker-gpu --timeout=90s",
        "rollout undo deployment/ervc-worker --to-revision=5",
        "rollout status deployment/ervc-worker --timeout=90s"), stub.changes(), result.output());
    assertTrue(result.output().contains("failed at deployment/ervc-worker-gpu"), result.output());

    Stub gateway = stub(tmp.resolve("gateway"));
    Result gatewayFails = run(gateway.env(Map.of("STUB_FAIL", "ervc-gateway")), ROLLING_UPDATE.toString(),
        "registry.example/ervc:2.0");
    assertNotEquals(0, gatewayFails.exitCode(), gatewayFails.output());
    assertEquals(List.of("rollout undo deployment/ervc-gateway --to-revision=5",
            "rollout undo deployment/ervc-worker --to-revision=5"),
        gateway.changes().stream().filter(c -> c.startsWith("rollout undo")).toList(), gatewayFails.output());
  }

  @Test
  void dryRunChangesNothingAndMissingDeploymentsStopEarly(@TempDir Path tmp) throws Exception {
    Stub stub = stub(tmp);
    Result dry = run(stub.env(Map.of("STUB_GPU", "1")), ROLLING_UPDATE.toString(), "--dry-run",
        "registry.example/ervc:2.0");
    assertEquals(0, dry.exitCode(), dry.output());
    assertEquals(List.of(), stub.changes(), "--dry-run runs only kubectl get");
    int worker = dry.output().indexOf("set image deployment/ervc-worker ervc=registry.example/ervc:2.0");
    int gpu = dry.output().indexOf("set image deployment/ervc-worker-gpu ervc=registry.example/ervc:2.0");
    int gateway = dry.output().indexOf("set image deployment/ervc-gateway ervc=registry.example/ervc:2.0");
    assertTrue(worker >= 0 && worker < gpu && gpu < gateway, "prints the commands in order:\n" + dry.output());
    assertTrue(dry.output().contains("--namespace ervc "), "default namespace ervc:\n" + dry.output());

    Stub missing = stub(tmp.resolve("missing"));
    Result noGateway = run(missing.env(Map.of("STUB_NO_GATEWAY", "1")), ROLLING_UPDATE.toString(),
        "registry.example/ervc:2.0");
    assertNotEquals(0, noGateway.exitCode(), noGateway.output());
    assertTrue(noGateway.output().contains("deployment/ervc-gateway not found"), noGateway.output());
    assertEquals(List.of(), missing.changes(), "nothing is changed when a Deployment is missing");
  }

  /** A stub kubectl in {@code dir} and the log of its calls. */
  record Stub(Path script, Path log) {
    Map<String, String> env(Map<String, String> extra) {
      Map<String, String> env = new LinkedHashMap<>(extra);
      env.put("KUBECTL", script.toString());
      env.put("STUB_LOG", log.toString());
      return env;
    }

    List<String> calls() throws IOException {
      return Files.exists(log) ? Files.readAllLines(log) : List.of();
    }

    /** The calls other than reads, without the namespace flag. */
    List<String> changes() throws IOException {
      return calls().stream().map(c -> c.replaceFirst("^--namespace \\S+ ", "")).filter(c -> !c.startsWith("get "))
          .toList();
    }
  }

  private static Stub stub(Path dir) throws IOException {
    Path script = write(dir.resolve("kubectl"), STUB.getBytes(StandardCharsets.UTF_8));
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    return new Stub(script, dir.resolve("kubectl.log"));
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Helpers

  /** scripts/*.sh and .ci/run, relative to the project root. */
  private static List<String> shellScripts() throws IOException {
    List<String> scripts;
    try (Stream<Path> files = Files.list(SCRIPTS)) {
      scripts = files.filter(p -> p.getFileName().toString().endsWith(".sh")).map(p -> ROOT.relativize(p).toString())
          .sorted().collect(Collectors.toCollection(ArrayList::new));
    }
    scripts.add(".ci/run");
    return scripts;
  }

  private static void requireTool(String tool) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
        return;
      }
    }
    fail(tool + " not found on PATH; scripts/test.sh installs it");
  }

  private static Result run(Map<String, String> env, String... command) throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true);
    SCRIPT_VARIABLES.forEach(builder.environment()::remove);
    builder.environment().putAll(env);
    Process process = builder.start();
    process.getOutputStream().close();
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    Thread reader = new Thread(() -> {
      try (InputStream in = process.getInputStream()) {
        in.transferTo(output);
      } catch (IOException ignored) {
        // the process is gone
      }
    });
    reader.start();
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
      fail("did not finish in 120 s: " + String.join(" ", command) + "\n" + output);
    }
    reader.join(10_000);
    return new Result(process.exitValue(), output.toString(StandardCharsets.UTF_8));
  }

  private static Map<String, String> with(Map<String, String> env, String key, String value) {
    Map<String, String> copy = new LinkedHashMap<>(env);
    copy.put(key, value);
    return copy;
  }

  private static void touch(Path path, String date) throws Exception {
    Result result = run(Map.of(), "touch", "-d", date, path.toString());
    assertEquals(0, result.exitCode(), result.output());
  }

  private static Path write(Path path, byte[] content) throws IOException {
    Files.createDirectories(path.getParent());
    return Files.write(path, content);
  }

  private static List<Path> list(Path dir, String glob) throws IOException {
    List<Path> entries = new ArrayList<>();
    if (Files.isDirectory(dir)) {
      try (var stream = Files.newDirectoryStream(dir, glob)) {
        stream.forEach(entries::add);
      }
    }
    entries.sort(null);
    return entries;
  }

  /** Relative path to bytes of every regular file below {@code dir}. */
  private static Map<String, byte[]> tree(Path dir) throws IOException {
    Map<String, byte[]> files = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.filter(Files::isRegularFile).toList()) {
        files.put(dir.relativize(p).toString(), Files.readAllBytes(p));
      }
    }
    return files;
  }

  private static void assertSameTree(Path expected, Path actual) throws IOException {
    assertTrue(Files.isDirectory(actual), actual + " was not restored");
    Map<String, byte[]> want = tree(expected);
    Map<String, byte[]> got = tree(actual);
    assertEquals(want.keySet(), got.keySet(), "files below " + actual);
    for (Map.Entry<String, byte[]> file : want.entrySet()) {
      assertArrayEquals(file.getValue(), got.get(file.getKey()), "bytes of " + actual.resolve(file.getKey()));
    }
  }

  /** MANIFEST.sha256 (sha256sum format) as path to hash. */
  private static Map<String, String> readManifest(Path manifest) throws IOException {
    Map<String, String> entries = new TreeMap<>();
    for (String line : Files.readAllLines(manifest)) {
      assertTrue(line.matches("[0-9a-f]{64} [ *].+"), "manifest line: " + line);
      entries.put(line.substring(66), line.substring(0, 64));
    }
    return entries;
  }

  private static String sha256(byte[] bytes) throws NoSuchAlgorithmException {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  private static byte[] randomBytes(Random random, int length) {
    byte[] bytes = new byte[length];
    random.nextBytes(bytes);
    return bytes;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  /** A redis-server of its own on a free loopback port, with {@code --dir} and {@code dump.rdb}; binary-safe RESP. */
  static final class LocalRedis implements AutoCloseable {
    private final int port;
    private final Process process;
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private LocalRedis(int port, Process process, Socket socket) throws IOException {
      this.port = port;
      this.process = process;
      this.socket = socket;
      this.in = new BufferedInputStream(socket.getInputStream());
      this.out = socket.getOutputStream();
    }

    static LocalRedis start(Path dir, String password) throws Exception {
      int port;
      try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        port = probe.getLocalPort();
      }
      List<String> command = new ArrayList<>(List.of("redis-server", "--port", Integer.toString(port), "--bind",
          "127.0.0.1", "--dir", dir.toString(), "--dbfilename", "dump.rdb", "--save", "", "--appendonly", "no",
          "--repl-diskless-sync-delay", "0"));
      if (password != null) {
        command.addAll(List.of("--requirepass", password));
      }
      Process process = new ProcessBuilder(command)
          .redirectErrorStream(true).redirectOutput(dir.resolveSibling(dir.getFileName() + ".log").toFile()).start();
      try {
        return Await.result(() -> "redis-server answers on port " + port + " with --dir " + dir, Duration.ofSeconds(10),
            () -> {
              if (!process.isAlive()) {
                throw new AssertionError("redis-server exited with " + process.exitValue());
              }
              return connect(port, process, password);
            });
      } catch (AssertionError e) {
        process.destroyForcibly();
        throw e;
      }
    }

    /** A connection that answered PING, or null while Redis is not listening yet or still loading the dump. */
    private static LocalRedis connect(int port, Process process, String password) throws IOException {
      Socket socket = new Socket();
      try {
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
        socket.setSoTimeout(10_000);
        LocalRedis redis = new LocalRedis(port, process, socket);
        if (password != null) {
          redis.command(bytes("AUTH"), password.getBytes(StandardCharsets.UTF_8));
        }
        if ("PONG".equals(redis.command(bytes("PING")))) {
          return redis;
        }
      } catch (IOException | IllegalStateException e) {
        // not listening yet, or still loading the dump (-LOADING)
      }
      socket.close();
      return null;
    }

    /** One command; returns a String (+), Long (:), byte[] ($), null ($-1); an error reply throws. */
    Object command(byte[]... args) throws IOException {
      ByteArrayOutputStream request = new ByteArrayOutputStream();
      request.write(("*" + args.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
      for (byte[] arg : args) {
        request.write(("$" + arg.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
        request.write(arg);
        request.write("\r\n".getBytes(StandardCharsets.US_ASCII));
      }
      out.write(request.toByteArray());
      out.flush();
      int type = in.read();
      String line = readLine();
      switch (type) {
        case '+':
          return line;
        case ':':
          return Long.parseLong(line);
        case '-':
          throw new IllegalStateException("redis error: " + line);
        case '$': {
          int length = Integer.parseInt(line);
          if (length < 0) {
            return null;
          }
          byte[] value = in.readNBytes(length);
          if (value.length != length || in.read() != '\r' || in.read() != '\n') {
            throw new IOException("short bulk reply");
          }
          return value;
        }
        default:
          throw new IOException("unexpected reply type " + type);
      }
    }

    private String readLine() throws IOException {
      StringBuilder line = new StringBuilder();
      int c;
      while ((c = in.read()) != '\r') {
        if (c == -1) {
          throw new IOException("connection closed");
        }
        line.append((char) c);
      }
      if (in.read() != '\n') {
        throw new IOException("bad line ending");
      }
      return line.toString();
    }

    @Override
    public void close() throws Exception {
      socket.close();
      process.destroy();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    }
  }
}
