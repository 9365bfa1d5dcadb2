package com.ervc.gateway;

import com.ervc.config.HttpConfig;
import com.ervc.config.LimitsConfig;
import com.ervc.metrics.ServiceMetrics;
import com.ervc.protocol.ErrorCode;
import com.ervc.protocol.SpeechException;
import com.ervc.security.AccessPolicy;
import com.ervc.security.AuthException;
import com.ervc.security.BearerToken;
import com.ervc.security.ClientAddress;
import com.ervc.security.ConnectionLeases;
import com.ervc.security.LocalRateLimiter;
import com.ervc.security.Principal;
import com.ervc.security.RateLimiter;
import com.ervc.security.TokenService;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

import java.util.List;

/**
 * The gateway's admission rules, in one place: Host allowlist, HSTS, bearer tokens for the API, the WebSocket
 * handshake (Origin, token, connection rate per IP, connections per user), and the limits inside a session
 * (messages per connection, characters per user). Limits keyed by IP or user are cluster-wide when Redis is
 * configured (see {@link com.ervc.security.RedisRateLimiter}).
 */
final class GatewayGuard {
  static final String PRINCIPAL = "principal";
  private static final long MINUTE_MS = 60_000;
  static final short AUTH_FAILED = 4001;
  private static final String MESSAGE_BUCKET = "ws-msg:";
  /** A Host header fit to build a redirect from: a name or IP literal and an optional port. */
  private static final java.util.regex.Pattern HOST_HEADER =
      java.util.regex.Pattern.compile("([A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)*|\\[[0-9A-Fa-f:.]+])(:\\d{1,5})?");
  private static final java.util.Set<String> OPERATOR_PATHS = java.util.Set.of("/live", "/health", "/ready", "/metrics");
  static final short TOO_MANY = 4008;

  private final TokenService tokens;
  private final RateLimiter shared;
  private final LocalRateLimiter local;
  private final AccessPolicy policy;
  private final ServiceMetrics metrics;
  private final List<String> trustedProxies;
  private final int apiPerMinute;
  private final int messagesPerMinute;
  private final int connectionsPerIpPerMinute;
  private final int connectionsPerUser;
  private final int charactersPerMinute;
  private final boolean httpsRedirect;
  private final ConnectionLeases leases;

  GatewayGuard(TokenService tokens, RateLimiter shared, LocalRateLimiter local, ConnectionLeases leases,
               HttpConfig http, LimitsConfig limits, ServiceMetrics metrics) {
    this.leases = leases;
    this.tokens = tokens;
    this.shared = shared;
    this.local = local;
    this.metrics = metrics;
    this.policy = new AccessPolicy(http);
    this.trustedProxies = limits.trustedProxies();
    this.apiPerMinute = limits.apiRateLimit();
    this.messagesPerMinute = limits.websocketRateLimit();
    this.connectionsPerIpPerMinute = limits.connectionsPerIpPerMinute();
    this.connectionsPerUser = limits.connectionsPerUser();
    this.charactersPerMinute = limits.charactersPerUserPerMinute();
    this.httpsRedirect = http.httpsRedirect();
  }

  TokenService tokens() {
    return tokens;
  }

  String clientIp(HttpServerRequest request) {
    return ClientAddress.of(request, trustedProxies);
  }

