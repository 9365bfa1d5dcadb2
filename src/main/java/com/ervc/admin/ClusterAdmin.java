package com.ervc.admin;

import com.ervc.cluster.LoadRegistry;
import com.ervc.pipeline.Router;
import com.ervc.protocol.AdminMessage;
import com.ervc.protocol.Addresses;
import com.ervc.protocol.BusBody;
import com.ervc.protocol.BusProtocol;
import com.ervc.protocol.CacheMessage;
import com.ervc.protocol.ProviderLoad;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The cluster as the admin API sees it, gathered over the event bus: each member's {@link NodeAgent} for nodes,
 * the load reports for provider instances (with the score the router would give each one now), and the node-level
 * actions, each recorded in the {@link AuditLog}. One per verticle: the load view belongs to one event loop.
 */
public final class ClusterAdmin {
  /** A node that does not answer its status request within this time is shown unreachable. */
  static final long NODE_TIMEOUT_MS = 2_000;
  /** A drain or undrain waits for every component's intake to stop or start. */
  static final long ACTION_TIMEOUT_MS = 10_000;

  /** The target of an action is not in the cluster (no such member, or no instance listening). */
  public static final class UnknownTarget extends RuntimeException {
    UnknownTarget(String kind, String id) {
      super("no " + kind + " '" + id + "' in the cluster", null, false, false);
    }
  }

  private final Vertx vertx;
  private final Supplier<List<String>> members;
  private final AuditLog audit;
  private final LoadRegistry loads = new LoadRegistry();

  public ClusterAdmin(Vertx vertx, Supplier<List<String>> members, AuditLog audit) {
    this.vertx = vertx;
    this.members = members;
    this.audit = audit;
  }

  /** Starts the load view; call on the verticle's context. */
  public Future<Void> start() {
    return loads.listen(vertx);
  }

  /** Every member's status, sorted by name; a member that does not answer is listed with {@code reachable=false}. */
  public Future<JsonArray> nodes() {
    List<Future<JsonObject>> answers = members.get().stream()
        .map(id -> ask(id, new AdminMessage.StatusRequest(), NODE_TIMEOUT_MS)
            .map(status -> status.put("reachable", true))
            .otherwise(failure -> new JsonObject().put("node", id).put("reachable", false)
                .put("error", String.valueOf(failure.getMessage()))))
        .toList();
    return Future.join(answers).map(all -> new JsonArray(answers.stream().map(Future::result)
        .sorted(Comparator.comparing((JsonObject n) -> n.getString("name", ""))
            .thenComparing(n -> n.getString("node")))
        .map(Object.class::cast).toList()));
  }

  /** Every live provider instance with its load report and {@code score}, the router's expected TTFA for it now. */
  public JsonArray providers() {
    JsonArray out = new JsonArray();
    for (ProviderLoad load : loads.live(System.currentTimeMillis())) {
      out.add(load.toJson().put("node", load.nodeId()).put("score", score(load)));
    }
    return out;
  }

  /** Every gateway's live WebSocket sessions, each with its {@code node}; no text. */
  public Future<JsonArray> sessions() {
    List<Future<JsonArray>> answers = members.get().stream()
        .map(id -> vertx.eventBus().request(Addresses.adminGateway(id), null,
                BusProtocol.options(new AdminMessage.SessionsRequest()).setSendTimeout(NODE_TIMEOUT_MS))
            .map(reply -> withNode(id, reply.body()))
            // Members without a gateway have no handler; a gateway that does not answer shows no sessions.
            .otherwise(new JsonArray()))
        .toList();
    return Future.join(answers).map(all -> {
      JsonArray out = new JsonArray();
      answers.forEach(a -> out.addAll(a.result()));
      return out;
    });
  }

  /** Disconnects session {@code sessionId} wherever it is, audited; the reply is its gateway's remaining sessions. */
  public Future<JsonObject> disconnect(String actor, String sessionId) {
    Future<JsonObject> done = sessions().compose(all -> {
      String node = all.stream().map(JsonObject.class::cast).filter(s -> sessionId.equals(s.getString("session")))
          .map(s -> s.getString("node")).findFirst().orElse(null);
      if (node == null) {
        return Future.failedFuture(new UnknownTarget("session", sessionId));
      }
      AdminMessage.Disconnect command = new AdminMessage.Disconnect(sessionId);
      return vertx.eventBus().request(Addresses.adminGateway(node), command.body(),
              BusProtocol.options(command).setSendTimeout(ACTION_TIMEOUT_MS))
          .map(reply -> new JsonObject().put("node", node).put("sessions", withNode(node, reply.body())));
    });
    return audited(actor, "disconnect", "session", sessionId, done, result -> "on node " + result.getString("node"));
  }

