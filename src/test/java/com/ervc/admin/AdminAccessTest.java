package com.ervc.admin;

import com.ervc.config.ConfigLoader;
import com.ervc.security.TokenService;
import com.ervc.testing.Jwt;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class AdminAccessTest {
  private static final String SECRET = "admin-access-test-secret-0123456789";
  private static final String CREDENTIAL = "the-admin-credential-0123";
  private static Vertx vertx;
  private static TokenService tokens;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    tokens = TokenService.create(vertx, ConfigLoader.load(null, Map.of("AUTH_MODE", "jwt", "JWT_SECRET", SECRET)).auth());
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private static String token(String type, String... roles) {
    return "Bearer " + Jwt.sign("HS256", Jwt.claims("alice", type, 60).put("roles", new JsonArray(java.util.List.of(roles))),
        SECRET);
  }

  private static int refusal(Future<String> actor) {
    AdminAccess.Refused refused = assertThrows(AdminAccess.Refused.class,
        () -> actor.await(10, TimeUnit.SECONDS));
    return refused.status;
  }

  @Test
  void theCredentialAndAdminRoleTokensAreAdmitted() throws Exception {
    AdminAccess access = new AdminAccess(CREDENTIAL, tokens);
    assertEquals("admin-token", access.actor("Bearer " + CREDENTIAL).await(10, TimeUnit.SECONDS));
    assertEquals("jwt:alice", access.actor(token("api", "reader", "admin")).await(10, TimeUnit.SECONDS));
    assertEquals("jwt:alice", new AdminAccess(null, tokens).actor(token("api", "admin"))
        .await(10, TimeUnit.SECONDS), "admin-role tokens work without a configured credential");
  }

  @Test
  void everyoneElseIsRefused() {
    AdminAccess access = new AdminAccess(CREDENTIAL, tokens);
    assertEquals(401, refusal(access.actor(null)));
    assertEquals(401, refusal(access.actor("Basic " + CREDENTIAL)));
    assertEquals(401, refusal(access.actor("Bearer " + CREDENTIAL + "x")));
    assertEquals(401, refusal(access.actor(token("websocket", "admin"))), "only API tokens");
    assertEquals(401, refusal(access.actor(token("api", "admin").replace("Bearer ey", "Bearer eY"))));
    assertEquals(403, refusal(access.actor(token("api", "user"))));
    assertEquals(403, refusal(access.actor(token("api"))));
    assertEquals(401, refusal(new AdminAccess(null, tokens).actor("Bearer " + CREDENTIAL)),
        "without a configured credential a static token is only a malformed JWT");
  }
}
