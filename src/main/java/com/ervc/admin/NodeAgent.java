package com.ervc.admin;

import com.ervc.cluster.NodeState;
import com.ervc.protocol.AdminMessage;
import com.ervc.protocol.Addresses;
import com.ervc.protocol.BusProtocol;
import com.ervc.protocol.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

import java.util.function.Supplier;

/**
 * Every node's own end of the admin console: serves {@code admin.node.<nodeId>} (status, drain, undrain), so the
 * node that serves the admin API can see and steer the whole cluster. Rights are checked by that node; event-bus
 * traffic between nodes is the cluster's trusted network (docs/security.md).
 */
public final class NodeAgent {
  private final NodeState state;
  private final JsonObject identity;
  private final Supplier<JsonObject> systemUsage;

  /**
   * @param identity    fixed facts published with the status: name, host, version
   * @param systemUsage the node's last sampled CPU, memory and disk use (sampled off the event loop)
   */
  public NodeAgent(NodeState state, JsonObject identity, Supplier<JsonObject> systemUsage) {
    this.state = state;
    this.identity = identity.copy();
    this.systemUsage = systemUsage;
  }

  public Future<Void> listen(Vertx vertx) {
    return vertx.eventBus().consumer(Addresses.adminNode(state.nodeId()), this::handle).completion();
  }

  private void handle(Message<Object> msg) {
    if (!BusProtocol.accepts(msg)) {
      return;
    }
    String type = msg.headers().get(BusProtocol.H_TYPE);
    Future<JsonObject> done = switch (type == null ? "" : type) {
      case AdminMessage.StatusRequest.TYPE -> Future.succeededFuture(state.drainStatus());
      case AdminMessage.Drain.TYPE -> state.drain();
      case AdminMessage.Undrain.TYPE -> state.undrain();
      default -> null;
    };
    if (done == null) {
      msg.fail(ErrorCode.INVALID_REQUEST.status(), "unknown message type '" + type + "' on " + msg.address());
      return;
    }
    done.onComplete(ar -> {
      if (ar.succeeded()) {
        AdminMessage.NodeStatus reply = new AdminMessage.NodeStatus(status(ar.result()));
        msg.reply(reply.body(), BusProtocol.options(reply));
      } else {
        msg.fail(409, ar.cause().getMessage());
      }
    });
  }

  /** The node's identity, its state (roles, uptime, components), its remaining work, CPU and heap, GPU. */
  JsonObject status(JsonObject drainStatus) {
    Runtime rt = Runtime.getRuntime();
    return state.toJson().mergeIn(identity)
        .put("inFlight", drainStatus.getInteger("inFlight"))
        .put("work", drainStatus.getJsonObject("components"))
        .put("capabilities", state.capabilities())
        .put("system", systemUsage.get()
            .put("heap_used_bytes", rt.totalMemory() - rt.freeMemory()).put("heap_max_bytes", rt.maxMemory()));
  }
}
