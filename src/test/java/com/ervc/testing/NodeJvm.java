package com.ervc.testing;

import com.ervc.node.Node;
import io.vertx.core.internal.VertxInternal;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A node in a JVM of its own, started from the packaged jar exactly as an operator would ({@code java -jar
 * target/ervc.jar --roles ...}), its output in a temporary log file. Killing it ({@link #kill()}) is a SIGKILL: the
 * node tells nobody, as after an OOM kill or a power loss.
 */
public final class NodeJvm implements AutoCloseable {
  private static final Pattern JOINED = Pattern.compile("node \\S+ \\(([^)]+)\\) joined cluster");
  private final Process process;
  private final Path log;

  private NodeJvm(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /** Starts a node of {@code roles} in cluster {@code cluster}; {@code env} adds settings (environment variables). */
  public static NodeJvm start(String cluster, String roles, Map<String, String> env) throws IOException {
    String jar = System.getProperty("ervc.jar", "target/ervc.jar");
    if (!new File(jar).isFile()) {
      throw new IllegalStateException("the packaged jar is missing: " + jar + " (mvn package)");
    }
    Path log = Files.createTempFile("ervc-node", ".log");
    log.toFile().deleteOnExit();
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx512m", "-Dhazelcast.logging.type=slf4j", "-jar", jar, "--roles", roles));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().putAll(Map.of("CLUSTER_NAME", cluster, "HTTP_PORT", "0", "SHUTDOWN_DRAIN_SECONDS", "1"));
    builder.environment().putAll(env);
    return new NodeJvm(builder.start(), log);
  }

  /**
   * As {@link #start}, joining the cluster through {@code member}'s own Hazelcast address: on a machine running other
   * test clusters, that address may sit beyond the ports Hazelcast tries by default (5701-5703), and a node that finds
   * nobody starts a cluster of its own.
   */
  public static NodeJvm startJoining(Node member, String cluster, String roles, Map<String, String> env)
      throws IOException {
    HazelcastClusterManager manager = (HazelcastClusterManager) ((VertxInternal) member.vertx()).clusterManager();
    Map<String, String> joining = new HashMap<>(env);
    joining.put("CLUSTER_MEMBERS",
        "127.0.0.1:" + manager.getHazelcastInstance().getCluster().getLocalMember().getAddress().getPort());
    return start(cluster, roles, joining);
  }

  public Process process() {
    return process;
  }

  public String log() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(log unreadable: " + e.getMessage() + ")";
    }
  }

  /** The node's cluster id, once it joined (waits up to {@code timeout}). */
  public String nodeId(Duration timeout) throws Exception {
    return Await.result(() -> "the node JVM joins its cluster; its log:\n" + log(), timeout, () -> {
      if (!process.isAlive()) {
        throw new AssertionError("the node JVM exited; its log:\n" + log());
      }
      Matcher joined = JOINED.matcher(log());
      return joined.find() ? joined.group(1) : null;
    });
  }

  /** SIGKILL, and waits until the process is gone. */
  public void kill() throws InterruptedException {
    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill();
    }
  }
}
