package com.ervc.protocol;

import io.vertx.core.json.JsonObject;

/**
 * The admin console's messages on {@code admin.node.<nodeId>}, which every node serves for itself: a status
 * request, a drain and an undrain, each answered with the node's {@link NodeStatus}. Only the node serving the
 * admin API sends them, after it has checked the caller's admin rights.
 */
public sealed interface AdminMessage extends BusBody {
  @Override
  default Object body() {
    return null;
  }

  /** Asks a node for its status; no body. */
  record StatusRequest() implements AdminMessage {
    public static final String TYPE = "admin-status";
  }

  /** Makes a node stop taking new work while its running work finishes (idempotent); no body. */
  record Drain() implements AdminMessage {
    public static final String TYPE = "admin-drain";
  }

  /** Makes a drained node take new work again (idempotent; refused while it shuts down); no body. */
  record Undrain() implements AdminMessage {
    public static final String TYPE = "admin-undrain";
  }

  /**
   * The reply: what a node is (id, name, roles, host, version, uptime, CPU and heap, GPU capabilities) and whether
   * it drains, with the work each component still has. docs/admin-console.md lists the fields.
   */
  record NodeStatus(JsonObject status) implements AdminMessage {
    public static final String TYPE = "admin-node-status";

    @Override
    public JsonObject body() {
      return status;
    }

    public static NodeStatus from(Object body) {
      if (!(body instanceof JsonObject json) || json.getString("node") == null) {
        throw new SpeechException(ErrorCode.INVALID_REQUEST, "a node status needs a JSON body with 'node'");
      }
      return new NodeStatus(json);
    }
  }
}
