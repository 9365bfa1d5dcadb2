package com.ervc.admin;

import com.ervc.cluster.LoadRegistry;
import com.ervc.pipeline.Router;
import com.ervc.protocol.AdminMessage;
import com.ervc.protocol.Addresses;
import com.ervc.protocol.BusBody;
import com.ervc.protocol.BusProtocol;
import com.ervc.protocol.SpeechException;
import com.ervc.protocol.CacheMessage;
import com.ervc.protocol.ProviderLoad;
import com.ervc.protocol.BusMessage;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.core.spi.cluster.RegistrationInfo;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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

  /** A request the serving node refuses itself, with its HTTP status (a bad value, no node to act). */
  public static final class Refusal extends RuntimeException {
    final int status;

    Refusal(int status, String message) {
      super(message, null, false, false);
      this.status = status;
    }
  }

  private final Vertx vertx;
  private final ClusterManager manager;
  private final Supplier<List<String>> members;
  private final AuditLog audit;
  private final LoadRegistry loads;

  /** @param manager the cluster manager: its members and the handlers registered per address */
  public ClusterAdmin(Vertx vertx, ClusterManager manager, AuditLog audit) {
    this.vertx = vertx;
    this.manager = manager;
    this.members = manager::getNodes;
    this.audit = audit;
    this.loads = new LoadRegistry(manager.getNodeId());
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

  /**
   * The event bus by catalogue address ({@link BusMessage#fold}): for each, the handlers registered per node (the
   * cluster manager's registrations of every concrete address the serving node knows: templates filled in with
   * the members' ids and the live instances) and the messages each node received since it started; and per node
   * its pending messages and reply failures by kind. Rates are differences between two calls.
   */
  public Future<JsonObject> eventBus() {
    List<String> ids = members.get();
    List<ProviderLoad> instances = loads.live(System.currentTimeMillis());
    Map<String, Future<List<RegistrationInfo>>> registrations = new TreeMap<>();
    for (String template : BusMessage.addresses()) {
      for (String address : concrete(template, ids, instances)) {
        Promise<List<RegistrationInfo>> found = Promise.promise();
        manager.getRegistrations(address, found);
        registrations.put(address, found.future());
      }
    }
    Future<JsonArray> nodes = nodes();
    return Future.join(new ArrayList<Future<?>>(registrations.values())).transform(ignored -> nodes)
        .map(status -> {
          Map<String, JsonObject> rows = new LinkedHashMap<>();
          BusMessage.addresses().forEach(template -> rows.put(template, row(template)));
          registrations.forEach((address, found) -> {
            JsonObject handlers = rows.get(BusMessage.fold(address)).getJsonObject("handlers");
            (found.succeeded() ? found.result() : List.<RegistrationInfo>of()).forEach(r ->
                handlers.put(r.nodeId(), handlers.getInteger(r.nodeId(), 0) + 1));
          });
          JsonArray perNode = new JsonArray();
          status.stream().map(JsonObject.class::cast).filter(n -> n.getJsonObject("eventBus") != null).forEach(n -> {
            JsonObject traffic = n.getJsonObject("eventBus");
            traffic.getJsonObject("received").forEach(count -> rows.computeIfAbsent(count.getKey(), ClusterAdmin::row)
                .getJsonObject("received").put(n.getString("node"), count.getValue()));
            perNode.add(new JsonObject().put("node", n.getString("node")).put("name", n.getString("name"))
                .put("pending", traffic.getLong("pending")).put("replyFailures", traffic.getJsonObject("replyFailures")));
          });
          return new JsonObject().put("addresses", new JsonArray(new ArrayList<>(rows.values())))
              .put("nodes", perNode);
        });
  }

  private static JsonObject row(String address) {
    return new JsonObject().put("address", address).put("handlers", new JsonObject()).put("received", new JsonObject());
  }

  /** The addresses a catalogue template stands for now; none for a template whose ids the serving node cannot know. */
  private static List<String> concrete(String template, List<String> nodeIds, List<ProviderLoad> instances) {
    if (!template.contains("<")) {
      return List.of(template);
    }
    List<String> out = new ArrayList<>();
    if (template.contains("<nodeId>")) {
      nodeIds.forEach(id -> out.add(template.replace("<nodeId>", id)));
    } else if (template.contains("<instanceId>")) {
      instances.forEach(load -> out.add(template.replace("<name>", load.info().name())
          .replace("<instanceId>", load.instanceId())));
    } else if (template.contains("<name>")) {
      instances.stream().map(load -> template.replace("<name>", load.info().name())).distinct().forEach(out::add);
    }
    return out;
  }

  /**
   * Evicts the cache entry under {@code key}, or every entry with {@code all}, on every cache node (each has its
   * own store in-process; with Redis the first removes the shared entries and the others find nothing), audited.
   */
  public Future<JsonObject> evict(String actor, String key) {
    if (!AdminMessage.EvictCache.validKey(key)) {
      audit.record(actor, "cache-evict", key, "refused", "not a cache key");
      return Future.failedFuture(new Refusal(400, "the target must be 'all' or a cache key (64 hex digits)"));
    }
    return evict(actor, key, AdminMessage.EvictCache.ofKey(key));
  }

  /**
   * Evicts every cache entry of {@code provider}, or only of its {@code voice} (null: every voice), on every cache
   * node, audited with the target {@code <provider>} or {@code <provider>/<voice>}.
   */
  public Future<JsonObject> evictVoice(String actor, String provider, String voice) {
    String target = voice == null ? provider : provider + "/" + voice;
    AdminMessage.EvictCache command;
    try {
      command = AdminMessage.EvictCache.ofVoice(provider, voice);
    } catch (SpeechException e) {
      audit.record(actor, "cache-evict", target, "refused", "not a provider or voice name");
      return Future.failedFuture(new Refusal(400, e.getMessage()));
    }
    return evict(actor, target, command);
  }

  private Future<JsonObject> evict(String actor, String target, AdminMessage.EvictCache command) {
    List<String> ids = members.get();
    List<Future<JsonObject>> answers = ids.stream()
        .map(id -> vertx.eventBus().request(Addresses.adminCache(id), command.body(),
                BusProtocol.options(command).setSendTimeout(ACTION_TIMEOUT_MS))
            .map(reply -> ((JsonObject) reply.body()).put("node", id))
            // Members without the cache role have no handler.
            .recover(failure -> failure instanceof ReplyException r && r.failureType() == ReplyFailure.NO_HANDLERS
                ? Future.succeededFuture(null) : Future.failedFuture(failure)))
        .toList();
    Future<JsonObject> done = Future.all(answers).compose(all -> {
      JsonArray nodes = new JsonArray();
      answers.stream().map(Future::result).filter(java.util.Objects::nonNull).forEach(nodes::add);
      if (nodes.isEmpty()) {
        return Future.failedFuture(new Refusal(503, "no cache node in the cluster"));
      }
      long evicted = nodes.stream().mapToLong(n -> ((JsonObject) n).getLong("evicted")).sum();
      return Future.succeededFuture(new JsonObject().put("evicted", evicted).put("nodes", nodes));
    });
    return audited(actor, "cache-evict", "cache", target, done, result -> "evicted=" + result.getLong("evicted"));
  }

  /**
   * Turns the live tail on for {@code addresses} on every node, audited as {@code tail-start}, or as
   * {@code tail-show-text} when text fields are to be shown; the reply is every node's tail state.
   */
  public Future<JsonObject> tailStart(String actor, AdminMessage.TailStart command) {
    String action = command.showText() ? "tail-show-text" : "tail-start";
    return audited(actor, action, "tail", String.join(",", command.addresses()), onEveryNode(command),
        state -> "seconds=" + command.seconds() + " nodes=" + state.getJsonArray("nodes").size());
  }

  /** Turns the live tail off on every node, audited. */
  public Future<JsonObject> tailStop(String actor) {
    return audited(actor, "tail-stop", "tail", "all", onEveryNode(new AdminMessage.TailStop()),
        state -> "nodes=" + state.getJsonArray("nodes").size());
  }

  /** Every node's tail state ({@code nodes}, without samples) and all samples ({@code samples}, oldest first). */
  public Future<JsonObject> tail() {
    return onEveryNode(new AdminMessage.TailRead());
  }

  private Future<JsonObject> onEveryNode(AdminMessage message) {
    List<String> ids = members.get();
    List<Future<JsonObject>> answers = ids.stream()
        .map(id -> vertx.eventBus().request(Addresses.adminNode(id), message.body(),
                BusProtocol.options(message).setSendTimeout(NODE_TIMEOUT_MS))
            .map(reply -> ((JsonObject) reply.body()).put("node", id)))
        .toList();
    return Future.join(answers).transform(ignored -> {
      JsonArray nodes = new JsonArray();
      List<JsonObject> samples = new ArrayList<>();
      for (int i = 0; i < ids.size(); i++) {
        Future<JsonObject> answer = answers.get(i);
        if (answer.failed()) {
          if (answer.cause() instanceof ReplyException r && r.failureType() == ReplyFailure.RECIPIENT_FAILURE) {
            return Future.failedFuture(new Refusal(r.failureCode() == 400 ? 400 : 502, r.getMessage()));
          }
          nodes.add(new JsonObject().put("node", ids.get(i)).put("error", String.valueOf(answer.cause().getMessage())));
          continue;
        }
        JsonObject state = answer.result();
        String node = ids.get(i);
        JsonArray kept = (JsonArray) state.remove("samples");
        kept.forEach(sample -> samples.add(((JsonObject) sample).put("node", node)));
        nodes.add(state);
      }
      samples.sort(Comparator.comparing((JsonObject sample) -> sample.getString("at")));
      return Future.succeededFuture(new JsonObject().put("nodes", nodes).put("samples", new JsonArray(
          new ArrayList<>(samples))));
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
    if (failure instanceof Refusal refusal) {
      return refusal.status;
    }
    if (failure instanceof UnknownTarget) {
      return 404;
    }
    if (failure instanceof ReplyException reply && reply.failureType() == ReplyFailure.RECIPIENT_FAILURE) {
      return reply.failureCode() == 400 || reply.failureCode() == 409 ? reply.failureCode() : 502;
    }
    return 504;
  }
}
