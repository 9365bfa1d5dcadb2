package com.ervc.eval;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The HTTP side of a running service, as docs/http-api.md describes it: tokens (given by the operator, or from
 * {@code POST /api/v1/auth/dev-token} on a dev-mode node), the providers and their voices.
 */
final class ServiceClient {
  /** One voice of {@code GET /api/v1/voices}; {@code isDefault}: its provider's default voice. */
  record Voice(String provider, String id, String language, boolean isDefault) {
  }

  /** What the cluster offers: voices, the emotions each provider supports, the providers that support pitch. */
  record Offer(List<Voice> voices, Map<String, List<String>> emotions, Set<String> pitchProviders) {
  }

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final URI base;
  private final String wsToken;
  private final String apiToken;

  /** @param base e.g. http://127.0.0.1:8000; null tokens are fetched from the dev-token endpoint */
  ServiceClient(URI base, String wsToken, String apiToken) {
    this.base = base;
    this.wsToken = wsToken;
    this.apiToken = apiToken;
  }

  HttpClient http() {
    return http;
  }

  /** The WebSocket URI with a token: the operator's, or a fresh dev token (they expire, so one per connection). */
  URI webSocketUri() throws IOException, InterruptedException {
    String token = wsToken != null ? wsToken : devTokens().getString("token");
    String scheme = base.getScheme().equals("https") ? "wss" : "ws";
    return URI.create(scheme + "://" + base.getAuthority() + "/ws?token="
        + URLEncoder.encode(token, StandardCharsets.UTF_8));
  }

  /** From {@code GET /api/v1/providers} (default voices, emotions) and {@code GET /api/v1/voices} (languages). */
  Offer offer() throws IOException, InterruptedException {
    String token = apiToken != null ? apiToken : devTokens().getString("apiToken");
    Map<String, String> defaults = new HashMap<>();
    Map<String, List<String>> emotions = new HashMap<>();
    Set<String> pitch = new HashSet<>();
    for (Object o : get("/api/v1/providers", token).getJsonArray("providers")) {
      JsonObject p = (JsonObject) o;
      if (p.getString("defaultVoice") != null) {
        defaults.put(p.getString("name"), p.getString("defaultVoice"));
      }
      emotions.put(p.getString("name"), p.getJsonArray("emotions", new JsonArray()).stream()
          .map(String::valueOf).toList());
      if (p.getBoolean("pitch", false)) {
        pitch.add(p.getString("name"));
      }
    }
    List<Voice> voices = get("/api/v1/voices", token).getJsonArray("voices").stream().map(JsonObject.class::cast)
        .map(v -> new Voice(v.getString("provider"), v.getString("id"), v.getString("language", ""),
            v.getString("id").equals(defaults.get(v.getString("provider"))))).toList();
    return new Offer(voices, emotions, pitch);
  }

  private JsonObject get(String path, String token) throws IOException, InterruptedException {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(base.resolve(path))
        .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(30)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    return json(response, "GET " + path);
  }

  private JsonObject devTokens() throws IOException, InterruptedException {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(base.resolve("/api/v1/auth/dev-token"))
        .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() == 404) {
      throw new IOException("the service is not in dev mode (no dev tokens): pass --token and --api-token");
    }
    return json(response, "POST /api/v1/auth/dev-token");
  }

  private static JsonObject json(HttpResponse<String> response, String what) throws IOException {
    if (response.statusCode() != 200) {
      throw new IOException(what + " answered " + response.statusCode() + ": " + response.body());
    }
    return new JsonObject(response.body());
  }
}
