package com.ervc.security;

import com.ervc.config.AuthConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

/**
 * Verifies (and in dev mode mints) the service's JWTs. The algorithm is pinned by configuring exactly one key;
 * {@code exp} is required; {@code iss}/{@code aud} are checked when configured; the claims {@code service} must be
 * "voice-chat" and {@code type} the kind of access asked for ("websocket" or "api").
 */
public final class TokenService {
  public static final String SERVICE = "voice-chat";
  public static final String WEBSOCKET = "websocket";
  public static final String API = "api";

  private final JWTAuth jwt;
  private final boolean dev;
  private final long devTtlSeconds;
  private final AuthConfig auth;

  private TokenService(JWTAuth jwt, boolean dev, long devTtlSeconds, AuthConfig auth) {
    this.jwt = jwt;
    this.dev = dev;
    this.devTtlSeconds = devTtlSeconds;
    this.auth = auth;
  }

  /** Builds the verifier from the {@code auth} settings (already validated by ConfigLoader). */
  public static TokenService create(Vertx vertx, AuthConfig auth) {
    boolean dev = auth.devMode();
    String algorithm = dev ? "HS256" : auth.jwtAlgorithm();
    PubSecKeyOptions key = new PubSecKeyOptions().setAlgorithm(algorithm);
    if ("HS256".equals(algorithm)) {
      // Dev mode without a configured secret uses a random one: its tokens are valid on this node only.
      String secret = auth.jwtSecret();
      key.setBuffer(secret != null ? secret : randomSecret());
    } else {
      key.setBuffer(auth.jwtPublicKey());
    }
    JWTOptions checks = new JWTOptions().setLeeway(auth.leewaySeconds()).setIgnoreExpiration(false);
    if (auth.issuer() != null) {
      checks.setIssuer(auth.issuer());
    }
    if (auth.audience() != null) {
      checks.addAudience(auth.audience());
    }
    JWTAuth jwt = JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(key).setJWTOptions(checks));
    return new TokenService(jwt, dev, auth.devTokenTtlSeconds(), auth);
  }

  private static String randomSecret() {
    byte[] bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    return Base64.getEncoder().encodeToString(bytes);
  }

  public boolean devMode() {
    return dev;
  }

  /** Verifies a token for one kind of access; fails with {@link AuthException}. */
  public Future<Principal> verify(String token, String type) {
    if (token == null || token.isBlank()) {
      return Future.failedFuture(new AuthException("missing", "a token is required"));
    }
    // compose() turns anything the JWT library throws on hostile input into a failed future.
    return Future.succeededFuture(token).compose(t -> jwt.authenticate(new TokenCredentials(t)))
        .recover(failure -> Future.failedFuture(refusal(failure)))
        .compose(user -> {
          JsonObject claims = user.attributes().getJsonObject("accessToken", user.principal());
          if (!(claims.getValue("exp") instanceof Number)) {
            return Future.failedFuture(new AuthException("invalid", "the token has no expiry (exp)"));
          }
          if (!SERVICE.equals(claims.getString("service"))) {
            return Future.failedFuture(new AuthException("invalid", "the token is not for this service"));
          }
          if (!type.equals(claims.getString("type"))) {
            return Future.failedFuture(new AuthException("invalid", "the token is not a " + type + " token"));
          }
          if (!(claims.getValue("sub") instanceof String subject) || subject.isBlank()) {
            // Quotas and connection counts are per subject; tokens without one would all share "nobody's".
            return Future.failedFuture(new AuthException("invalid", "the token has no subject (sub)"));
          }
          return Future.succeededFuture(new Principal(subject, roles(claims), claims.getLong("exp") * 1000));
        });
  }

  private static AuthException refusal(Throwable failure) {
    String message = String.valueOf(failure.getMessage());
    return message.contains("expired")
        ? new AuthException("expired", "the token has expired")
        : new AuthException("invalid", "the token is not valid");
  }

  private static List<String> roles(JsonObject claims) {
    Object roles = claims.getValue("roles") != null ? claims.getValue("roles") : claims.getValue("permissions");
    return roles instanceof JsonArray list ? list.stream().map(String::valueOf).toList() : List.of();
  }

  /**
   * A short-lived token pair for the bundled page (dev mode only). Presenting a still-valid WebSocket token keeps
   * its subject, so the page can renew the token of a running session.
   */
  public Future<JsonObject> mintDevTokens(String current) {
    if (!dev) {
      return Future.failedFuture(new IllegalStateException("dev tokens exist only in AUTH_MODE=dev"));
    }
    Future<String> subject = current == null
        ? Future.succeededFuture(newDevSubject())
        : verify(current, WEBSOCKET).map(Principal::subject).otherwise(failure -> newDevSubject());
    return subject.map(this::devTokensFor);
  }

  private static String newDevSubject() {
    return "dev-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private JsonObject devTokensFor(String subject) {
    return new JsonObject()
        .put("token", mint(subject, WEBSOCKET, devTtlSeconds))
        .put("apiToken", mint(subject, API, devTtlSeconds))
        .put("expiresIn", devTtlSeconds)
        .put("subject", subject);
  }

  /** Signs a token with this node's HS256 key (dev mode; tests). */
  public String mint(String subject, String type, long ttlSeconds) {
    JWTOptions options = new JWTOptions().setExpiresInSeconds((int) ttlSeconds);
    if (auth.issuer() != null) {
      options.setIssuer(auth.issuer());
    }
    if (auth.audience() != null) {
      options.addAudience(auth.audience());
    }
    return jwt.generateToken(new JsonObject().put("sub", subject).put("service", SERVICE).put("type", type)
        .put("roles", new JsonArray()), options);
  }

}
