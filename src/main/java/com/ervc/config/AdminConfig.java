package com.ervc.config;

import io.vertx.core.json.JsonObject;

import java.util.List;

import static com.ervc.config.Setting.string;

/** The {@code admin.*} keys: the node's admin API. */
public record AdminConfig(String token) {
  static final Setting TOKEN = string("admin.token", "ADMIN_TOKEN", null)
      .orNull()
      .asCredential()
      .matching(Settings.TOKEN, Settings.TOKEN_HINT)
      .documented("`null`, or at least 16 printable ASCII characters without spaces (`[!-~]{16,}`)")
      .describe("The admin credential of the admin API (`/admin/v1/…`, see [admin-console.md](admin-console.md)), "
          + "on the gateway port and on the monitoring server: `Authorization: Bearer <token>` (constant-time "
          + "comparison). API tokens (JWT) whose `roles` claim holds `admin` are admitted too; any other caller gets "
          + "**401** (no or a refused credential) or **403** (a valid token without the role). While unset, only "
          + "admin-role tokens are admitted. A secret: never in a file in the repository.");

  static final List<Setting> SETTINGS = List.of(TOKEN);

  static AdminConfig from(JsonObject config) {
    return new AdminConfig(TOKEN.readString(config));
  }
}
