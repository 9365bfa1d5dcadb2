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
      .describe("Enables the admin API of the node (`POST`/`GET /admin/v1/drain`, see "
          + "[http-api.md](http-api.md#admin-drain-a-node)), on the gateway port and on the monitoring server. "
          + "Requests must carry `Authorization: Bearer <token>` (constant-time comparison), else **401**; while "
          + "unset, every `/admin/` request gets **403**. A secret: never in a file in the repository.");

  static final List<Setting> SETTINGS = List.of(TOKEN);

  static AdminConfig from(JsonObject config) {
    return new AdminConfig(TOKEN.readString(config));
  }
}
