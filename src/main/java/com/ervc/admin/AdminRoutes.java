package com.ervc.admin;

import com.ervc.cluster.NodeState;
import com.ervc.config.AdminConfig;
import com.ervc.config.AuthConfig;
import com.ervc.protocol.AdminMessage;
import com.ervc.protocol.ErrorCode;
import com.ervc.security.TokenService;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

import java.net.URI;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * The admin API under {@code /admin/v1/}, for callers {@link AdminAccess} admits (docs/admin-console.md): the
 * cluster's nodes and provider instances, the audit log, drain and undrain of any node, circuit, capacity and
 * re-probe of any provider instance (each confirmed by repeating the target's id in the body), and this node's own
 * drain ({@code /admin/v1/drain}, used by scripts/drain-node.sh). One per node; {@link #mount} adds it to a
 * verticle's router.
 */
public final class AdminRoutes {
  static final String PREFIX = "/admin/v1";
  static final String DRAIN = PREFIX + "/drain";
  static final String ACTOR = "admin.actor";
  private static final int MAX_BODY_BYTES = 4096;
  private static final Set<Object> CIRCUIT_ACTIONS = Set.of("open", "close", "reset");

  private final NodeState node;
  private final AdminConfig admin;
  private final AuthConfig auth;
  private final AuditLog audit;
  private final ClusterManager manager;
  /** This node's evaluations, made by the first mount (the gateway's and the monitoring server's share them). */
  private Evaluations evaluations;
  private volatile URI evaluationTarget;

  /** @param manager the cluster manager: the current members and the handlers registered per address */
  public AdminRoutes(NodeState node, AdminConfig admin, AuthConfig auth, AuditLog audit, ClusterManager manager) {
    this.node = node;
    this.admin = admin;
    this.auth = auth;
    this.audit = audit;
    this.manager = manager;
  }

  /** Adds the admin routes to {@code router}; completes once its cluster view listens. Call on the verticle's context. */
  public Future<Void> mount(Vertx vertx, Router router) {
    TokenService tokens = TokenService.create(vertx, auth);
    AdminAccess access = new AdminAccess(admin.token(), tokens);
    ClusterAdmin cluster = new ClusterAdmin(vertx, manager, audit);
    Evaluations runs = evaluations(tokens);
    // Only the API is gated: the page /admin/ (static code, no data) must load before it can ask for a token.
    router.route(PREFIX + "/*").handler(rc -> access.actor(rc.request().getHeader("Authorization")).onComplete(ar -> {
      if (ar.succeeded()) {
        rc.put(ACTOR, ar.result());
        rc.next();
      } else {
        AdminAccess.Refused refused = (AdminAccess.Refused) ar.cause();
        if (refused.status == 401) {
          rc.response().putHeader("WWW-Authenticate", "Bearer");
        }
        refuse(rc, refused.status, refused.getMessage());
      }
    }));
    get(router, PREFIX + "/nodes", rc -> cluster.nodes().onSuccess(rc::json).onFailure(rc::fail));
    get(router, PREFIX + "/providers", rc -> rc.json(cluster.providers()));
    get(router, PREFIX + "/audit", rc -> rc.json(cluster.audit()));
    get(router, PREFIX + "/cache", rc -> cluster.cache().onSuccess(rc::json)
        .onFailure(failure -> refuse(rc, 503, "no cache node answered: " + failure.getMessage())));
    get(router, PREFIX + "/eventbus", rc -> cluster.eventBus().onSuccess(rc::json).onFailure(rc::fail));
    action(router, "/cache/:target/evict", (target, body) -> "cache-evict",
        (actor, target, body) -> cluster.evict(actor, target));
    action(router, "/cache/providers/:target/evict", (target, body) -> "cache-evict",
        (actor, target, body) -> cluster.evictVoice(actor, target, null));
    action(router, "/cache/providers/:provider/voices/:voice/evict", (target, body) -> "cache-evict",
        (actor, target, body) -> cluster.evictVoice(actor, target.substring(0, target.indexOf('/')),
            target.substring(target.indexOf('/') + 1)));
    get(router, PREFIX + "/tail", rc -> cluster.tail().onSuccess(rc::json).onFailure(rc::fail));
    action(router, "/tail/:target", (target, body) -> switch (target) {
      case "start" -> tailStart(body) == null ? null : "tail-start";
      case "stop" -> "tail-stop";
      default -> null;
    }, (actor, target, body) -> "start".equals(target) ? cluster.tailStart(actor, tailStart(body))
        : cluster.tailStop(actor));
    get(router, PREFIX + "/sessions", rc -> cluster.sessions().onSuccess(rc::json).onFailure(rc::fail));
    action(router, "/nodes/:target/drain", (target, body) -> "drain",
        (actor, target, body) -> cluster.drain(actor, target));
    action(router, "/nodes/:target/undrain", (target, body) -> "undrain",
        (actor, target, body) -> cluster.undrain(actor, target));
    action(router, "/instances/:target/circuit",
        (target, body) -> circuitAction(body) == null ? null : "circuit-" + circuitAction(body),
        (actor, target, body) -> cluster.onInstance(actor, "circuit-" + circuitAction(body), target,
            new AdminMessage.Circuit(circuitAction(body))));
    action(router, "/instances/:target/capacity", (target, body) -> capacity(body) == null ? null : "capacity",
        (actor, target, body) -> cluster.onInstance(actor, "capacity", target,
            new AdminMessage.Capacity(capacity(body))));
    action(router, "/sessions/:target/disconnect", (target, body) -> "disconnect",
        (actor, target, body) -> cluster.disconnect(actor, target));
    action(router, "/instances/:target/reprobe", (target, body) -> "reprobe",
        (actor, target, body) -> cluster.onInstance(actor, "reprobe", target, new AdminMessage.Reprobe()));
    mountEvaluations(vertx, router, runs);
    router.route(DRAIN).handler(rc -> {
      HttpMethod method = rc.request().method();
      if (HttpMethod.POST.equals(method)) {
        node.drain().onSuccess(status -> {
          audit.record(rc.get(ACTOR), "drain", node.nodeId(), "ok", "via " + DRAIN);
          rc.response().setStatusCode(202).putHeader("Content-Type", "application/json").end(status.encode());
        });
      } else if (HttpMethod.GET.equals(method)) {
        rc.json(node.drainStatus());
      } else {
        methodNotAllowed(rc, "GET, POST");
      }
    });
    return cluster.start();
  }

  private synchronized Evaluations evaluations(TokenService tokens) {
    if (evaluations == null) {
      evaluations = new Evaluations(node.nodeId(), tokens, () -> evaluationTarget, System::currentTimeMillis);
    }
    return evaluations;
  }

  /** The URL of this node's gateway, which evaluations started here speak to; set by the gateway once it listens. */
  public void evaluationTarget(URI gateway) {
    evaluationTarget = gateway;
  }

  /**
   * {@code /admin/v1/evaluations}: start one (confirmed by this node's id, audited), list, status with the report,
   * the HTML report, and cancel (confirmed by the evaluation's id, audited). docs/evaluation.md#from-the-admin-api.
   */
  private void mountEvaluations(Vertx vertx, Router router, Evaluations runs) {
    String base = PREFIX + "/evaluations";
    router.post(base).handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES)).handler(rc -> {
      String actor = rc.get(ACTOR);
      try {
        JsonObject started = runs.start(actor, jsonBody(rc));
        audit.record(actor, "evaluation-start", started.getString("id"), "ok", started.getJsonObject("options").encode());
        rc.response().setStatusCode(202).putHeader("Location", base + "/" + started.getString("id"))
            .putHeader("Content-Type", "application/json").end(started.encode());
      } catch (Evaluations.Refused refused) {
        audit.record(actor, "evaluation-start", node.nodeId(), "refused", refused.getMessage());
        refuse(rc, refused.status, refused.getMessage());
      }
    });
    get(router, base, rc -> rc.json(runs.list()));
    router.post(base + "/:id/cancel").handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES)).handler(rc -> {
      String actor = rc.get(ACTOR);
      String id = rc.pathParam("id");
      if (!id.equals(jsonBody(rc).getValue("confirm"))) {
        audit.record(actor, "evaluation-cancel", id, "refused", "not confirmed");
        refuse(rc, 400, "confirm with the body {\"confirm\":\"" + id + "\"}");
        return;
      }
      try {
        JsonObject cancelled = runs.cancel(id);
        audit.record(actor, "evaluation-cancel", id, "ok", cancelled.getInteger("done") + " of "
            + cancelled.getInteger("total") + " clips done");
        rc.json(cancelled);
      } catch (Evaluations.Refused refused) {
        audit.record(actor, "evaluation-cancel", id, "refused", refused.getMessage());
        refuse(rc, refused.status, refused.getMessage());
      }
    });
    router.route(base + "/:id/cancel").handler(rc -> methodNotAllowed(rc, "POST"));
    get(router, base + "/:id/report.html", rc -> {
      try {
        vertx.fileSystem().readFile(runs.report(rc.pathParam("id"), "report.html").toString())
            .onSuccess(html -> rc.response().putHeader("Content-Type", "text/html; charset=utf-8")
                .putHeader("X-Content-Type-Options", "nosniff").end(html))
            .onFailure(failure -> refuse(rc, 409, "the evaluation ended without a report"));
      } catch (Evaluations.Refused refused) {
        refuse(rc, refused.status, refused.getMessage());
      }
    });
    get(router, base + "/:id", rc -> {
      String id = rc.pathParam("id");
      try {
        JsonObject status = runs.status(id);
        if ("running".equals(status.getString("state"))) {
          rc.json(status);
          return;
        }
        vertx.fileSystem().readFile(runs.report(id, "report.json").toString())
            .map(json -> status.put("report", new JsonObject(json)))
            .otherwise(status) // it ended before writing a report: its log says why
            .onSuccess(rc::json);
      } catch (Evaluations.Refused refused) {
        refuse(rc, refused.status, refused.getMessage());
      }
    });
  }

  private static void get(Router router, String path, Handler<RoutingContext> handler) {
    router.get(path).handler(handler);
    router.route(path).handler(rc -> methodNotAllowed(rc, "GET"));
  }

  /** An action: the target (a path parameter), the caller, and the request's JSON body. */
  @FunctionalInterface
  private interface Action {
    Future<JsonObject> run(String actor, String target, JsonObject body);
  }

  /**
   * {@code POST /admin/v1/<path>} with {@code {"confirm":"<target>", …}}: the confirmation guards against acting on
   * the wrong target by a slip of the hand; repeating an action is harmless. {@code kind} names the action for the
   * audit log and the metric from the body, or null when the body's values are invalid (400, nothing done).
   */
  private void action(Router router, String path, BiFunction<String, JsonObject, String> kind, Action run) {
    router.post(PREFIX + path).handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES)).handler(rc -> {
      // A voice is named with its provider: its target is "<provider>/<voice>".
      String target = rc.pathParam("voice") == null ? rc.pathParam("target")
          : rc.pathParam("provider") + "/" + rc.pathParam("voice");
      JsonObject body = jsonBody(rc);
      String action = kind.apply(target, body);
      if (action == null) {
        refuse(rc, 400, "invalid values in the body; see docs/admin-console.md#actions");
        return;
      }
      if (!target.equals(body.getValue("confirm"))) {
        audit.record(rc.get(ACTOR), action, target, "refused", "not confirmed");
        refuse(rc, 400, "confirm with the body {\"confirm\":\"" + target + "\"}");
        return;
      }
      run.run(rc.get(ACTOR), target, body).onComplete(ar -> {
        if (ar.succeeded()) {
          rc.json(ar.result());
        } else {
          refuse(rc, ClusterAdmin.status(ar.cause()), String.valueOf(ar.cause().getMessage()));
        }
      });
    });
    router.route(PREFIX + path).handler(rc -> methodNotAllowed(rc, "POST"));
  }

  /** The body as JSON; an empty object when it is missing or not a JSON object. */
  private static JsonObject jsonBody(RoutingContext rc) {
    try {
      JsonObject body = rc.body().asJsonObject();
      return body == null ? new JsonObject() : body;
    } catch (RuntimeException e) {
      return new JsonObject();
    }
  }

  /** {@code open}, {@code close} or {@code reset}, else null: the value becomes a metric label, so it is checked. */
  private static String circuitAction(JsonObject body) {
    Object action = body.getValue("action");
    return CIRCUIT_ACTIONS.contains(action) ? (String) action : null;
  }

  /** A tail's settings from the body ({@code addresses}, {@code showText}, {@code seconds}, default 300), or null. */
  private static AdminMessage.TailStart tailStart(JsonObject body) {
    try {
      return AdminMessage.TailStart.from(body.copy().put("seconds", body.getValue("seconds", 300)));
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static Integer capacity(JsonObject body) {
    return body.getValue("capacity") instanceof Integer replies ? replies : null;
  }

  private static void methodNotAllowed(RoutingContext rc, String allow) {
    rc.response().putHeader("Allow", allow);
    refuse(rc, 405, "method not allowed");
  }

  private static void refuse(RoutingContext rc, int status, String message) {
    ErrorCode code = status == 401 || status == 403 ? ErrorCode.UNAUTHORIZED
        : status >= 500 ? ErrorCode.INTERNAL : ErrorCode.INVALID_REQUEST;
    rc.response().setStatusCode(status).putHeader("Content-Type", "application/json")
        .end(code.body(message).encode());
  }
}
