package com.ervc.admin;

import com.ervc.protocol.AdminMessage;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * The operator's actions, one table for both doors of the admin console: the REST API ({@code POST
 * /admin/v1/<path>}) and the SockJS bridge ({@code admin.action.<name>}). Each action checks its values and the
 * confirmation (the target repeated in the body), then runs through {@link ClusterAdmin}, which audits it; a
 * refusal before that is audited here. So an action is the same whichever door it came through.
 */
final class AdminActions {
  private static final Set<Object> CIRCUIT_ACTIONS = Set.of("open", "close", "reset");

  /** What an action does: with the caller, the target and the request's JSON body. */
  @FunctionalInterface
  interface Run {
    Future<JsonObject> run(String actor, String target, JsonObject body);
  }

  /**
   * One action: its bridge name ({@code admin.action.<name>}), its REST path under /admin/v1 ({@code :target} is the
   * target; for a voice, {@code <provider>/<voice>}), its kind for the audit log and the metric (null when the body's values are invalid), and what it does.
   */
  record Spec(String name, String path, BiFunction<String, JsonObject, String> kind, Run run) {
  }

  private final List<Spec> specs;
  private final AuditLog audit;

  AdminActions(ClusterAdmin cluster, AuditLog audit) {
    this.audit = audit;
    this.specs = List.of(
        new Spec("evict", "/cache/:target/evict", (target, body) -> "cache-evict",
            (actor, target, body) -> cluster.evict(actor, target)),
        new Spec("evict-provider", "/cache/providers/:target/evict", (target, body) -> "cache-evict",
            (actor, target, body) -> cluster.evictVoice(actor, target, null)),
        new Spec("evict-voice", "/cache/providers/:provider/voices/:voice/evict",
            (target, body) -> target.indexOf('/') > 0 ? "cache-evict" : null,
            (actor, target, body) -> cluster.evictVoice(actor, target.substring(0, target.indexOf('/')),
                target.substring(target.indexOf('/') + 1))),
        new Spec("tail", "/tail/:target", (target, body) -> switch (target) {
          case "start" -> tailStart(body) == null ? null : "tail-start";
          case "stop" -> "tail-stop";
          default -> null;
        }, (actor, target, body) -> "start".equals(target) ? cluster.tailStart(actor, tailStart(body))
            : cluster.tailStop(actor)),
        new Spec("drain", "/nodes/:target/drain", (target, body) -> "drain",
            (actor, target, body) -> cluster.drain(actor, target)),
        new Spec("undrain", "/nodes/:target/undrain", (target, body) -> "undrain",
            (actor, target, body) -> cluster.undrain(actor, target)),
        new Spec("circuit", "/instances/:target/circuit",
            (target, body) -> circuitAction(body) == null ? null : "circuit-" + circuitAction(body),
            (actor, target, body) -> cluster.onInstance(actor, "circuit-" + circuitAction(body), target,
                new AdminMessage.Circuit(circuitAction(body)))),
        new Spec("capacity", "/instances/:target/capacity", (target, body) -> capacity(body) == null ? null : "capacity",
            (actor, target, body) -> cluster.onInstance(actor, "capacity", target,
                new AdminMessage.Capacity(capacity(body)))),
        new Spec("disconnect", "/sessions/:target/disconnect", (target, body) -> "disconnect",
            (actor, target, body) -> cluster.disconnect(actor, target)),
        new Spec("reprobe", "/instances/:target/reprobe", (target, body) -> "reprobe",
            (actor, target, body) -> cluster.onInstance(actor, "reprobe", target, new AdminMessage.Reprobe())));
  }

  List<Spec> specs() {
    return specs;
  }

  /**
   * Runs {@code spec} for {@code actor} on {@code target}: fails with a 400 {@link ClusterAdmin.Refusal} when the
   * body's values are invalid (nothing done) or the body does not repeat the target (audited as refused), else
   * whatever the action answers.
   */
  Future<JsonObject> perform(Spec spec, String actor, String target, JsonObject body) {
    String action = target == null ? null : spec.kind().apply(target, body);
    if (action == null) {
      return Future.failedFuture(new ClusterAdmin.Refusal(400,
          "invalid values in the body; see docs/admin-console.md#actions"));
    }
    if (!target.equals(body.getValue("confirm"))) {
      audit.record(actor, action, target, "refused", "not confirmed");
      return Future.failedFuture(new ClusterAdmin.Refusal(400,
          "confirm with the body {\"confirm\":\"" + target + "\"}"));
    }
    return spec.run().run(actor, target, body);
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
}
