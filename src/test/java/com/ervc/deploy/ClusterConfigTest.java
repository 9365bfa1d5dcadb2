package com.ervc.deploy;

import com.ervc.cluster.ClusterBootstrap;
import com.ervc.config.ClusterConfig;
import com.ervc.config.ConfigLoader;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MultiMapConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.config.XmlConfigBuilder;
import com.hazelcast.config.properties.PropertyDefinition;
import com.hazelcast.kubernetes.KubernetesProperties;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * The Hazelcast XML files under cluster-config/, loaded the way a node loads them
 * ({@link ClusterBootstrap#hazelcastConfig}, on a cluster section built from the configuration defaults):
 * no multicast or auto-detection anywhere, TCP-IP on loopback by default, Kubernetes DNS discovery with the
 * service name from HZ_SERVICE_DNS, only property names the Kubernetes plugin knows, the structures Vert.x needs,
 * and the CLUSTER_MEMBERS override.
 */
class ClusterConfigTest {
  private static final String LOCAL = "cluster-config/cluster.xml";
  private static final String KUBERNETES = "cluster-config/cluster-kubernetes.xml";
  private static final String SERVICE_DNS = "ervc-hazelcast.voice.svc.cluster.local";

  /** The cluster section of the default configuration with {@code configFile} (and members) replaced. */
  private static ClusterConfig cluster(String file, String... members) {
    return ConfigLoader.load(null, Map.of("CLUSTER_CONFIG", file, "CLUSTER_MEMBERS", String.join(",", members)))
        .cluster();
  }

  private static ClusterConfig defaults() {
    return ConfigLoader.load(null, Map.of()).cluster();
  }

  private static Config load(String file, String... members) {
    return ClusterBootstrap.hazelcastConfig(cluster(file, members), Map.of("HZ_SERVICE_DNS", SERVICE_DNS));
  }

  private static JoinConfig join(Config config) {
    return config.getNetworkConfig().getJoin();
  }

  /** The keys of every PropertyDefinition of the Kubernetes discovery plugin, read by reflection. */
  private static Set<String> kubernetesPropertyNames() throws IllegalAccessException {
    Set<String> names = new TreeSet<>();
    for (Field field : KubernetesProperties.class.getFields()) {
      if (Modifier.isStatic(field.getModifiers()) && PropertyDefinition.class.isAssignableFrom(field.getType())) {
        names.add(((PropertyDefinition) field.get(null)).key());
      }
    }
    return names;
  }

  @ParameterizedTest
  @ValueSource(strings = {LOCAL, KUBERNETES})
  void multicastAndAutoDetectionAreOff(String file) {
    Config config = load(file);
    assertFalse(join(config).getMulticastConfig().isEnabled(), file + ": multicast");
    assertFalse(join(config).getAutoDetectionConfig().isEnabled(), file + ": auto-detection");
    assertFalse(join(config).getAwsConfig().isEnabled() || join(config).getGcpConfig().isEnabled()
        || join(config).getAzureConfig().isEnabled() || join(config).getEurekaConfig().isEnabled(), file);
    assertEquals(defaults().name(), config.getClusterName());
    assertEquals("false", config.getProperty("hazelcast.phone.home.enabled"), file);
    assertEquals("GRACEFUL", config.getProperty("hazelcast.shutdownhook.policy"), file);
    assertFalse(config.getMetricsConfig().isEnabled(), file + ": Hazelcast's own metrics are not collected");
  }

  @ParameterizedTest
  @ValueSource(strings = {LOCAL, KUBERNETES})
  void vertxStructuresAreDeclared(String file) {
    Config config = load(file);
    MultiMapConfig subs = config.getMultiMapConfigs().get("__vertx.subs");
    assertNotNull(subs, file + " declares the __vertx.subs multimap");
    assertEquals(MultiMapConfig.ValueCollectionType.SET, subs.getValueCollectionType(),
        file + ": event-bus subscriptions are a set (no duplicate handlers after a rejoin)");
    assertTrue(subs.getBackupCount() >= 1, file + ": subscriptions survive a member loss");
    for (String map : List.of("__vertx.haInfo", "__vertx.nodeInfo", "tts.providers")) {
      assertNotNull(config.getMapConfigs().get(map), file + " declares " + map);
      assertTrue(config.getMapConfigs().get(map).getBackupCount() >= 1, file + ": backups of " + map);
    }
  }

  @Test
  void defaultFileJoinsOverTcpIpOnLoopback() {
    Config config = load(LOCAL);
    assertEquals(LOCAL, defaults().configFile(), "the default");
    JoinConfig join = join(config);
    assertTrue(join.getTcpIpConfig().isEnabled(), "tcp-ip");
    assertTrue(join.getTcpIpConfig().getMembers().contains("127.0.0.1"), join.getTcpIpConfig().getMembers().toString());
    assertFalse(join.getKubernetesConfig().isEnabled(), "kubernetes");
    assertTrue(config.getNetworkConfig().getInterfaces().isEnabled(), "interfaces restricted");
    assertEquals(List.of("127.0.0.1"), List.copyOf(config.getNetworkConfig().getInterfaces().getInterfaces()));
    assertTrue(config.getNetworkConfig().isPortAutoIncrement(), "several JVMs on one host");
  }

  @Test
  void kubernetesFileDiscoversThroughTheHeadlessServiceDns() throws Exception {
    Config config = load(KUBERNETES);
    JoinConfig join = join(config);
    assertTrue(join.getKubernetesConfig().isEnabled(), "kubernetes");
    assertFalse(join.getTcpIpConfig().isEnabled(), "tcp-ip");
    assertEquals(SERVICE_DNS, join.getKubernetesConfig().getProperty("service-dns"), "resolved from HZ_SERVICE_DNS");
    NetworkConfig network = config.getNetworkConfig();
    assertEquals(5701, network.getPort(), "the port the pods and the headless Service expose");
    assertFalse(network.isPortAutoIncrement(), "a fixed port in a pod");
    assertFalse(network.getInterfaces().isEnabled(), "Hazelcast picks the pod's address");

    Set<String> valid = kubernetesPropertyNames();
    assertTrue(valid.contains("service-dns") && valid.size() > 10, "reflection found " + valid);
    for (String key : join.getKubernetesConfig().getProperties().keySet()) {
      assertTrue(valid.contains(key), "unknown Kubernetes discovery property '" + key + "'; valid: " + valid);
    }
  }

  @Test
  void serviceDnsComesFromTheEnvironmentNotTheFile() {
    String other = "ervc-hazelcast.other.svc.cluster.local";
    Config config = ClusterBootstrap.hazelcastConfig(cluster(KUBERNETES), Map.of("HZ_SERVICE_DNS", other));
    assertEquals(other, join(config).getKubernetesConfig().getProperty("service-dns"));
  }

  @Test
  void filesParseWithAPlainXmlConfigBuilderToo() throws Exception {
    Properties vars = new Properties();
    vars.setProperty("HZ_SERVICE_DNS", SERVICE_DNS);
    for (String file : List.of(LOCAL, KUBERNETES)) {
      try (InputStream in = Files.newInputStream(Path.of(file))) {
        Config config = new XmlConfigBuilder(in).setProperties(vars).build();
        assertEquals("ervc", config.getClusterName(), file);
        assertFalse(join(config).getMulticastConfig().isEnabled(), file);
      }
    }
  }

  @Test
  void packagedCopiesMatchTheFiles() throws Exception {
    for (String file : List.of(LOCAL, KUBERNETES)) {
      try (InputStream packaged = ClusterBootstrap.class.getResourceAsStream("/" + file)) {
        assertNotNull(packaged, file + " is packaged (pom.xml resources)");
        assertArrayEquals(Files.readAllBytes(Path.of(file)), packaged.readAllBytes(), file);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {LOCAL, KUBERNETES})
  void clusterMembersReplaceDiscoveryAndInterfaces(String file) {
    Config config = load(file, "10.0.0.5", "10.0.0.6:5702");
    JoinConfig join = join(config);
    assertFalse(join.getKubernetesConfig().isEnabled(), file + ": kubernetes off");
    assertFalse(join.getMulticastConfig().isEnabled(), file + ": multicast off");
    assertFalse(join.getAutoDetectionConfig().isEnabled(), file + ": auto-detection off");
    assertTrue(join.getTcpIpConfig().isEnabled(), file + ": tcp-ip on");
    assertEquals(List.of("10.0.0.5", "10.0.0.6:5702"), join.getTcpIpConfig().getMembers(), file);
    assertFalse(config.getNetworkConfig().getInterfaces().isEnabled(), file + ": interfaces off");
  }

  @Test
  void clusterMembersFromTheEnvironmentReachTheHazelcastConfig() {
    Map<String, String> env = Map.of("CLUSTER_CONFIG", KUBERNETES, "CLUSTER_MEMBERS", "10.0.0.5, 10.0.0.6",
        "HZ_SERVICE_DNS", SERVICE_DNS, "CLUSTER_NAME", "voice");
    ClusterConfig cluster = ConfigLoader.load(null, env).cluster();
    Config config = ClusterBootstrap.hazelcastConfig(cluster, env);
    assertEquals("voice", config.getClusterName());
    assertFalse(join(config).getKubernetesConfig().isEnabled());
    assertEquals(List.of("10.0.0.5", "10.0.0.6"), join(config).getTcpIpConfig().getMembers());
  }
}
