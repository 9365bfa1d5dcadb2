package com.ervc.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real PostgreSQL (Debian's {@code postgresql} package) in a fresh temporary cluster on a free loopback port,
 * trust authentication for user {@code test}. It can be stopped and started again on the same port and data, to
 * play a database that goes away. PostgreSQL refuses to run as root, so under root it runs as user
 * {@code postgres}.
 */
public final class PostgresServer implements AutoCloseable {
  private static final Path BIN = Path.of("/usr/lib/postgresql/15/bin");
  private final int port;
  private final Path home;
  private final boolean asRoot;

  public PostgresServer() throws IOException, InterruptedException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    if (!Files.isExecutable(BIN.resolve("initdb"))) {
      throw new IllegalStateException("PostgreSQL 15 is not installed (" + BIN + "/initdb); scripts/test.sh installs "
          + "the Debian package postgresql");
    }
    asRoot = "root".equals(System.getProperty("user.name"));
    home = Files.createTempDirectory("ervc-postgres-");
    if (asRoot) {
      UserPrincipal postgres = home.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postgres");
      Files.setOwner(home, postgres);
    }
    run(BIN.resolve("initdb").toString(), "-D", data(), "-U", "test", "--auth=trust", "--no-sync", "-E", "UTF8");
  }

  public int port() {
    return port;
  }

  public String url() {
    return "postgresql://test@127.0.0.1:" + port + "/postgres";
  }

  public PostgresServer start() throws IOException, InterruptedException {
    run(BIN.resolve("pg_ctl").toString(), "-D", data(), "-l", home.resolve("log").toString(), "-w", "-t", "30",
        "-o", "-p " + port + " -k " + home + " -c listen_addresses=127.0.0.1 -c fsync=off", "start");
    return this;
  }

  /** Stops at once, closing every connection (what clients see when the database goes away). */
  public void stop() throws IOException, InterruptedException {
    run(BIN.resolve("pg_ctl").toString(), "-D", data(), "-m", "immediate", "-w", "stop");
  }

  /** Runs one SQL statement with psql and returns its unaligned output. */
  public String sql(String statement) throws IOException, InterruptedException {
    return run(BIN.resolve("psql").toString(), "-h", "127.0.0.1", "-p", Integer.toString(port), "-U", "test",
        "-d", "postgres", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", statement);
  }

  private String data() {
    return home.resolve("data").toString();
  }

  private String run(String... command) throws IOException, InterruptedException {
    List<String> line = new ArrayList<>();
    if (asRoot) {
      line.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    line.addAll(List.of(command));
    Process process = new ProcessBuilder(line).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IOException(String.join(" ", command) + " failed: " + output);
    }
    return output.strip();
  }

  @Override
  public void close() throws IOException, InterruptedException {
    if (Files.exists(home.resolve("data/postmaster.pid"))) {
      stop();
    }
    try (Stream<Path> walk = Files.walk(home)) {
      for (Path each : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(each);
      }
    }
  }
}
