package com.ervc.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

import static com.ervc.config.Setting.integer;
import static com.ervc.config.Setting.list;
import static com.ervc.config.Setting.string;

/**
 * The {@code node.*} keys: what this node is called, which components it runs and how long it drains.
 *
 * @param id the cluster node id: null in a loaded configuration, set with {@link #joined} once the node joined
 */
public record NodeConfig(String id, String name, List<String> roles, int shutdownDrainSeconds) {
  static final Setting NAME = string("node.name", "NODE_NAME", null)
      .orNull()
      .matching("[A-Za-z0-9._\\-]{1,63}", "1-63 letters, digits, '.', '_' or '-'")
      .documented("`null`, or 1–63 of `A-Z a-z 0-9 . _ -` (`[A-Za-z0-9._-]{1,63}`)")
      .describe("Name of this node in metrics: the `node` label of `tts_node_info`, `tts_provider_up` and "
          + "`tts_provider_load` (see [Operations](operations.md#metrics)). `null` means the `HOSTNAME` "
          + "environment variable when it matches the same pattern (the pod name in Kubernetes, the container id in "
          + "Docker), else `local`. Give every node a distinct name. The health JSON shows the cluster node id, not "
          + "this name. An empty `NODE_NAME` means `null`.");
  static final Setting ROLES = list("node.roles", "NODE_ROLES", "gateway", "pipeline", "cache", "providers")
      .documented("non-empty subset of `gateway`, `pipeline`, `cache`, `providers`, `gpu`")
      .describe("Components this node runs. `gpu` probes CUDA at start and, when a session really runs on it, "
          + "deploys the `onnx-gpu` provider (see `providers.onnx.gpuCpuFallback` for the failure case). `cache` "
          + "runs the audio cache on the event bus. `providers` runs espeak if `providers.espeak.enabled`, `onnx` if "
          + "`providers.onnx.enabled`, and the three cloud providers (each announced unavailable, with the reason, "
          + "when its key is missing). `pipeline` runs splitting, provider choice and streaming. `gateway` runs "
          + "HTTP, the WebSocket and the stream sink. They are deployed in that order, gateway last, then the "
          + "monitoring server when the node has one (no gateway role, or `metrics.port` set). Only a failure of the "
          + "gateway or of the monitoring server stops the node. The roles are also published as event-bus node "
          + "metadata. All four roles = single-node mode.");
  static final Setting SHUTDOWN_DRAIN_SECONDS = integer("node.shutdownDrainSeconds", "SHUTDOWN_DRAIN_SECONDS",
      5, 0, 300)
      .describe("On shutdown, the gateway stops first: it refuses new requests and waits up to this long for its "
          + "active streams (WebSocket and HTTP) to finish, while the pipeline, cache and providers of the node keep "
          + "serving them. It then ends the WebSocket requests still running with `provider_unavailable` and closes "
          + "the sockets with 1001. See [Shutdown](#shutdown). The JVM shutdown hook allows `shutdownDrainSeconds` + "
          + "30 s for each stopping step.");

  static final List<Setting> SETTINGS = List.of(NAME, ROLES, SHUTDOWN_DRAIN_SECONDS);

  public NodeConfig {
    roles = List.copyOf(roles);
    if (roles.isEmpty()) {
      throw ROLES.invalid(new JsonArray(roles), "at least one of " + String.join(",", Settings.ROLES));
    }
    if (!Settings.ROLES.containsAll(roles)) {
      throw ROLES.invalid(new JsonArray(roles), "a comma-separated subset of " + String.join(",", Settings.ROLES));
    }
  }

  /** This section as the node that joined the cluster as {@code id} sees it, with its resolved metrics name. */
  public NodeConfig joined(String id, String name) {
    return new NodeConfig(id, name, roles, shutdownDrainSeconds);
  }

  static NodeConfig from(JsonObject config) {
    return new NodeConfig(null, NAME.readString(config), ROLES.readList(config),
        SHUTDOWN_DRAIN_SECONDS.readInt(config));
  }
}
