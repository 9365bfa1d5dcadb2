package com.ervc.cluster;

import com.ervc.config.ClusterConfig;
import com.ervc.config.ConfigException;
import com.ervc.config.ServiceConfig;
import com.hazelcast.config.Config;
import com.hazelcast.config.InvalidConfigurationException;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.XmlConfigBuilder;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/** Builds the clustered Vert.x instance of a node from the {@code cluster.*} settings. */
public final class ClusterBootstrap {
  private ClusterBootstrap() {
  }

  /**
   * Reads the Hazelcast XML named by {@code cluster.configFile} (a path, or the copy packaged in the jar), then
   * applies the name and member overrides. ${VAR} placeholders in the XML resolve against system properties
   * and environment variables.
   */
  public static Config hazelcastConfig(ClusterConfig cluster, Map<String, String> env) {
    String file = cluster.configFile();
    Properties vars = new Properties();
    vars.putAll(env);
    vars.putAll(System.getProperties());
    Config config;
    try (InputStream in = open(file)) {
      config = new XmlConfigBuilder(in).setProperties(vars).build();
    } catch (IOException | InvalidConfigurationException e) {
      throw new ConfigException("config: CLUSTER_CONFIG (cluster.configFile) = '" + file
          + "' cannot be used: " + e.getMessage());
    }
    config.setClusterName(cluster.name());
    config.setProperty("hazelcast.phone.home.enabled", "false");
    List<String> members = cluster.members();
    if (!members.isEmpty()) {
      JoinConfig join = config.getNetworkConfig().getJoin();
      join.getMulticastConfig().setEnabled(false);
      join.getAutoDetectionConfig().setEnabled(false);
      join.getKubernetesConfig().setEnabled(false);
      join.getTcpIpConfig().setEnabled(true).setMembers(members);
      // Members on other hosts cannot be reached through a loopback-only interface.
      config.getNetworkConfig().getInterfaces().setEnabled(false);
    }
    return config;
  }

  private static InputStream open(String file) throws IOException {
    Path path = Path.of(file);
    if (Files.isRegularFile(path)) {
      return Files.newInputStream(path);
    }
    InputStream packaged = ClusterBootstrap.class.getResourceAsStream("/cluster-config/" + path.getFileName());
    if (packaged == null) {
      throw new IOException("no such file (and no packaged copy named " + path.getFileName() + ")");
    }
    return packaged;
  }

  /** The running pieces of a clustered instance. */
  public record Clustered(Vertx vertx, HazelcastClusterManager clusterManager) {
  }

  /** Starts the clustered instance; Vert.x's own HTTP, event-bus, pool and JVM metrics go into {@code registry}. */
  public static Future<Clustered> start(ServiceConfig config, Map<String, String> env, MeterRegistry registry) {
    return start(config, env, registry, new JsonObject());
  }

  /** As above, with {@code capabilities} (e.g. cuda, GPU, voices) added to the node's cluster metadata. */
  public static Future<Clustered> start(ServiceConfig config, Map<String, String> env, MeterRegistry registry,
                                        JsonObject capabilities) {
    ClusterConfig cluster = config.cluster();
    HazelcastClusterManager manager = new HazelcastClusterManager(hazelcastConfig(cluster, env));
    // Per-address event-bus labels stay off: every stream has its own reply address, so they would not be bounded.
    VertxOptions options = new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true)
        .setJvmMetricsEnabled(true)
        .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true)));
    options.getEventBusOptions()
        .setHost(cluster.host())
        .setPort(cluster.port())
        .setClusterNodeMetadata(capabilities.copy().put("roles", new JsonArray(config.node().roles())));
    String publicHost = cluster.publicHost();
    if (publicHost != null) {
      options.getEventBusOptions().setClusterPublicHost(publicHost);
    }
    return Vertx.builder().with(options).withClusterManager(manager).withMetrics(new MicrometerMetricsFactory(registry))
        .buildClustered()
        .map(vertx -> new Clustered(vertx, manager));
  }
}
