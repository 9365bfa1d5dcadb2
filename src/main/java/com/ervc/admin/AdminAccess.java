package com.ervc.admin;

import com.ervc.security.AuthException;
import com.ervc.security.BearerToken;
import com.ervc.security.TokenService;
import io.vertx.core.Future;

/**
 * Who may use the admin API: a caller presenting the configured admin credential ({@code ADMIN_TOKEN}), or an
 * API token (JWT, {@code type} "api") whose {@code roles} claim holds {@value #ROLE}. Anyone else is refused
 * before any data is read: 401 without a valid credential, 403 with a valid token that lacks the role.
 */
public final class AdminAccess {
  public static final String ROLE = "admin";
  /** The actor recorded in the audit log for callers of the admin credential (it names no person). */
  static final String CREDENTIAL_ACTOR = "admin-token";

  /** A refusal with its HTTP status. */
  public static final class Refused extends RuntimeException {
    final int status;

    Refused(int status, String message) {
      super(message, null, false, false);
      this.status = status;
    }
  }

  private final String adminToken;
  private final TokenService tokens;

  /** @param adminToken the configured admin credential, or null when none is set */
  public AdminAccess(String adminToken, TokenService tokens) {
    this.adminToken = adminToken;
    this.tokens = tokens;
  }

  /**
   * The caller's name for the audit log ({@code admin-token} or {@code jwt:<subject>}), or a {@link Refused}.
   *
   * @param authorization the request's {@code Authorization} header, or null
   */
  public Future<String> actor(String authorization) {
    String bearer = BearerToken.from(authorization);
    if (bearer == null) {
      return Future.failedFuture(new Refused(401, "admin requests need Authorization: Bearer <ADMIN_TOKEN or an "
          + "API token with the admin role>"));
    }
    if (adminToken != null && BearerToken.matches(authorization, adminToken)) {
      return Future.succeededFuture(CREDENTIAL_ACTOR);
    }
    return tokens.verify(bearer, TokenService.API)
        .recover(failure -> Future.failedFuture(new Refused(401, failure instanceof AuthException
            ? failure.getMessage() : "the token is not valid")))
        .compose(principal -> principal.roles().contains(ROLE)
            ? Future.succeededFuture("jwt:" + principal.subject())
            : Future.failedFuture(new Refused(403, "the token lacks the '" + ROLE + "' role")));
  }
}
