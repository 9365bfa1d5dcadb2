package com.ervc.admin;

import com.ervc.cluster.NodeState;
import com.ervc.config.AdminConfig;
import com.ervc.config.AuthConfig;
import com.ervc.metrics.ServiceMetrics;
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
import java.nio.file.Path;
import java.util.Optional;

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

  private final NodeState node;
  private final AdminConfig admin;
  private final AuthConfig auth;
  private final AuditLog audit;
  private final ClusterManager manager;
  private final ServiceMetrics metrics;
  /** This node's evaluations, made by the first mount (the gateway's and the monitoring server's share them). */
  private Evaluations evaluations;
  private volatile URI evaluationTarget;

  /** @param manager the cluster manager: the current members and the handlers registered per address */
  public AdminRoutes(NodeState node, AdminConfig admin, AuthConfig auth, AuditLog audit, ClusterManager manager,
                     ServiceMetrics metrics) {
    this.node = node;
    this.admin = admin;
    this.auth = auth;
    this.audit = audit;
    this.manager = manager;
    this.metrics = metrics;
  }

  /**
   * Adds the admin routes to {@code router}, and with {@code consoleBridge} the console's SockJS bridge under
   * /admin/eventbus (the server that serves the page /admin/; at most one per node); completes once its cluster
   * view listens. Call on the verticle's context.
   */
  public Future<Void> mount(Vertx vertx, Router router, boolean consoleBridge) {
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
    get(router, PREFIX + "/tail", rc -> cluster.tail().onSuccess(rc::json).onFailure(rc::fail));
    get(router, PREFIX + "/sessions", rc -> cluster.sessions().onSuccess(rc::json).onFailure(rc::fail));
    AdminActions actions = new AdminActions(cluster, audit);
    actions.specs().forEach(spec -> action(router, actions, spec));
    Future<Void> bridged = consoleBridge ? mountBridge(vertx, router, cluster, actions) : Future.succeededFuture();
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
    return cluster.start().compose(v -> bridged);
  }

  /** The console's bridge and the REST call that hands out its tickets. */
  private Future<Void> mountBridge(Vertx vertx, Router router, ClusterAdmin cluster, AdminActions actions) {
    AdminBridge bridge = new AdminBridge(vertx, cluster, actions, metrics);
    router.post(AdminBridge.TICKET).handler(rc -> rc.json(bridge.ticket(rc.get(ACTOR))));
    router.route(AdminBridge.TICKET).handler(rc -> methodNotAllowed(rc, "POST"));
    return bridge.mount(router);
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
      String id = rc.pathParam("id");
      try {
        Optional<Path> report = runs.report(id, "report.html");
        if (report.isEmpty()) {
          refuse(rc, 409, "evaluation " + id + " has no report: " + runs.status(id).getString("state"));
          return;
        }
        vertx.fileSystem().readFile(report.get().toString())
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
        Optional<Path> report = runs.report(id, "report.json"); // first: a run that ends in between shows no report
        JsonObject status = runs.status(id);
        if (report.isEmpty()) {
          rc.json(status);
          return;
        }
        vertx.fileSystem().readFile(report.get().toString())
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

  /**
   * {@code POST /admin/v1/<path>} with {@code {"confirm":"<target>", …}}: the confirmation guards against acting on
   * the wrong target by a slip of the hand; repeating an action is harmless. {@link AdminActions} checks and runs it.
   */
  private static void action(Router router, AdminActions actions, AdminActions.Spec spec) {
    router.post(PREFIX + spec.path()).handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES)).handler(rc ->
        // A voice is named with its provider: its target is "<provider>/<voice>".
        actions.perform(spec, rc.get(ACTOR), rc.pathParam("voice") == null ? rc.pathParam("target")
            : rc.pathParam("provider") + "/" + rc.pathParam("voice"), jsonBody(rc)).onComplete(ar -> {
          if (ar.succeeded()) {
            rc.json(ar.result());
          } else {
            refuse(rc, ClusterAdmin.status(ar.cause()), String.valueOf(ar.cause().getMessage()));
          }
        }));
    router.route(PREFIX + spec.path()).handler(rc -> methodNotAllowed(rc, "POST"));
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
