package com.ervc.admin;

import com.ervc.metrics.ServiceMetrics;
import com.ervc.protocol.AdminMessage;
import com.ervc.protocol.Addresses;
import com.ervc.protocol.BusProtocol;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authorization.PermissionBasedAuthorization;
import io.vertx.ext.bridge.BridgeEventType;
import io.vertx.ext.bridge.PermittedOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.ext.web.handler.SimpleAuthenticationHandler;
import io.vertx.ext.web.handler.sockjs.BridgeEvent;
import io.vertx.ext.web.handler.sockjs.SockJSBridgeOptions;
import io.vertx.ext.web.handler.sockjs.SockJSHandler;
import io.vertx.ext.web.handler.sockjs.SockJSHandlerOptions;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import io.vertx.ext.web.handler.sockjs.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The admin console's live door: vertx-web's SockJS event-bus bridge under {@value #PATH}, deny by default. A
 * browser cannot put a header on a WebSocket, so a console first fetches a single-use ticket from the REST API
 * ({@code POST /admin/v1/bridge/ticket}, checked by {@link AdminAccess} like every admin request) and opens the
 * socket with {@code ?ticket=}; without a valid ticket the upgrade is refused (401) and the socket never exists.
 * An admitted socket carries a {@link User} with the {@value AdminAccess#ROLE} authority, which every permitted
 * address requires. Inbound it may only {@code send} to {@code admin.action.<name>} (handled by this node alone,
 * through {@link AdminActions}, so audited like REST); outbound it may only register for {@code admin.view.<view>},
 * which this node publishes to its own consoles about once a second while one subscribes. Anything else (an
 * internal address such as a provider's, a publish, another view) is refused, logged and counted in
 * {@code admin_bridge_refused_total{reason}}. One per node, on the gateway's event loop.
 */
final class AdminBridge {
  static final String PATH = "/admin/eventbus";
  static final String TICKET = AdminRoutes.PREFIX + "/bridge/ticket";
  static final Duration TICKET_LIFETIME = Duration.ofSeconds(30);
  static final long PERIOD_MS = 1_000;
  /** The views a console may subscribe to, each the REST view of the same name. */
  static final List<String> VIEWS = List.of("nodes", "providers", "eventbus", "sessions", "cache", "audit", "tail");
  private static final String ACTOR_HEADER = "actor";
  private static final Logger LOG = LoggerFactory.getLogger(AdminBridge.class);

  private final Vertx vertx;
  private final ClusterAdmin cluster;
  private final AdminActions actions;
  private final ServiceMetrics metrics;
  private final Set<String> actionAddresses;
  private final Set<String> viewAddresses;
  private final SecureRandom random = new SecureRandom();
  /** Tickets not yet used, with the actor they admit; each is removed on first use or after its lifetime. */
  private final Cache<String, String> tickets;
  /** Each connected console's subscribed views (touched only on the gateway's event loop). */
  private final Map<SockJSSocket, Set<String>> consoles = new HashMap<>();
  /** The last tail sample pushed per node, so each sample is pushed once. */
  private final Map<String, Long> tailPushed = new HashMap<>();
  private boolean pushing;

  AdminBridge(Vertx vertx, ClusterAdmin cluster, AdminActions actions, ServiceMetrics metrics) {
    this.vertx = vertx;
    this.cluster = cluster;
    this.actions = actions;
    this.metrics = metrics;
    this.actionAddresses = actions.specs().stream().map(spec -> Addresses.adminAction(spec.name()))
        .collect(Collectors.toUnmodifiableSet());
    this.viewAddresses = VIEWS.stream().map(Addresses::adminView).collect(Collectors.toUnmodifiableSet());
    this.tickets = Caffeine.newBuilder().expireAfterWrite(TICKET_LIFETIME).maximumSize(10_000).build();
    metrics.adminConsoles(consoles::size);
  }

  /** A fresh single-use ticket admitting {@code actor} to the bridge within {@link #TICKET_LIFETIME}. */
  JsonObject ticket(String actor) {
    byte[] bytes = new byte[24];
    random.nextBytes(bytes);
    String ticket = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    tickets.put(ticket, actor);
    return new JsonObject().put("ticket", ticket).put("expiresInSeconds", TICKET_LIFETIME.toSeconds())
        .put("path", PATH + "/websocket");
  }

  /** Adds the bridge and its action handlers; call on the gateway's context. */
  Future<Void> mount(Router router) {
    router.route(PATH + "/*").handler(SimpleAuthenticationHandler.create().authenticate(rc -> {
      String ticket = rc.request().getParam("ticket");
      String actor = ticket == null ? null : tickets.asMap().remove(ticket);
      if (actor == null) {
        refused("unauthenticated", rc.request().remoteAddress() + "", ticket == null ? "no ticket" : "unknown ticket",
            rc.request().path());
        return Future.failedFuture(new HttpException(401, "the admin bridge needs a ticket from POST " + TICKET));
      }
      User user = User.fromName(actor);
      user.authorizations().put("admin-bridge", Set.of(PermissionBasedAuthorization.create(AdminAccess.ROLE)));
      return Future.succeededFuture(user);
    }));
    SockJSBridgeOptions options = new SockJSBridgeOptions().setMaxHandlersPerSocket(VIEWS.size() + 4);
    actionAddresses.forEach(address -> options.addInboundPermitted(new PermittedOptions().setAddress(address)
        .setRequiredAuthority(AdminAccess.ROLE)));
    viewAddresses.forEach(address -> options.addOutboundPermitted(new PermittedOptions().setAddress(address)
        .setRequiredAuthority(AdminAccess.ROLE)));
    // Only WebSocket transports: the console needs no fallback, and fewer transports are fewer doors.
    SockJSHandlerOptions transports = new SockJSHandlerOptions().setRegisterWriteHandler(false);
    for (Transport t : List.of(Transport.EVENT_SOURCE, Transport.HTML_FILE, Transport.JSON_P, Transport.XHR)) {
      transports.addDisabledTransport(t.name());
    }
    router.route(PATH + "/*").subRouter(SockJSHandler.create(vertx, transports).bridge(options, this::handle));
    List<Future<Void>> listening = new ArrayList<>();
    for (AdminActions.Spec spec : actions.specs()) {
      // A local consumer: the cluster manager never learns of it, so only this node's bridge reaches it.
      listening.add(vertx.eventBus().<Object>localConsumer(Addresses.adminAction(spec.name()), msg -> act(spec, msg))
          .completion());
    }
    return Future.all(listening).mapEmpty();
  }

  private void handle(BridgeEvent event) {
    SockJSSocket socket = event.socket();
    JsonObject raw = event.getRawMessage();
    String address = raw == null ? null : raw.getString("address");
    BridgeEventType type = event.type();
    switch (type) {
      case SOCKET_CREATED -> {
        consoles.put(socket, new HashSet<>());
        LOG.info("admin console connected actor={} from={}", actor(socket), socket.remoteAddress());
        startPushing();
        event.complete(true);
      }
      case SOCKET_CLOSED -> {
        if (consoles.remove(socket) != null) {
          LOG.info("admin console disconnected actor={}", actor(socket));
        }
        event.complete(true);
      }
      case SEND -> {
        if (actionAddresses.contains(address)) {
          // The actor is the socket's, whatever headers the browser sent.
          raw.put("headers", new JsonObject().put(BusProtocol.H_TYPE, AdminMessage.ConsoleAction.TYPE)
              .put(BusProtocol.H_VERSION, BusProtocol.VERSION).put(ACTOR_HEADER, actor(socket)));
          event.complete(true);
        } else {
          refuse(event, socket, "send", address);
        }
      }
      case REGISTER -> {
        if (viewAddresses.contains(address)) {
          consoles.computeIfPresent(socket, (s, views) -> {
            views.add(address);
            return views;
          });
          event.complete(true);
        } else {
          refuse(event, socket, "register", address);
        }
      }
      case UNREGISTER -> {
        Set<String> views = consoles.get(socket);
        if (views != null) {
          views.remove(address);
        }
        event.complete(true);
      }
      case PUBLISH -> refuse(event, socket, "publish", address);
      default -> event.complete(true);
    }
  }

  private void refuse(BridgeEvent event, SockJSSocket socket, String frame, String address) {
    refused("address", actor(socket) + "@" + socket.remoteAddress(), frame, String.valueOf(address));
    event.complete(false);
  }

  private void refused(String reason, String who, String what, String address) {
    LOG.warn("admin bridge refused reason={} who={} frame={} address={}", reason, who, what, address);
    metrics.adminBridgeRefused(reason);
  }

  private static String actor(SockJSSocket socket) {
    User user = socket.webUser();
    return user == null ? "-" : user.subject();
  }

  /** An action from a console: the same checks, logic and audit as its REST twin; refusals carry the HTTP status. */
  private void act(AdminActions.Spec spec, Message<Object> msg) {
    if (!BusProtocol.accepts(msg, AdminMessage.ConsoleAction.TYPE)) {
      return;
    }
    JsonObject body = msg.body() instanceof JsonObject json ? json : new JsonObject();
    String target = body.getValue("target") instanceof String t ? t : null;
    actions.perform(spec, msg.headers().get(ACTOR_HEADER), target, body).onComplete(ar -> {
      if (ar.succeeded()) {
        msg.reply(ar.result());
      } else {
        msg.fail(ClusterAdmin.status(ar.cause()), String.valueOf(ar.cause().getMessage()));
      }
    });
  }

  private void startPushing() {
    if (!pushing) {
      pushing = true;
      push();
    }
  }

  /** One round: each view some console subscribed to, gathered once and published to this node's consoles. */
  private void push() {
    if (consoles.isEmpty()) {
      pushing = false;
      tailPushed.clear();
      return;
    }
    Set<String> wanted = new HashSet<>();
    consoles.values().forEach(wanted::addAll);
    List<Future<?>> round = new ArrayList<>();
    for (String view : VIEWS) {
      if (wanted.contains(Addresses.adminView(view))) {
        round.add(gather(view).transform(ar -> {
          JsonObject message = new JsonObject().put("view", view).put("at", Instant.now().toString());
          if (ar.succeeded()) {
            message.put("data", ar.result());
          } else {
            message.put("error", String.valueOf(ar.cause().getMessage()));
          }
          AdminMessage.ConsoleView pushed = new AdminMessage.ConsoleView(message);
          vertx.eventBus().publish(Addresses.adminView(view), pushed.body(),
              BusProtocol.options(pushed).setLocalOnly(true));
          return Future.succeededFuture();
        }));
      }
    }
    // The next round starts a period after this one ended: a slow cluster is never asked twice at once.
    Future.join(round).onComplete(ar -> vertx.setTimer(PERIOD_MS, id -> push()));
  }

  /** The view as its REST twin answers it (the tail: only new samples). */
  private Future<?> gather(String view) {
    return switch (view) {
      case "nodes" -> cluster.nodes();
      case "providers" -> Future.succeededFuture(cluster.providers());
      case "eventbus" -> cluster.eventBus();
      case "sessions" -> cluster.sessions();
      case "cache" -> cluster.cache();
      case "audit" -> Future.succeededFuture(cluster.audit());
      case "tail" -> cluster.tail().map(this::newSamples);
      default -> throw new IllegalArgumentException("no view '" + view + "'");
    };
  }

  /** The tail with only the samples not pushed before (per node, by their sequence number). */
  private JsonObject newSamples(JsonObject tail) {
    JsonArray fresh = new JsonArray();
    Map<String, Long> last = new HashMap<>();
    tail.getJsonArray("samples").forEach(s -> {
      JsonObject sample = (JsonObject) s;
      String node = sample.getString("node");
      long seq = sample.getLong("seq");
      if (seq > tailPushed.getOrDefault(node, 0L)) {
        fresh.add(sample);
      }
      last.merge(node, seq, Math::max);
    });
    tail.getJsonArray("nodes").forEach(n -> last.putIfAbsent(((JsonObject) n).getString("node"),
        tailPushed.getOrDefault(((JsonObject) n).getString("node"), 0L)));
    tailPushed.clear();
    tailPushed.putAll(last);
    return tail.put("samples", fresh);
  }
}
