package com.ervc.testing;

import com.ervc.config.ConfigLoader;
import com.ervc.node.Node;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Starts real nodes inside the test JVM. The single-node fixture is shared by every test class of the JVM
 * (cluster start-up costs seconds), and is closed when the JVM exits.
 */
public final class TestNodes {
  private static Node shared;

  private TestNodes() {
  }

  /** A unique cluster name, so test clusters never join each other or a node running on this machine. */
  public static String uniqueClusterName() {
    return "test-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** Environment for a node on loopback with an ephemeral HTTP port; add or replace entries as needed. */
  public static Map<String, String> env(String clusterName) {
    Map<String, String> env = new HashMap<>();
    env.put("CLUSTER_NAME", clusterName);
    env.put("HTTP_PORT", "0");
    env.put("HTTP_HOST", "127.0.0.1");
    env.put("SHUTDOWN_DRAIN_SECONDS", "1");
    env.put("WEBROOT", "webroot");
    // Many tests share one node from one IP; the limits themselves are tested on nodes of their own.
    env.put("WS_CONNECTIONS_PER_IP_PER_MINUTE", "100000");
    env.put("API_RATE_LIMIT", "100000");
    // A loaded test machine's latency must not change tiers (and so cache keys) under a test; RoutingIT turns it on.
    env.put("ADAPTIVE_QUALITY", "false");
    return env;
  }

  /** A dev token pair from {@code POST /api/v1/auth/dev-token}: "token" (WebSocket) and "apiToken" (HTTP API). */
  public static JsonObject devTokens(Vertx vertx, int port) {
    WebClient http = WebClient.create(vertx);
    try {
      // A node just started on a busy machine can take many seconds to answer its first requests.
      var response = http.post(port, "127.0.0.1", "/api/v1/auth/dev-token").send().await(60, TimeUnit.SECONDS);
      if (response.statusCode() != 200) {
        throw new IllegalStateException("dev token refused: " + response.statusCode() + " " + response.bodyAsString());
      }
      return response.bodyAsJsonObject();
    } catch (Exception e) {
      throw new IllegalStateException("could not get a dev token", e);
    } finally {
      http.close();
    }
  }

  /** The node's {@code GET /health} body. */
  public static JsonObject health(Node node) throws Exception {
    WebClient http = WebClient.create(node.vertx());
    try {
      return http.get(node.httpPort(), "127.0.0.1", "/health").send().await(10, TimeUnit.SECONDS).bodyAsJsonObject();
    } finally {
      http.close();
    }
  }

  /** A throw-away shell script (deleted when the JVM exits), e.g. a wrapper around espeak-ng; returns its path. */
  public static String script(String body) {
    try {
      Path script = Files.createTempFile("ervc-test-", ".sh");
      Files.writeString(script, "#!/bin/sh\n" + body + "\n");
      Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
      script.toFile().deleteOnExit();
      return script.toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static Node start(Map<String, String> env) {
    try {
      return Node.start(ConfigLoader.load(null, env), env).await(2, TimeUnit.MINUTES);
    } catch (Exception e) {
      throw new IllegalStateException("test node did not start", e);
    }
  }

  public static void stop(Node node) {
    try {
      node.stop(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("test node did not stop", e);
    }
  }

  /** One all-roles node with the in-process cache, shared by the whole test JVM. */
  public static synchronized Node single() {
    if (shared == null) {
      shared = start(env(uniqueClusterName()));
      Node node = shared;
      Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(node)));
    }
    return shared;
  }
}