  /**
   * First handler of every request: Host allowlist (400) and HSTS on TLS. Probes and scrapers reach a pod by its
   * address, not a public host name, so the operator endpoints are exempt from the Host check.
   */
  void hostAndTransport(RoutingContext rc) {
    if (!OPERATOR_PATHS.contains(rc.request().path()) && !policy.hostAllowed(rc.request().getHeader("Host"))) {
      HttpApi.fail(rc, ErrorCode.INVALID_REQUEST, "this host name is not served here");
      return;
    }
    boolean secure = ClientAddress.secure(rc.request(), trustedProxies);
    if (secure) {
      rc.response().putHeader("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
    } else if (httpsRedirect && !OPERATOR_PATHS.contains(rc.request().path())) {
      String host = rc.request().getHeader("Host");
      if (host == null || !HOST_HEADER.matcher(host).matches()) {
        HttpApi.fail(rc, ErrorCode.INVALID_REQUEST, "a valid Host header is required");
        return;
      }
      // Behind a TLS-terminating proxy: anything that arrived over plain HTTP is sent to its https:// address.
      rc.response().setStatusCode(308).putHeader("Location", "https://" + host + rc.request().uri()).end();
      return;
    }
    rc.next();
  }

  /** API routes: a bearer token of type "api", then the per-IP and per-user request rate. */
  void apiAccess(RoutingContext rc) {
    String token = BearerToken.from(rc.request());
    tokens.verify(token, TokenService.API)
        .onFailure(failure -> refuse(rc, failure))
        .onSuccess(principal -> {
          rc.put(PRINCIPAL, principal);
          Future.all(shared.acquire("api-ip:" + clientIp(rc.request()), apiPerMinute, MINUTE_MS, 1),
                  shared.acquire("api-user:" + principal.subject(), apiPerMinute, MINUTE_MS, 1))
              .onComplete(ar -> {
                long wait = ar.succeeded() ? Math.max(ar.result().<Long>resultAt(0), ar.result().<Long>resultAt(1)) : 0;
                if (wait > 0) {
                  limited(rc, "api", wait);
                } else {
                  rc.next();
                }
              });
        });
  }

  /** The dev-token endpoint is open, so it is limited per IP like the API. */
  void devTokenRate(RoutingContext rc) {
    shared.acquire("api-ip:" + clientIp(rc.request()), apiPerMinute, MINUTE_MS, 1).onComplete(ar -> {
      if (ar.succeeded() && ar.result() > 0) {
        limited(rc, "api", ar.result());
      } else {
        rc.next();
      }
    });
  }

  private void refuse(RoutingContext rc, Throwable failure) {
    AuthException auth = failure instanceof AuthException a ? a : new AuthException("invalid", "the token is not valid");
    metrics.authFailure(auth.reason());
    rc.response().putHeader("WWW-Authenticate", "Bearer");
    HttpApi.fail(rc, ErrorCode.UNAUTHORIZED, auth.getMessage());
  }

  private void limited(RoutingContext rc, String kind, long waitMs) {
    metrics.rateLimited(kind);
    rc.response().putHeader("Retry-After", Long.toString(retryAfterSeconds(waitMs)));
    HttpApi.fail(rc, ErrorCode.RATE_LIMITED, "too many requests; retry after the Retry-After seconds");
  }

  boolean originAllowed(HttpServerRequest request) {
    boolean allowed = policy.originAllowed(request, ClientAddress.secure(request, trustedProxies));
    if (!allowed) {
      metrics.authFailure("origin");
    }
    return allowed;
  }

  /** The WebSocket token: ?token=..., or the subprotocol form "base64url.bearer.<base64url token>". */
  static String webSocketToken(HttpServerRequest request) {
    String query = request.getParam("token");
    if (query != null) {
      return query;
    }
    String protocols = request.getHeader("Sec-WebSocket-Protocol");
    if (protocols != null) {
      for (String protocol : protocols.split(",")) {
        String p = protocol.trim();
        if (p.startsWith("base64url.bearer.")) {
          try {
            return new String(java.util.Base64.getUrlDecoder().decode(p.substring(17)),
                java.nio.charset.StandardCharsets.UTF_8);
          } catch (IllegalArgumentException e) {
            return null;
          }
        }
      }
    }
    return null;
  }

  /**
   * Admits an upgraded socket: verifies the token (4001 on failure), then the new-connection rate of its IP and
   * the open connections of its user (4008 when over). Completes with the principal; the caller must call
   * {@link #released(Principal, String)} when the session ends.
   */
  Future<Principal> admit(String token, String ip, String connection) {
    // Every attempt counts against its IP, so a flood of bad tokens is throttled like any other.
    return shared.acquire("ws-ip:" + ip, connectionsPerIpPerMinute, MINUTE_MS, 1)
        .compose(wait -> {
          if (wait > 0) {
            metrics.rateLimited("ws_connection");
            return Future.failedFuture(new Refusal(TOO_MANY, "too many new connections from this address"));
          }
          return tokens.verify(token, TokenService.WEBSOCKET).recover(failure -> {
            AuthException auth = failure instanceof AuthException a ? a : new AuthException("invalid", "invalid token");
            metrics.authFailure(auth.reason());
            return Future.failedFuture(new Refusal(AUTH_FAILED, auth.getMessage()));
          });
        })
        .compose(principal -> leases.acquire(principal.subject(), connection, connectionsPerUser).compose(taken -> {
          if (!taken) {
            metrics.rateLimited("user_connections");
            return Future.failedFuture(new Refusal(TOO_MANY, "too many open connections for this user"));
          }
          return Future.succeededFuture(principal);
        }));
  }

  void released(Principal principal, String connection) {
    leases.release(principal.subject(), connection);
    local.forget(MESSAGE_BUCKET + connection);
  }

  /** A refused WebSocket: the close code and reason to send. */
  static final class Refusal extends RuntimeException {
    final short code;

    Refusal(short code, String reason) {
      super(reason, null, false, false);
      this.code = code;
    }
  }

  /** Charges the per-user character quota; fails with a RATE_LIMITED SpeechException when it is used up. */
  Future<Void> chargeCharacters(String subject, int characters) {
    return characterWait(subject, characters).compose(wait -> wait == 0 ? Future.succeededFuture()
        : Future.failedFuture(characterQuotaUsedUp(wait)));
  }

  /** Charges the per-user character quota; completes with 0, or with the milliseconds until it would allow them. */
  Future<Long> characterWait(String subject, int characters) {
    return shared.acquire("chars-user:" + subject, charactersPerMinute, MINUTE_MS, characters).onSuccess(wait -> {
      if (wait > 0) {
        metrics.rateLimited("characters");
      }
    });
  }

  SpeechException characterQuotaUsedUp(long waitMs) {
    return new SpeechException(ErrorCode.RATE_LIMITED, "character quota of " + charactersPerMinute
        + " per minute used up; retry in " + retryAfterSeconds(waitMs) + " s");
  }

  /** Whole seconds, at least 1, as {@code Retry-After} states a wait. */
  static long retryAfterSeconds(long waitMs) {
    return Math.max(1, (waitMs + 999) / 1000);
  }

  /** The limits that apply inside one WebSocket session. */
  WebSocketSession.Guard forSession(String sessionId, Principal principal) {
    return new WebSocketSession.Guard() {
      private Principal current = principal;

      @Override
      public boolean allowMessage() {
        boolean allowed = local.tryAcquire(MESSAGE_BUCKET + sessionId, messagesPerMinute, MINUTE_MS, 1) == 0;
        if (!allowed) {
          metrics.rateLimited("ws_message");
        }
        return allowed;
      }

      @Override
      public Future<Void> chargeCharacters(int characters) {
        return GatewayGuard.this.chargeCharacters(current.subject(), characters);
      }

      @Override
      public Future<Principal> refresh(String token) {
        return tokens.verify(token, TokenService.WEBSOCKET).compose(next -> {
          if (!next.subject().equals(current.subject())) {
            return Future.failedFuture(new AuthException("invalid", "a refreshed token must have the same subject"));
          }
          current = next;
          return Future.succeededFuture(next);
        }).onFailure(failure -> metrics.authFailure(failure instanceof AuthException a ? a.reason() : "invalid"));
      }

      @Override
      public Principal principal() {
        return current;
      }
    };
  }
}