  private static JsonArray withNode(String nodeId, Object body) {
    JsonArray sessions = ((JsonObject) body).getJsonArray("sessions");
    sessions.forEach(s -> ((JsonObject) s).put("node", nodeId));
    return sessions;
  }

  /**
   * The cache's figures as one cache node reports them (backend, availability, entries, bytes, hits, misses,
   * evictions) plus {@code hitRatio}. With Redis every cache node shares the store; with the in-process backend
   * each cache node has its own and this is one of them.
   */
  public Future<JsonObject> cache() {
    CacheMessage.StatsRequest request = new CacheMessage.StatsRequest();
    return vertx.eventBus().request(Addresses.CACHE_STATS, request.body(),
            BusProtocol.options(request).setSendTimeout(NODE_TIMEOUT_MS))
        .map(reply -> {
          JsonObject stats = ((JsonObject) reply.body()).copy();
          long hits = stats.getLong("hits", 0L);
          long lookups = hits + stats.getLong("misses", 0L);
          return stats.put("hitRatio", lookups == 0 ? 0.0 : Math.round(1000.0 * hits / lookups) / 1000.0);
        });
  }

  public JsonArray audit() {
    return audit.recent();
  }

  /** Drains {@code nodeId} (idempotent), audited as {@code actor}'s; the reply is the node's status. */
  public Future<JsonObject> drain(String actor, String nodeId) {
    return onNode(actor, "drain", nodeId, new AdminMessage.Drain());
  }

  /** Undrains {@code nodeId} (idempotent), audited as {@code actor}'s; the reply is the node's status. */
  public Future<JsonObject> undrain(String actor, String nodeId) {
    return onNode(actor, "undrain", nodeId, new AdminMessage.Undrain());
  }

  /**
   * Sends an instance command (circuit, capacity, re-probe) to provider instance {@code instanceId}, audited as
   * {@code action}; the reply is the instance's load report after it.
   */
  public Future<JsonObject> onInstance(String actor, String action, String instanceId, AdminMessage command) {
    return audited(actor, action, "instance", instanceId, vertx.eventBus()
        .request(Addresses.adminInstance(instanceId), command.body(),
            BusProtocol.options(command).setSendTimeout(ACTION_TIMEOUT_MS))
        .map(reply -> {
          JsonObject load = (JsonObject) reply.body();
          return load.put("score", score(ProviderLoad.fromJson(load)));
        }), load -> "circuit=" + load.getString("circuit") + " capacity=" + load.getInteger("capacity"));
  }

  private Future<JsonObject> onNode(String actor, String action, String nodeId, AdminMessage message) {
    if (!members.get().contains(nodeId)) {
      audit.record(actor, action, nodeId, "refused", "no such node");
      return Future.failedFuture(new UnknownTarget("node", nodeId));
    }
    return audited(actor, action, "node", nodeId, ask(nodeId, message, ACTION_TIMEOUT_MS),
        status -> "draining=" + status.getBoolean("draining") + " inFlight=" + status.getInteger("inFlight"));
  }

  private Future<JsonObject> audited(String actor, String action, String kind, String target, Future<JsonObject> done,
                                     Function<JsonObject, String> detail) {
    return done.recover(failure -> Future.failedFuture(failure instanceof ReplyException reply
            && reply.failureType() == ReplyFailure.NO_HANDLERS ? new UnknownTarget(kind, target) : failure))
        .andThen(ar -> audit.record(actor, action, target, ar.succeeded() ? "ok" : "failed",
            ar.succeeded() ? detail.apply(ar.result()) : String.valueOf(ar.cause().getMessage())));
  }

  private Future<JsonObject> ask(String nodeId, BusBody message, long timeoutMs) {
    DeliveryOptions options = BusProtocol.options(message).setSendTimeout(timeoutMs);
    return vertx.eventBus().request(Addresses.adminNode(nodeId), message.body(), options)
        .map(reply -> AdminMessage.NodeStatus.from(reply.body()).status());
  }

  private static double score(ProviderLoad load) {
    return Math.round(Router.score(load) * 10) / 10.0;
  }

  /**
   * The HTTP status an action failure maps to: 404 unknown target, 400 or 409 as the target answered (a bad value,
   * a state that forbids it), 502 any other failure of the target, 504 no answer.
   */
  public static int status(Throwable failure) {
    if (failure instanceof UnknownTarget) {
      return 404;
    }
    if (failure instanceof ReplyException reply && reply.failureType() == ReplyFailure.RECIPIENT_FAILURE) {
      return reply.failureCode() == 400 || reply.failureCode() == 409 ? reply.failureCode() : 502;
    }
    return 504;
  }
}
