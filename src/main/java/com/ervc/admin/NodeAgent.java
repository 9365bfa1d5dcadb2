package com.ervc.admin;

import com.ervc.cluster.NodeState;
import com.ervc.protocol.AdminMessage;
import com.ervc.protocol.Addresses;
import com.ervc.protocol.BusProtocol;
import com.ervc.protocol.ErrorCode;
import com.ervc.protocol.SpeechException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

import java.util.concurrent.Callable;
import java.util.function.Supplier;

/**
 * Every node's own end of the admin console: serves {@code admin.node.<nodeId>} (status, drain, undrain, live
 * tail), so the
 * node that serves the admin API can see and steer the whole cluster. Rights are checked by that node; event-bus
 * traffic between nodes is the cluster's trusted network (docs/security.md).
 */
public final class NodeAgent {
  static final long MEMBERSHIP_PERIOD_MS = 1_000;
  private final NodeState state;
  private final JsonObject identity;
  private final Supplier<JsonObject> systemUsage;
  private final EventLoopDelay delay;
  private final BusTraffic traffic;
  private final Callable<JsonObject> membership;
  /** The last membership sample; Hazelcast's partition checks may wait on other members, so never on a request. */
  private volatile JsonObject lastMembership = new JsonObject().put("error", "not sampled yet");
  private volatile boolean sampling;

  /**
   * @param identity    fixed facts published with the status: name, host, version
   * @param systemUsage the node's last sampled CPU, memory and disk use (sampled off the event loop)
   * @param delay       the node's event-loop delay (started here)
   * @param traffic     the node's event-bus traffic (its interceptor installed here)
   * @param membership  the cluster membership as this node's Hazelcast member sees it; may block (it is called on
   *                    a worker thread)
   */
  public NodeAgent(NodeState state, JsonObject identity, Supplier<JsonObject> systemUsage, EventLoopDelay delay,
                   BusTraffic traffic, Callable<JsonObject> membership) {
    this.state = state;
    this.identity = identity.copy();
    this.systemUsage = systemUsage;
    this.delay = delay;
    this.traffic = traffic;
    this.membership = membership;
  }

  public Future<Void> listen(Vertx vertx) {
    delay.start(vertx);
    vertx.setPeriodic(0, MEMBERSHIP_PERIOD_MS, id -> sampleMembership(vertx));
    traffic.install(vertx.eventBus());
    return vertx.eventBus().consumer(Addresses.adminNode(state.nodeId()), this::handle).completion();
  }

  /** One sample at a time on a worker thread; a slow check skips periods instead of piling up. */
  private void sampleMembership(Vertx vertx) {
    if (sampling) {
      return;
    }
    sampling = true;
    vertx.executeBlocking(membership, false)
        .otherwise(failure -> new JsonObject().put("error", String.valueOf(failure.getMessage())))
        .onComplete(ar -> {
          lastMembership = ar.result();
          sampling = false;
        });
  }

  private void handle(Message<Object> msg) {
    if (!BusProtocol.accepts(msg)) {
      return;
    }
    String type = msg.headers().get(BusProtocol.H_TYPE);
    if (tail(type, msg)) {
      return;
    }
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

  /** Serves the live tail's messages (start, stop, read), each answered with the tail's state; false for others. */
  private boolean tail(String type, Message<Object> msg) {
    BusTail tail = traffic.tail();
    if (AdminMessage.TailStart.TYPE.equals(type)) {
      AdminMessage.TailStart start;
      try {
        start = AdminMessage.TailStart.from(msg.body());
      } catch (SpeechException e) {
        msg.fail(e.code().status(), e.getMessage());
        return true;
      }
      tail.start(start.addresses(), start.showText(), start.seconds() * 1000L);
    } else if (AdminMessage.TailStop.TYPE.equals(type)) {
      tail.stop();
    } else if (!AdminMessage.TailRead.TYPE.equals(type)) {
      return false;
    }
    AdminMessage.TailState reply = new AdminMessage.TailState(tail.snapshot());
    msg.reply(reply.body(), BusProtocol.options(reply));
    return true;
  }

  /**
   * The node's identity, its state (roles, uptime, components), its remaining work, CPU and heap, GPU, event-loop
   * delay and event-bus traffic.
   */
  JsonObject status(JsonObject drainStatus) {
    Runtime rt = Runtime.getRuntime();
    return state.toJson().mergeIn(identity)
        .put("inFlight", drainStatus.getInteger("inFlight"))
        .put("work", drainStatus.getJsonObject("components"))
        .put("capabilities", state.capabilities())
        .put("system", systemUsage.get()
            .put("heap_used_bytes", rt.totalMemory() - rt.freeMemory()).put("heap_max_bytes", rt.maxMemory()))
        .put("eventLoopDelay", delay.snapshot())
        .put("hazelcast", lastMembership)
        .put("eventBus", traffic.snapshot());
  }
}
