package com.ervc.testing;

import com.ervc.node.Node;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.ext.web.client.WebClient;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The admin console's test cluster: in-process nodes of one new cluster, each with a name and roles, the admin
 * credential and JWT auth, and no periodic health probes (they would also reach a drained node). Shared by the
 * admin API's and the page's tests, which start it once per class.
 */
public final class AdminCluster implements AutoCloseable {
  public static final String ADMIN_TOKEN = "admin-it-credential-0123456789";
  public static final String SECRET = "admin-it-jwt-secret-0123456789-abcdef";

  private final String clusterName = TestNodes.uniqueClusterName();
  private final Map<String, Node> nodes = new LinkedHashMap<>();
  private final Vertx client = Vertx.vertx();
  private final WebClient http = WebClient.create(client);

  private AdminCluster() {
  }

  /**
   * Starts a node per {@code "<name>=<roles>"} in order (the first serves the page and the API in the tests) and
   * waits until they form one cluster: on a busy machine a node may first form a cluster of its own and merge later.
   */
  public static AdminCluster start(String... namedRoles) throws Exception {
    AdminCluster cluster = new AdminCluster();
    try {
      for (String node : namedRoles) {
        cluster.join(node.substring(0, node.indexOf('=')), node.substring(node.indexOf('=') + 1));
      }
      Node first = cluster.nodes.values().iterator().next();
      Await.until("the " + namedRoles.length + " nodes formed one cluster", Duration.ofSeconds(90),
          () -> cluster.http.get(first.httpPort(), "127.0.0.1", "/health").send().await(10, TimeUnit.SECONDS)
              .bodyAsJsonObject().getJsonObject("services").getJsonObject("cluster").getInteger("members")
              == namedRoles.length);
      return cluster;
    } catch (Exception | AssertionError e) {
      cluster.close();
      throw e;
    }
  }

  /** Starts one more node in the cluster. */
  public Node join(String name, String roles) {
    Map<String, String> env = new HashMap<>(TestNodes.env(clusterName));
    env.putAll(Map.of("NODE_NAME", name, "NODE_ROLES", roles, "ADMIN_TOKEN", ADMIN_TOKEN, "AUTH_MODE", "jwt",
        "JWT_SECRET", SECRET, "HEALTH_PROBE_INTERVAL_SECONDS", "3600"));
    Node node = TestNodes.start(env);
    nodes.put(name, node);
    return node;
  }

  /** Stops (closes) the node: it leaves the cluster. */
  public void stop(String name) {
    Node node = nodes.remove(name);
    if (node != null) {
      TestNodes.stop(node);
    }
  }

  public Node node(String name) {
    return nodes.get(name);
  }

  public String nodeId(String name) {
    return nodes.get(name).state().nodeId();
  }

  public String clusterName() {
    return clusterName;
  }

  /** A Vert.x instance for the tests' own clients (WebSocket probes, HTTP calls). */
  public Vertx client() {
    return client;
  }

  public WebClient http() {
    return http;
  }

  /** An API token (HTTP API) for {@code subject} with these roles. */
  public static String apiToken(String subject, String... roles) {
    return Jwt.sign("HS256", Jwt.claims(subject, "api", 300).put("roles", new JsonArray(List.of(roles))), SECRET);
  }

  /** A WebSocket token for {@code subject}. */
  public static String wsToken(String subject) {
    return Jwt.sign("HS256", Jwt.claims(subject, "websocket", 300), SECRET);
  }

  /** Sentences espeak synthesized on the node since it started, from its /metrics. */
  public long synthesized(Node node) throws Exception {
    String text = http.get(node.monitoringPort(), "127.0.0.1", "/metrics").send().await(10, TimeUnit.SECONDS)
        .bodyAsString();
    return (long) new Scrape(text).sum("tts_synthesis_duration_seconds_count", "provider", "espeak");
  }

  @Override
  public void close() throws Exception {
    List<Node> running = new ArrayList<>(nodes.values());
    nodes.clear();
    for (Node node : running) {
      TestNodes.stop(node);
    }
    client.close().await(10, TimeUnit.SECONDS);
  }

  /** Runs scripts/admin.sh against the node on {@code port}; fails the test unless it exits 0. Returns its output. */
  public static String adminScript(int port, String adminToken, String... arguments) throws Exception {
    List<String> command = new ArrayList<>(List.of("scripts/admin.sh", "--url", "http://127.0.0.1:" + port));
    command.addAll(List.of(arguments));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("ADMIN_TOKEN", adminToken);
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    org.junit.jupiter.api.Assertions.assertTrue(process.waitFor(60, TimeUnit.SECONDS), "admin.sh did not finish");
    org.junit.jupiter.api.Assertions.assertEquals(0, process.exitValue(), output);
    return output;
  }
}
