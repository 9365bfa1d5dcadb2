package com.ervc.config;

import io.vertx.core.json.JsonObject;

import java.util.List;

import static com.ervc.config.Setting.integer;
import static com.ervc.config.Setting.list;
import static com.ervc.config.Setting.string;

/** The {@code cluster.*} keys: the Hazelcast cluster this node joins and its event-bus address. */
public record ClusterConfig(String configFile, String name, List<String> members, String host, int port,
                            String publicHost) {
  static final Setting CONFIG_FILE = string("cluster.configFile", "CLUSTER_CONFIG", "cluster-config/cluster.xml")
      .documented("any path")
      .describe("Hazelcast XML file, relative to the working directory or absolute. If no such file exists, the copy "
          + "of the same file name packaged in the jar is used (`cluster.xml` or `cluster-kubernetes.xml`). `${VAR}` "
          + "placeholders are filled from environment variables and JVM system properties; system properties win. A "
          + "file that cannot be used stops startup with exit code 2 (see [Validation](#validation)).");
  static final Setting NAME = string("cluster.name", "CLUSTER_NAME", "ervc")
      .matching("[A-Za-z0-9._\\-]{1,64}", "1-64 letters, digits, '.', '_' or '-'")
      .documented("1–64 of `A-Z a-z 0-9 . _ -`")
      .describe("Hazelcast cluster name. It overrides the XML's `<cluster-name>`. Only nodes with the same name form "
          + "a cluster.");
  static final Setting MEMBERS = list("cluster.members", "CLUSTER_MEMBERS")
      .documented("`host` or `host:port` items (not checked)")
      .describe("Empty means use the XML's join configuration. Non-empty means multicast, auto-detection and "
          + "Kubernetes discovery are turned off, TCP-IP join is turned on with exactly these members, and the XML's "
          + "`<interfaces>` restriction is turned off (see [`CLUSTER_MEMBERS` override](#cluster_members-override)). "
          + "The ports are Hazelcast ports (5701 by default), not `cluster.port`.");
  static final Setting HOST = string("cluster.host", "CLUSTER_HOST", "127.0.0.1")
      .matching(Settings.HOST, Settings.HOST_HINT)
      .documented("host name or IP (`[A-Za-z0-9.:\\-\\[\\]]+`)")
      .describe("Address the **event bus** binds to for node-to-node messages. It is also the address advertised to "
          + "other nodes unless `cluster.publicHost` is set.");
  static final Setting PORT = integer("cluster.port", "CLUSTER_PORT", 0, 0, Settings.MAX_PORT)
      .describe("Event-bus TCP port. `0` means a random free port. This is not Hazelcast's port, which comes from "
          + "the XML.");
  static final Setting PUBLIC_HOST = string("cluster.publicHost", "CLUSTER_PUBLIC_HOST", null)
      .orNull()
      .matching(Settings.HOST, Settings.HOST_HINT)
      .documented("host name or IP")
      .describe("Event-bus address advertised to other nodes, for NAT or containers. `null` means `cluster.host`.");

  static final List<Setting> SETTINGS = List.of(CONFIG_FILE, NAME, MEMBERS, HOST, PORT, PUBLIC_HOST);

  static ClusterConfig from(JsonObject config) {
    return new ClusterConfig(CONFIG_FILE.readString(config), NAME.readString(config), MEMBERS.readList(config),
        HOST.readString(config), PORT.readInt(config), PUBLIC_HOST.readString(config));
  }
}
