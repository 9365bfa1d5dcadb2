package com.ervc.config;

import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static com.ervc.config.Setting.integer;
import static com.ervc.config.Setting.string;

/** The {@code auth.*} keys: how the gateway issues and verifies tokens. */
public record AuthConfig(String mode, String jwtAlgorithm, String jwtSecret, String jwtPublicKey, String issuer,
                         String audience, int leewaySeconds, int devTokenTtlSeconds) {
  static final Setting MODE = string("auth.mode", "AUTH_MODE", "auto").oneOf("auto", "dev", "jwt")
      .describe("How callers get tokens (see [Security](security.md#authentication-modes)). `auto` becomes "
          + "`dev` when `http.host` is a loopback address (`localhost`, `127.*`, `::1`, `[::1]`) and `jwt` "
          + "otherwise; the resolved value is what the node uses. `dev`: `POST /api/v1/auth/dev-token` hands out "
          + "tokens to anyone who can reach it, so it is refused on an `http.host` that is not loopback. `jwt`: "
          + "tokens come from outside; the node needs `auth.jwtSecret` or `auth.jwtPublicKey` (see "
          + "[Validation](#validation)).");
  static final Setting JWT_ALGORITHM = string("auth.jwtAlgorithm", "JWT_ALGORITHM", "HS256")
      .oneOf("HS256", "RS256", "ES256")
      .describe("The only algorithm accepted (tokens signed otherwise, `none` included, are refused). `HS256` "
          + "verifies with `auth.jwtSecret`; `RS256` and `ES256` with `auth.jwtPublicKey`. Ignored in dev mode, "
          + "which always uses HS256.");
  static final Setting JWT_SECRET = string("auth.jwtSecret", "JWT_SECRET", null).orNull()
      .asCredential()
      .documented("`null`, or at least 32 bytes (UTF-8)")
      .describe("HMAC key for HS256, used as given (not base64-decoded). Needed in jwt mode with HS256; in dev mode "
          + "it signs the dev tokens, so every node with the same key accepts them (without it each node uses a "
          + "random key of its own). Shorter values are refused in every mode. The same on every node; pass it "
          + "through a secret. `scripts/make-token.sh` signs with it. An empty `JWT_SECRET` means `null`.");
  static final Setting JWT_PUBLIC_KEY = string("auth.jwtPublicKey", "JWT_PUBLIC_KEY", null).orNull()
      .documented("`null`, or a PEM public key (`-----BEGIN PUBLIC KEY-----`…)")
      .describe("Verification key for `RS256` (RSA) or `ES256` (P-256). Needed in jwt mode with those algorithms. "
          + "Not parsed before the gateway starts: a key it cannot read makes the gateway fail to start (exit code "
          + "1). An empty `JWT_PUBLIC_KEY` means `null`.");
  static final Setting ISSUER = string("auth.issuer", "JWT_ISSUER", null).orNull()
      .describe("When set, a token's `iss` must equal it. Dev tokens and `make-token.sh` write it. `null`: `iss` is "
          + "not checked.");
  static final Setting AUDIENCE = string("auth.audience", "JWT_AUDIENCE", null).orNull()
      .describe("When set, a token's `aud` (a string or a list) must contain it. Dev tokens and `make-token.sh` "
          + "write it. `null`: `aud` is not checked.");
  static final Setting LEEWAY_SECONDS = integer("auth.leewaySeconds", "JWT_LEEWAY_SECONDS", 5, 0, 300)
      .describe("Clock skew allowed on `exp`, `nbf` and `iat`. A WebSocket session still ends at `exp` itself.");
  static final Setting DEV_TOKEN_TTL_SECONDS = integer("auth.devTokenTtlSeconds", "DEV_TOKEN_TTL_SECONDS",
      900, 30, 86_400)
      .describe("Lifetime of the tokens of `POST /api/v1/auth/dev-token` (dev mode), returned as `expiresIn`. The "
          + "page renews a minute before it ends.");

  static final List<Setting> SETTINGS = List.of(MODE, JWT_ALGORITHM, JWT_SECRET, JWT_PUBLIC_KEY, ISSUER, AUDIENCE,
      LEEWAY_SECONDS, DEV_TOKEN_TTL_SECONDS);

  /** True in dev mode: the node mints its own tokens. */
  public boolean devMode() {
    return "dev".equals(mode);
  }

  /**
   * "auto" becomes dev on a loopback bind address (the embedded default) and jwt everywhere else; dev is refused
   * elsewhere, and jwt mode refuses to start without a usable key.
   */
  static AuthConfig from(JsonObject config, String httpHost) {
    String mode = MODE.readString(config);
    if ("auto".equals(mode)) {
      mode = isLoopback(httpHost) ? "dev" : "jwt";
    }
    if ("dev".equals(mode) && !isLoopback(httpHost)) {
      throw new ConfigException("config: AUTH_MODE=dev is only allowed on a loopback HTTP_HOST (got " + httpHost
          + "): anyone who reaches the node could mint tokens; use AUTH_MODE=jwt");
    }
    String secret = JWT_SECRET.readString(config);
    if (secret != null && secret.getBytes(StandardCharsets.UTF_8).length < 32) {
      throw new ConfigException("config: JWT_SECRET (auth.jwtSecret) is too short; expected at least 32 bytes");
    }
    String algorithm = JWT_ALGORITHM.readString(config);
    String publicKey = JWT_PUBLIC_KEY.readString(config);
    if ("jwt".equals(mode)) {
      boolean hmac = "HS256".equals(algorithm);
      if (hmac && secret == null) {
        throw new ConfigException("config: AUTH_MODE=jwt (bind address " + httpHost
            + ") needs JWT_SECRET (at least 32 bytes) for JWT_ALGORITHM=HS256");
      }
      if (!hmac && publicKey == null) {
        throw new ConfigException("config: AUTH_MODE=jwt needs JWT_PUBLIC_KEY for JWT_ALGORITHM=" + algorithm);
      }
    }
    return new AuthConfig(mode, algorithm, secret, publicKey, ISSUER.readString(config), AUDIENCE.readString(config),
        LEEWAY_SECONDS.readInt(config), DEV_TOKEN_TTL_SECONDS.readInt(config));
  }

  static boolean isLoopback(String host) {
    return host.equals("localhost") || host.startsWith("127.") || host.equals("::1") || host.equals("[::1]");
  }
}
