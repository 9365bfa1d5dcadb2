package com.ervc.admin;

import com.ervc.cluster.NodeState;
import com.ervc.config.AdminConfig;
import com.ervc.protocol.ErrorCode;
import com.ervc.security.BearerToken;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Operator actions on one node, behind {@code ADMIN_TOKEN}: {@code POST /admin/v1/drain} makes the node stop
 * taking new work while its running streams finish, {@code GET /admin/v1/drain} reports how much is left.
 * Without a configured token every admin request is refused (403), so the API is off by default.
 */
public final class AdminRoutes {
  static final String DRAIN = "/admin/v1/drain";

  private AdminRoutes() {
  }

  public static void mount(Router router, NodeState node, AdminConfig admin) {
    String token = admin.token();
    router.route("/admin/*").handler(rc -> {
      if (token == null) {
        refuse(rc, 403, "the admin API is disabled on this node: set ADMIN_TOKEN to enable it");
      } else if (!BearerToken.matches(rc.request(), token)) {
        rc.response().putHeader("WWW-Authenticate", "Bearer");
        refuse(rc, 401, "admin requests need Authorization: Bearer <ADMIN_TOKEN>");
      } else {
        rc.next();
      }
    });
    router.route(DRAIN).handler(rc -> {
      HttpMethod method = rc.request().method();
      if (HttpMethod.POST.equals(method)) {
        node.drain().onSuccess(status -> rc.response().setStatusCode(202)
            .putHeader("Content-Type", "application/json").end(status.encode()));
      } else if (HttpMethod.GET.equals(method)) {
        rc.json(node.drainStatus());
      } else {
        rc.response().putHeader("Allow", "GET, POST");
        refuse(rc, 405, "method not allowed");
      }
    });
  }

  private static void refuse(RoutingContext rc, int status, String message) {
    ErrorCode code = status == 401 || status == 403 ? ErrorCode.UNAUTHORIZED : ErrorCode.INVALID_REQUEST;
    rc.response().setStatusCode(status).putHeader("Content-Type", "application/json")
        .end(code.body(message).encode());
  }
}
