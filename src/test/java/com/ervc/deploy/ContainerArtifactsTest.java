package com.ervc.deploy;

import com.ervc.testing.Await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vertx.core.Vertx;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Offline validation of the container and edge artefacts: deploy/Dockerfile, deploy/Dockerfile.gpu,
 * deploy/docker-compose.yml (+ deploy/.env.example), deploy/nginx/nginx.conf and every YAML file under deploy/.
 * Nothing is built and no container runs (there is no Docker engine): docker-compose validates and resolves the
 * compose file, nginx checks its configuration and also runs it in front of a stub gateway, dockerfile-utils lints
 * the Dockerfiles, yamllint the YAML. The tools are required: without them these tests fail (scripts/test.sh
 * installs them, see ensure_deploy_validators in scripts/common.sh).
 */
class ContainerArtifactsTest {
  private static final Path ROOT = Path.of("").toAbsolutePath();
  private static final Path DEPLOY = ROOT.resolve("deploy");
  private static final Path COMPOSE = DEPLOY.resolve("docker-compose.yml");
  private static final Path ENV_EXAMPLE = DEPLOY.resolve(".env.example");
  private static final Path NGINX_CONF = DEPLOY.resolve("nginx/nginx.conf");
  private static final Path NODE_MODULES = DEPLOY.resolve("validate/node_modules");
  private static final Path COMMON_SH = ROOT.resolve("scripts/common.sh");

  /** Services that are not built from this repository. */
  private static final Set<String> THIRD_PARTY = Set.of("redis", "nginx", "prometheus", "grafana", "postgres");
  /** JVM service -> the Dockerfile it must be built from. */
  private static final Map<String, String> JVM_SERVICES = Map.of(
      "gateway", "deploy/Dockerfile", "worker", "deploy/Dockerfile", "worker-gpu", "deploy/Dockerfile.gpu");
  private static final Map<String, String> ROLES = Map.of(
      "gateway", "gateway", "worker", "pipeline,cache,providers", "worker-gpu", "providers,gpu");
  private static final String INSTALL_HINT =
      "scripts/test.sh installs it (ensure_deploy_validators in scripts/common.sh)";
  private static final Pattern COMPOSE_VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)");

  @TempDir
  Path tmp;

  // ------------------------------------------------------------------------------------------------------------
  // (a) docker-compose
  // ------------------------------------------------------------------------------------------------------------

  @Test
  void composeFileIsValidWithAndWithoutTheGpuProfile() throws Exception {
    Path env = envFileFromExample(Map.of());
    Result plain = compose(env, "config", "-q");
    assertTrue(plain.ok(), "docker-compose config -q: " + plain);
    Result gpu = compose(env, "--profile", "gpu", "config", "-q");
    assertTrue(gpu.ok(), "docker-compose --profile gpu config -q: " + gpu);
    Result postgres = compose(env, "--profile", "postgres", "config", "-q");
    assertTrue(postgres.ok(), "docker-compose --profile postgres config -q: " + postgres);
  }

  @ParameterizedTest
  @ValueSource(strings = {"JWT_SECRET", "GRAFANA_ADMIN_PASSWORD"})
  void composeRefusesToStartWithoutARequiredSecret(String variable) throws Exception {
    Path env = envFileFromExample(Map.of(variable, ""));
    Result result = compose(env, "config", "-q");
    assertFalse(result.ok(), "an empty " + variable + " must stop docker-compose: " + result);
    assertTrue(result.output().contains(variable), result.output());
  }

  @Test
  void envExampleDocumentsExactlyTheVariablesTheComposeFileReads() throws Exception {
    Set<String> read = new TreeSet<>();
    Matcher m = COMPOSE_VARIABLE.matcher(Files.readString(COMPOSE));
    while (m.find()) {
      read.add(m.group(1));
    }
    Set<String> documented = new TreeSet<>(envExample().keySet());
    assertEquals(read, documented, "variables of docker-compose.yml vs keys of .env.example");
    // Every key has an explanation right above it (a comment line, possibly shared with the keys below it).
    List<String> lines = Files.readAllLines(ENV_EXAMPLE);
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).matches("[A-Z_][A-Z0-9_]*=.*")) {
        int j = i - 1;
        while (j >= 0 && lines.get(j).matches("[A-Z_][A-Z0-9_]*=.*")) {
          j--;
        }
        assertTrue(j >= 0 && lines.get(j).startsWith("#"), ".env.example: no comment above " + lines.get(i));
      }
    }
    for (String secret : List.of("JWT_SECRET", "GRAFANA_ADMIN_PASSWORD", "METRICS_TOKEN", "ELEVENLABS_API_KEY",
        "AZURE_SPEECH_KEY", "OPENAI_API_KEY")) {
      assertEquals("", envExample().get(secret), ".env.example must not ship a value for " + secret);
    }
  }

  @Test
  void composeServicesAreWiredAsDocumented() throws Exception {
    Path env = envFileFromExample(Map.of("GRAFANA_ADMIN_PASSWORD", "dummy-grafana-password",
        "JWT_SECRET", "dummy-jwt-secret-of-at-least-32-bytes"));
    Result config = compose(env, "--profile", "gpu", "--profile", "postgres", "config");
    assertTrue(config.ok(), config.toString());
    JsonObject resolved = yamlToJson(config.stdout());
    JsonObject services = resolved.getJsonObject("services");
    assertEquals(new TreeSet<>(List.of("gateway", "worker", "worker-gpu", "redis", "nginx", "prometheus", "grafana",
        "postgres")), new TreeSet<>(services.fieldNames()));

    // Every service except the third-party ones is built from this repository's Dockerfiles, context = root.
    for (String name : services.fieldNames()) {
      JsonObject service = services.getJsonObject(name);
      JsonObject build = service.getJsonObject("build");
      if (THIRD_PARTY.contains(name)) {
        assertNull(build, name + " must use a published image");
        assertNotNull(service.getString("image"), name);
        continue;
      }
      assertNotNull(build, name + " must be built from the project Dockerfile");
      assertEquals(ROOT.toRealPath().toString(), Path.of(build.getString("context")).toRealPath().toString(),
          name + ": build context must be the repository root");
      assertEquals(JVM_SERVICES.get(name), build.getString("dockerfile"), name);
      assertTrue(Files.isRegularFile(ROOT.resolve(build.getString("dockerfile"))), name);
    }
    assertEquals(JVM_SERVICES.keySet(), services.fieldNames().stream().filter(n -> !THIRD_PARTY.contains(n))
        .collect(Collectors.toSet()));

    // The JVM nodes: one Hazelcast cluster over the service names, event bus bound to 0.0.0.0 and advertised
    // under the service name, shared Redis, health checks on /live or /ready, time to drain on SIGTERM.
    String prometheusYml = Files.readString(DEPLOY.resolve("monitoring/prometheus.yml"));
    for (String name : JVM_SERVICES.keySet()) {
      JsonObject service = services.getJsonObject(name);
      JsonObject environment = service.getJsonObject("environment");
      assertEquals(ROLES.get(name), environment.getString("NODE_ROLES"), name + " NODE_ROLES");
      assertEquals("0.0.0.0", environment.getString("HTTP_HOST"), name);
      assertEquals("0.0.0.0", environment.getString("CLUSTER_HOST"), name + ": event bus binds every interface");
      assertEquals(name, environment.getString("CLUSTER_PUBLIC_HOST"), name + ": event bus advertised as the service");
      assertEquals("5702", environment.getString("CLUSTER_PORT"), name);
      assertEquals("redis://redis:6379/0", environment.getString("REDIS_URL"), name);
      // Every node validates the auth settings at start: JWT mode on 0.0.0.0 needs the (shared) secret.
      assertEquals("dummy-jwt-secret-of-at-least-32-bytes", environment.getString("JWT_SECRET"), name);
      assertNull(environment.getValue("ALLOWED_HOSTS"), name + ": an allowlist would refuse probes and scrapes");
      String clusterConfig = environment.getString("CLUSTER_CONFIG");
      assertEquals("cluster-config/cluster.xml", clusterConfig, name);
      assertTrue(Files.isRegularFile(ROOT.resolve(clusterConfig)), clusterConfig);
      // Hazelcast members: every JVM service, each with the Hazelcast port. Without a port Hazelcast also probes
      // 5702 and 5703 (auto-increment in cluster.xml), and 5702 is the event bus.
      List<String> members = List.of(environment.getString("CLUSTER_MEMBERS").split(","));
      assertEquals(JVM_SERVICES.keySet(), members.stream().map(member -> member.trim().split(":")[0])
          .collect(Collectors.toSet()), name + " CLUSTER_MEMBERS must cover the JVM services");
      members.forEach(member -> assertTrue(member.trim().endsWith(":5701"), "member without port 5701: " + member));
      String probe = String.join(" ", strings(service.getJsonObject("healthcheck").getJsonArray("test")));
      assertTrue(probe.matches(".*http://127\\.0\\.0\\.1:8000/(live|ready).*"), name + " healthcheck: " + probe);
      assertNotNull(service.getString("stop_grace_period"), name + " needs time to drain");
      assertNull(service.getValue("ports"), name + ": only nginx is published");
      assertTrue(prometheusYml.contains("\"" + name + ":8000\""), "prometheus.yml does not scrape " + name);
    }
    assertTrue(services.getJsonObject("gateway").getJsonObject("depends_on").getJsonObject("worker")
        .getString("condition").equals("service_healthy"));

    // The gateway trusts exactly nginx, whose address is fixed inside the network's subnet and outside the
    // range Docker hands out to the other containers.
    String nginxAddress = services.getJsonObject("nginx").getJsonObject("networks").getJsonObject("default")
        .getString("ipv4_address");
    assertNotNull(nginxAddress, "nginx needs a fixed address");
    assertEquals(nginxAddress,
        services.getJsonObject("gateway").getJsonObject("environment").getString("TRUSTED_PROXIES"));
    JsonObject ipam = resolved.getJsonObject("networks").getJsonObject("default").getJsonObject("ipam")
        .getJsonArray("config").getJsonObject(0);
    assertTrue(inCidr(nginxAddress, ipam.getString("subnet")), nginxAddress + " outside " + ipam.encode());
    assertFalse(inCidr(nginxAddress, ipam.getString("ip_range")), nginxAddress + " inside the dynamic range");
    for (String name : services.fieldNames()) {
      JsonObject networks = services.getJsonObject(name).getJsonObject("networks");
      assertTrue(networks == null || networks.fieldNames().equals(Set.of("default")), name + ": one network only");
    }

    // worker-gpu: only with the gpu profile, with an NVIDIA device reservation; postgres only with its own
    // profile; no other service has a profile.
    for (String name : services.fieldNames()) {
      JsonArray profiles = services.getJsonObject(name).getJsonArray("profiles");
      if (name.equals("worker-gpu")) {
        assertEquals(new JsonArray().add("gpu"), profiles);
      } else if (name.equals("postgres")) {
        assertEquals(new JsonArray().add("postgres"), profiles);
      } else {
        assertNull(profiles, name + " must run without a profile");
      }
    }
    JsonObject gpu = services.getJsonObject("worker-gpu");
    JsonObject device = gpu.getJsonObject("deploy").getJsonObject("resources").getJsonObject("reservations")
        .getJsonArray("devices").getJsonObject(0);
    assertEquals("nvidia", device.getString("driver"));
    assertTrue(strings(device.getJsonArray("capabilities")).contains("gpu"), device.encode());
    assertEquals("true", gpu.getJsonObject("environment").getString("GPU_ACCELERATION"));

    // Redis: persistent, bounded, LRU eviction, health-checked, a volume for /data.
    JsonObject redis = services.getJsonObject("redis");
    assertTrue(redis.getString("image").startsWith("redis:7"), redis.getString("image"));
    String redisCommand = String.join(" ", strings(redis.getJsonArray("command")));
    for (String option : List.of("--appendonly yes", "--maxmemory 512mb", "--maxmemory-policy allkeys-lru")) {
      assertTrue(redisCommand.contains(option), "redis command lacks " + option + ": " + redisCommand);
    }
    String redisProbe = String.join(" ", strings(redis.getJsonObject("healthcheck").getJsonArray("test")));
    assertTrue(redisProbe.contains("redis-cli ping"), redisProbe);
    assertTrue(strings(redis.getJsonArray("volumes")).stream().anyMatch(v -> v.startsWith("redis-data:/data")));
    for (String worker : List.of("worker", "worker-gpu")) {
      assertEquals("service_healthy", services.getJsonObject(worker).getJsonObject("depends_on")
          .getJsonObject("redis").getString("condition"), worker);
    }

    // PostgreSQL for voice profiles: a pinned major version, health-checked, a volume for its data, not published;
    // the gateway is pointed at it through DATABASE_URL and has cloning switchable.
    JsonObject postgres = services.getJsonObject("postgres");
    assertTrue(postgres.getString("image").startsWith("postgres:15"), postgres.getString("image"));
    assertNull(postgres.getJsonArray("ports"), "postgres must not be published");
    assertTrue(strings(postgres.getJsonArray("volumes")).stream()
        .anyMatch(v -> v.startsWith("postgres-data:/var/lib/postgresql/data")));
    assertTrue(String.join(" ", strings(postgres.getJsonObject("healthcheck").getJsonArray("test")))
        .contains("pg_isready"));
    JsonObject gatewayEnvironment = services.getJsonObject("gateway").getJsonObject("environment");
    assertTrue(gatewayEnvironment.containsKey("DATABASE_URL") && gatewayEnvironment.containsKey("ENABLE_CLONING"));

    // nginx: the only published service (80, 443), with this repository's configuration and the certificates.
    JsonObject nginx = services.getJsonObject("nginx");
    Set<Integer> targets = new TreeSet<>();
    for (Object port : nginx.getJsonArray("ports")) {
      targets.add(port instanceof JsonObject p ? p.getInteger("target")
          : Integer.parseInt(String.valueOf(port).replaceAll("/.*", "").replaceAll(".*:", "")));
    }
    assertEquals(Set.of(80, 443), targets);
    assertMount(nginx, NGINX_CONF, "/etc/nginx/nginx.conf");
    assertMount(nginx, DEPLOY.resolve("nginx/certs"), "/etc/nginx/certs");
    assertEquals("service_healthy", nginx.getJsonObject("depends_on").getJsonObject("gateway").getString("condition"));

    // Prometheus and Grafana with the files of deploy/monitoring (rules next to the configuration).
    JsonObject prometheus = services.getJsonObject("prometheus");
    assertMount(prometheus, DEPLOY.resolve("monitoring/prometheus.yml"), "/etc/prometheus/prometheus.yml");
    assertMount(prometheus, DEPLOY.resolve("monitoring/voice_chat_rules.yml"), "/etc/prometheus/voice_chat_rules.yml");
    assertTrue(strings(prometheus.getJsonArray("command")).contains("--config.file=/etc/prometheus/prometheus.yml"));
    JsonObject grafana = services.getJsonObject("grafana");
    assertMount(grafana, DEPLOY.resolve("monitoring/grafana/provisioning"), "/etc/grafana/provisioning");
    assertMount(grafana, DEPLOY.resolve("monitoring/grafana/dashboards"), "/var/lib/grafana/dashboards");
    assertEquals("dummy-grafana-password",
        grafana.getJsonObject("environment").getString("GF_SECURITY_ADMIN_PASSWORD"));
  }

  // ------------------------------------------------------------------------------------------------------------
  // (b) nginx
  // ------------------------------------------------------------------------------------------------------------

  @Test
  void nginxConfigurationPassesNginxTest() throws Exception {
    Path conf = renderNginx(80, 443, "127.0.0.1", 8000);
    Result result = run(List.of(tool("nginx"), "-t", "-p", tmp.toString(), "-c", conf.toString(),
        "-g", "pid " + tmp.resolve("nginx.pid") + "; error_log stderr;"), null);
    assertTrue(result.ok(), "nginx -t: " + result);
    assertTrue(result.output().contains("test is successful"), result.output());
  }

  @Test
  void nginxConfigurationHasTheEdgeRules() throws Exception {
    String conf = withoutComments(Files.readString(NGINX_CONF));
    assertTrue(conf.matches("(?s).*ssl_protocols\\s+TLSv1\\.2\\s+TLSv1\\.3\\s*;.*"), "TLS 1.2 and 1.3 only");
    assertFalse(conf.matches("(?s).*\\b(SSLv3|TLSv1|TLSv1\\.1)\\s.*"), "no legacy protocol");
    assertTrue(conf.contains("ssl_certificate /etc/nginx/certs/tls.crt;"));
    assertTrue(conf.contains("ssl_certificate_key /etc/nginx/certs/tls.key;"));
    assertTrue(conf.contains("listen 443 ssl http2"));
    assertTrue(block(conf, "server {").contains("return 301 https://$host$request_uri;"), "HTTP -> HTTPS redirect");
    String upstream = block(conf, "upstream ervc_gateway {");
    assertTrue(upstream.contains("server gateway:8000;") && upstream.matches("(?s).*keepalive\\s+\\d+;.*"), upstream);
    assertTrue(conf.matches("(?s).*map \\$http_upgrade \\$connection_upgrade \\{.*"), "Connection upgrade map");
    assertTrue(conf.contains("proxy_http_version 1.1;"));

    // WebSocket: upgrade headers, long timeouts, no buffering, a connection limit, and the forwarding headers
    // (a location with its own proxy_set_header inherits none of the http{} ones).
    String ws = block(conf, "location = /ws {");
    for (String line : List.of("proxy_set_header Upgrade $http_upgrade;",
        "proxy_set_header Connection $connection_upgrade;",
        "proxy_read_timeout 3600s;", "proxy_send_timeout 3600s;", "proxy_buffering off;", "limit_conn ",
        "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;", "proxy_set_header X-Forwarded-Proto $scheme;",
        "proxy_set_header Host $http_host;", "proxy_pass http://ervc_gateway;")) {
      assertTrue(ws.contains(line), "location /ws lacks " + line + ":\n" + ws);
    }
    String api = block(conf, "location ^~ /api/ {");
    assertTrue(api.contains("limit_req zone=ervc_api"), api);
    assertTrue(conf.contains("limit_req_status 429;"));
    assertTrue(conf.contains("client_max_body_size 10m;"));
    assertTrue(conf.contains("proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;"));
    assertTrue(conf.contains("proxy_set_header X-Forwarded-Proto $scheme;"));
    // The client's Host with its port: the gateway compares the WebSocket Origin (https://name:port) with it.
    assertFalse(conf.contains("proxy_set_header Host $host;"), "use $http_host (keeps the port)");
    assertTrue(conf.contains("proxy_set_header Host $http_host;"));
    for (String endpoint : List.of("/metrics", "/health", "/ready")) {
      String location = block(conf, "location = " + endpoint + " {");
      assertTrue(location.contains("deny all;"), endpoint + " must not be public");
      assertFalse(location.matches("(?s).*allow\\s+(10\\.|172\\.|192\\.168\\.|0\\.0\\.0\\.0|all).*"), location);
    }
    assertTrue(conf.contains("add_header Strict-Transport-Security \"max-age="));
    assertTrue(conf.contains("add_header X-Content-Type-Options \"nosniff\" always;"));
    assertTrue(conf.contains("add_header X-Frame-Options \"DENY\" always;"));
    assertTrue(conf.contains("add_header Referrer-Policy "));
    assertFalse(conf.contains("Content-Security-Policy"), "the gateway owns the CSP; nginx must not add or hide it");
  }

  /**
   * Runs nginx with the configuration (ports, certificate and upstream replaced) in front of a stub gateway that
   * sets the gateway's security headers and echoes what it received: checks what the text cannot show.
   */
  @Test
  void nginxProxiesLikeTheConfigurationSays() throws Exception {
    Vertx vertx = Vertx.vertx();
    Process nginx = null;
    try {
      HttpServer stub = vertx.createHttpServer()
          .webSocketHandler(ws -> ws.writeTextMessage(new JsonObject().put("uri", ws.uri())
              .put("headers", headersOf(ws.headers())).encode()))
          .requestHandler(ContainerArtifactsTest::stubGateway)
          .listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
      int[] ports = freePorts(2);
      int http = ports[0];
      int https = ports[1];
      Path conf = renderNginx(http, https, "127.0.0.1", stub.actualPort());
      Path log = tmp.resolve("nginx.out");
      nginx = new ProcessBuilder(tool("nginx"), "-p", tmp.toString(), "-c", conf.toString(),
          "-g", "pid " + tmp.resolve("nginx.pid") + "; error_log stderr; daemon off;")
          .redirectErrorStream(true).redirectOutput(log.toFile()).start();
      awaitPort(https, nginx, log);

      // One connection per request ("Connection: close"), from a chosen local address: nothing pooled.
      Client plain = new Client(false, "127.0.0.1");
      Client tls = new Client(true, "127.0.0.1");

      // Port 80 only redirects.
      Reply redirect = get(plain, http, "/api/v1/voices");
      assertEquals(301, redirect.status());
      assertEquals("https://127.0.0.1/api/v1/voices", redirect.headers().getString("location"));

      // The page: forwarded headers reach the gateway, each security header exactly once, the gateway's CSP kept.
      Reply page = get(tls, https, "/");
      assertEquals(200, page.status(), page.toString());
      JsonObject seen = new JsonObject(page.body()).getJsonObject("headers");
      assertEquals("127.0.0.1:" + https, seen.getString("host"), "the client's Host, port included");
      assertEquals("https", seen.getString("x-forwarded-proto"));
      assertEquals("127.0.0.1", seen.getString("x-forwarded-for"));
      assertEquals("127.0.0.1", seen.getString("x-real-ip"));
      assertSecurityHeaders(page);
      assertEquals(List.of(STUB_CSP), page.all("content-security-policy"));
      assertNull(page.headers().getValue("cache-control"), "the page itself is not cached");

      // Static scripts: cacheable for an hour, security headers still there (expires, not add_header).
      Reply script = get(tls, https, "/app.js");
      assertEquals(200, script.status());
      assertEquals("max-age=3600", script.headers().getString("cache-control"));
      assertSecurityHeaders(script);

      // /metrics, /health and /ready: only from loopback. The allow list has 127.0.0.1 and ::1; a client on
      // 127.0.0.2 (also local, routed over lo) stands in for any other address.
      Client other = new Client(true, "127.0.0.2");
      for (String endpoint : List.of("/metrics", "/health", "/ready")) {
        assertEquals(200, get(tls, https, endpoint).status(), endpoint + " from 127.0.0.1");
        Reply denied = get(other, https, endpoint);
        assertEquals(403, denied.status(), endpoint + " from 127.0.0.2");
        assertSecurityHeaders(denied);
      }
      assertEquals(200, get(other, https, "/live").status(), "/live stays public");
      assertEquals(200, get(other, https, "/").status());

      // /api/: past the burst, 429 (with the security headers, on nginx's own page).
      List<Integer> statuses = new ArrayList<>();
      Reply limited = null;
      // 10 r/s, burst 20, nodelay: 21 quick requests pass, then 429 (up to 200 tries for a slow machine).
      for (int i = 0; i < 200 && limited == null; i++) {
        Reply reply = get(tls, https, "/api/v1/voices");
        statuses.add(reply.status());
        limited = reply.status() == 429 ? reply : null;
      }
      assertEquals(200, statuses.get(0), statuses.toString());
      assertNotNull(limited, "no 429 after 200 quick requests: " + statuses);
      assertTrue(statuses.size() > 20, "the burst of 20 must pass: " + statuses);
      assertTrue(statuses.stream().allMatch(s -> s == 200 || s == 429), statuses.toString());
      assertSecurityHeaders(limited);

      // WebSocket over TLS: the upgrade goes through with the forwarding headers and the query string.
      WebSocketClientOptions wsOptions = new WebSocketClientOptions();
      wsOptions.setSsl(true).setTrustAll(true);
      wsOptions.setVerifyHost(false);
      WebSocketClient wsClient = vertx.createWebSocketClient(wsOptions);
      ClientWebSocket socket = wsClient.webSocket();
      CompletableFuture<String> first = new CompletableFuture<>();
      socket.textMessageHandler(first::complete);
      socket.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(https).setSsl(true)
          .setURI("/ws?token=abc")).await(10, TimeUnit.SECONDS);
      JsonObject handshake = new JsonObject(first.get(10, TimeUnit.SECONDS));
      assertEquals("/ws?token=abc", handshake.getString("uri"));
      JsonObject wsHeaders = handshake.getJsonObject("headers");
      assertEquals("https", wsHeaders.getString("x-forwarded-proto"), wsHeaders.encode());
      assertEquals("127.0.0.1", wsHeaders.getString("x-forwarded-for"), wsHeaders.encode());
      assertEquals("websocket", wsHeaders.getString("upgrade").toLowerCase(), wsHeaders.encode());
      // What the gateway's Origin check needs: the browser's origin matches the forwarded Host.
      assertEquals(java.net.URI.create(wsHeaders.getString("origin")).getAuthority(), wsHeaders.getString("host"),
          wsHeaders.encode());
      socket.close().await(10, TimeUnit.SECONDS);
    } catch (Throwable failure) {
      if (nginx == null) {
        throw failure;
      }
      // What nginx saw: its error log and the access log (status and timing of every request).
      Path errors = tmp.resolve("nginx.out");
      Path access = tmp.resolve("logs/access.log");
      throw new AssertionError(failure.getMessage()
          + "\n--- nginx error log\n" + (Files.exists(errors) ? Files.readString(errors) : "")
          + "\n--- nginx access log\n" + (Files.exists(access) ? Files.readString(access) : ""), failure);
    } finally {
      if (nginx != null) {
        nginx.destroy(); // SIGTERM: nginx's master stops its workers and exits
        if (!nginx.waitFor(10, TimeUnit.SECONDS)) {
          nginx.destroyForcibly();
        }
      }
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  private static final String STUB_CSP = "default-src 'self'";
  /** The gateway's HSTS header (GatewayGuard) behind a trusted proxy. */
  private static final String STUB_HSTS = "max-age=31536000; includeSubDomains";

  /** What the gateway does for these tests: its security headers, and an echo of the request headers. */
  private static void stubGateway(HttpServerRequest request) {
    request.response().putHeader("Content-Security-Policy", STUB_CSP)
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("X-Frame-Options", "DENY")
        .putHeader("Referrer-Policy", "no-referrer")
        .putHeader("Strict-Transport-Security", STUB_HSTS)
        .putHeader("Content-Type", request.path().endsWith(".js") ? "text/javascript" : "application/json")
        .end(new JsonObject().put("uri", request.uri()).put("headers", headersOf(request.headers())).encode());
  }

  private static JsonObject headersOf(io.vertx.core.MultiMap headers) {
    JsonObject json = new JsonObject();
    headers.forEach(e -> json.put(e.getKey().toLowerCase(), e.getValue()));
    return json;
  }

  private static void assertSecurityHeaders(Reply reply) {
    assertEquals(List.of("nosniff"), reply.all("x-content-type-options"), reply.toString());
    assertEquals(List.of("DENY"), reply.all("x-frame-options"), reply.toString());
    assertEquals(List.of("no-referrer"), reply.all("referrer-policy"), reply.toString());
    assertEquals(List.of(STUB_HSTS), reply.all("strict-transport-security"), reply.toString());
  }

  /** One HTTP answer: status, headers (lower-case name -> values) and body. */
  record Reply(int status, JsonObject headers, String body) {
    List<String> all(String name) {
      JsonArray values = headers.getJsonArray("all-" + name);
      return values == null ? List.of() : strings(values);
    }
  }

  /** A minimal HTTP/1.1 client: a new (TLS) connection per request from {@code localAddress}, any certificate. */
  record Client(boolean tls, String localAddress) {
  }

  private static Reply get(Client client, int port, String uri) throws Exception {
    Socket socket;
    if (client.tls()) {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, new TrustManager[] {new X509TrustManager() {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
          return new X509Certificate[0];
        }
      }}, null);
      socket = context.getSocketFactory().createSocket();
    } else {
      socket = new Socket();
    }
    try (socket) {
      socket.setSoTimeout(10_000);
      socket.bind(new InetSocketAddress(client.localAddress(), 0));
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      String request = "GET " + uri + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nConnection: close\r\n\r\n";
      socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      String raw = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
      int split = raw.indexOf("\r\n\r\n");
      assertTrue(split > 0, "no HTTP response for " + uri + ": " + raw);
      String[] lines = raw.substring(0, split).split("\r\n");
      JsonObject headers = new JsonObject();
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        String name = lines[i].substring(0, colon).trim().toLowerCase();
        String value = lines[i].substring(colon + 1).trim();
        headers.put(name, value);
        headers.put("all-" + name, headers.getJsonArray("all-" + name, new JsonArray()).add(value));
      }
      String body = raw.substring(split + 4);
      if ("chunked".equalsIgnoreCase(headers.getString("transfer-encoding"))) {
        StringBuilder joined = new StringBuilder();
        int at = 0;
        while (true) {
          int eol = body.indexOf("\r\n", at);
          int size = Integer.parseInt(body.substring(at, eol).split(";")[0].trim(), 16);
          if (size == 0) {
            break;
          }
          joined.append(body, eol + 2, eol + 2 + size);
          at = eol + 2 + size + 2;
        }
        body = joined.toString();
      }
      return new Reply(Integer.parseInt(lines[0].split(" ")[1]), headers, body);
    }
  }

  /**
   * A copy of nginx.conf that runs here: the listen ports, the certificate paths (a throw-away self-signed
   * certificate), the access log, the {@code user} (root, which exists everywhere; ignored when not root) and the
   * upstream host are replaced. Each replacement must match exactly once, so the production file is otherwise
   * tested as it is.
   */
  private Path renderNginx(int httpPort, int httpsPort, String upstreamHost, int upstreamPort) throws Exception {
    Path certs = Files.createDirectories(tmp.resolve("certs"));
    Result openssl = run(List.of(tool("openssl"), "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
        "-subj", "/CN=localhost", "-keyout", certs.resolve("tls.key").toString(),
        "-out", certs.resolve("tls.crt").toString()), null);
    assertTrue(openssl.ok(), "openssl: " + openssl);
    Files.createDirectories(tmp.resolve("logs"));
    String conf = Files.readString(NGINX_CONF);
    conf = replaceOnce(conf, "user nginx;", "user root;");
    conf = replaceOnce(conf, "listen 80 default_server;", "listen " + httpPort + " default_server;");
    conf = replaceOnce(conf, "listen 443 ssl http2 default_server;",
        "listen " + httpsPort + " ssl http2 default_server;");
    conf = replaceOnce(conf, "ssl_certificate /etc/nginx/certs/tls.crt;",
        "ssl_certificate " + certs.resolve("tls.crt") + ";");
    conf = replaceOnce(conf, "ssl_certificate_key /etc/nginx/certs/tls.key;",
        "ssl_certificate_key " + certs.resolve("tls.key") + ";");
    conf = replaceOnce(conf, "access_log /var/log/nginx/access.log", "access_log " + tmp.resolve("logs/access.log"));
    conf = replaceOnce(conf, "server gateway:8000;", "server " + upstreamHost + ":" + upstreamPort + ";");
    Path out = tmp.resolve("nginx.conf");
    Files.writeString(out, conf);
    return out;
  }

  private static String replaceOnce(String text, String from, String to) {
    int first = text.indexOf(from);
    assertTrue(first >= 0 && text.indexOf(from, first + 1) < 0, "nginx.conf must contain '" + from + "' exactly once");
    return text.replace(from, to);
  }

  // ------------------------------------------------------------------------------------------------------------
  // (c) Dockerfiles
  // ------------------------------------------------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {"Dockerfile", "Dockerfile.gpu"})
  void dockerfileLintFindsNoProblem(String file) throws Exception {
    Path lint = nodeModule(".bin/dockerfile-utils");
    Result result = run(List.of(tool("node"), lint.toString(), "lint", "--json", DEPLOY.resolve(file).toString()),
        null);
    assertEquals("[]", result.stdout().trim(), "dockerfile-utils lint " + file + ": " + result);
    assertTrue(result.ok(), result.toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"Dockerfile", "Dockerfile.gpu"})
  void dockerfileFollowsTheProjectRules(String file) throws Exception {
    boolean gpu = file.endsWith(".gpu");
    List<Instruction> all = instructions(DEPLOY.resolve(file));
    List<List<Instruction>> stages = stages(all);
    assertEquals(2, stages.size(), file + ": a build stage and a runtime stage");
    List<Instruction> build = stages.get(0);
    List<Instruction> runtime = stages.get(1);

    // Build stage: Maven image, dependencies cached before the sources, the jar built without tests.
    assertEquals("maven:3.9-eclipse-temurin-17 AS build", build.get(0).args());
    int offline = indexOf(build, "RUN", "dependency:go-offline");
    int pom = indexOf(build, "COPY", "pom.xml");
    int sources = indexOf(build, "COPY", "src ");
    int pkg = indexOf(build, "RUN", "-DskipTests package");
    assertTrue(pom >= 0 && pom < offline && offline < sources && sources < pkg,
        file + ": COPY pom.xml, go-offline, COPY src, package (in that order)");
    assertTrue(build.get(pkg).args().startsWith("mvn -B -q"), build.get(pkg).args());
    for (String dir : List.of("cluster-config", "webroot")) {
      assertTrue(indexOf(build, "COPY", dir) >= 0, file + ": the build needs " + dir + " (packaged resources)");
    }

    // Runtime stage.
    assertEquals(gpu ? "nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04" : "eclipse-temurin:17-jre-jammy",
        runtime.get(0).args());
    Instruction install = runtime.get(indexOf(runtime, "RUN", "apt-get install"));
    for (String part : List.of("apt-get update", "--no-install-recommends", "espeak-ng", "curl",
        "rm -rf /var/lib/apt/lists/*", "--uid 10001")) {
      assertTrue(install.args().contains(part), file + ": the install RUN lacks " + part);
    }
    if (gpu) {
      assertTrue(install.args().contains("openjdk-17-jre-headless"), file);
    }
    assertEquals("/app", last(runtime, "WORKDIR").args());
    for (String copy : List.of("--from=build /src/target/ervc.jar /app/ervc.jar",
        "--from=build /src/webroot /app/webroot", "--from=build /src/cluster-config /app/cluster-config")) {
      assertTrue(runtime.stream().anyMatch(i -> i.is("COPY") && i.args().equals(copy)), file + ": COPY " + copy);
    }
    String user = last(runtime, "USER").args();
    assertTrue(user.matches("10001(:10001)?"), file + ": USER must be the non-root uid 10001, is " + user);
    assertTrue(indexOf(runtime, "USER", "") < indexOf(runtime, "ENTRYPOINT", ""), file + ": USER before ENTRYPOINT");
    String healthcheck = last(runtime, "HEALTHCHECK").args();
    assertFalse(healthcheck.equalsIgnoreCase("NONE"));
    assertTrue(healthcheck.contains(" CMD ") && healthcheck.contains("/live"), healthcheck);
    String entrypointArgs = last(runtime, "ENTRYPOINT").args();
    assertTrue(entrypointArgs.startsWith("["),
        file + ": ENTRYPOINT must be in exec form (JSON array), is " + entrypointArgs);
    JsonArray entrypoint = new JsonArray(entrypointArgs);
    assertEquals(new JsonArray().add("java").add("-jar").add("/app/ervc.jar"), entrypoint, "exec-form ENTRYPOINT");
    assertTrue(runtime.stream().noneMatch(i -> i.is("CMD")), file + ": arguments come from the environment");
    assertEquals("SIGTERM", last(runtime, "STOPSIGNAL").args());
    assertEquals(Set.of("8000", "5701", "5702"), Set.of(last(runtime, "EXPOSE").args().split("\\s+")));
    Map<String, String> env = env(runtime);
    assertEquals("0.0.0.0", env.get("HTTP_HOST"));
    assertEquals("5702", env.get("CLUSTER_PORT"));
    if (gpu) {
      assertEquals("providers,gpu", env.get("NODE_ROLES"));
      assertEquals("/app/models/tts", env.get("TTS_CACHE_DIR"));
      assertEquals("true", env.get("GPU_ACCELERATION"));
      // The profile must exist in the pom, or the image would silently ship the CPU runtime.
      assertTrue(build.stream().anyMatch(i -> i.is("ARG") && i.args().equals("MAVEN_PROFILES=\"cuda\"")),
          file + ": ARG MAVEN_PROFILES=\"cuda\" by default");
      assertTrue(Files.readString(ROOT.resolve("pom.xml")).contains("<id>cuda</id>"), "pom.xml: the cuda profile");
    }
    String labels = runtime.stream().filter(i -> i.is("LABEL")).map(Instruction::args).collect(Collectors.joining(" "));
    for (String label : List.of("org.opencontainers.image.title", "org.opencontainers.image.description",
        "org.opencontainers.image.version", "org.opencontainers.image.revision")) {
      assertTrue(labels.contains(label + "="), file + ": LABEL " + label);
    }

    // JAVA_TOOL_OPTIONS: exactly the Hazelcast flags of scripts/common.sh (as --flag=value: the JVM refuses the
    // two-word form there), then the container memory flags.
    List<String> options = List.of(env.get("JAVA_TOOL_OPTIONS").trim().split("\\s+"));
    List<String> moduleFlags = options.stream().filter(o -> o.startsWith("--")).toList();
    assertEquals(hazelcastFlags(), moduleFlags, file + ": Hazelcast flags differ from scripts/common.sh");
    assertTrue(options.contains("-XX:MaxRAMPercentage=75"), options.toString());
    assertTrue(options.contains("-XX:+ExitOnOutOfMemoryError"), options.toString());
  }

  /** The JVM reads JAVA_TOOL_OPTIONS itself: the image's value must start a JVM (here, with this JDK). */
  @ParameterizedTest
  @ValueSource(strings = {"Dockerfile", "Dockerfile.gpu"})
  void javaToolOptionsStartAJvm(String file) throws Exception {
    String options = env(stages(instructions(DEPLOY.resolve(file))).get(1)).get("JAVA_TOOL_OPTIONS");
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    ProcessBuilder pb = new ProcessBuilder(java.toString(), "-version").redirectErrorStream(true);
    pb.environment().put("JAVA_TOOL_OPTIONS", options);
    Result result = run(pb, null);
    assertTrue(result.ok(), file + ": java with JAVA_TOOL_OPTIONS=" + options + ": " + result);
    assertTrue(result.output().contains("Picked up JAVA_TOOL_OPTIONS"), result.output());
  }

  @Test
  void dockerignoreSendsOnlyWhatTheBuildCopies() throws Exception {
    List<String> lines = Files.readAllLines(ROOT.resolve(".dockerignore")).stream().map(String::trim)
        .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    assertEquals("*", lines.get(0), ".dockerignore starts by excluding everything");
    Set<String> allowed = lines.stream().filter(l -> l.startsWith("!")).map(l -> l.substring(1).replaceAll("/$", ""))
        .collect(Collectors.toSet());
    for (String file : List.of("Dockerfile", "Dockerfile.gpu")) {
      for (Instruction copy : stages(instructions(DEPLOY.resolve(file))).get(0)) {
        if (copy.is("COPY")) {
          String source = copy.args().split("\\s+")[0];
          assertTrue(allowed.contains(source), file + ": COPY " + source + " is not let through by .dockerignore");
        }
      }
    }
    for (String never : List.of("target", ".git", ".tools", "deploy")) {
      assertFalse(allowed.contains(never), ".dockerignore lets " + never + " into the build context");
    }
  }

  // ------------------------------------------------------------------------------------------------------------
  // (d) yamllint
  // ------------------------------------------------------------------------------------------------------------

  @Test
  void everyYamlFileUnderDeployPassesYamllint() throws Exception {
    List<String> files;
    try (Stream<Path> walk = Files.walk(DEPLOY)) {
      files = walk.filter(p -> !p.toString().contains(File.separator + "node_modules" + File.separator))
          .filter(p -> p.toString().endsWith(".yml") || p.toString().endsWith(".yaml"))
          .map(Path::toString).sorted().toList();
    }
    assertTrue(files.contains(COMPOSE.toString()), files.toString());
    List<String> command = new ArrayList<>(List.of(tool("yamllint"), "--strict", "-f", "parsable",
        "-c", DEPLOY.resolve(".yamllint").toString()));
    command.addAll(files);
    Result result = run(command, null);
    assertTrue(result.ok(), "yamllint: " + result);
  }

  // ------------------------------------------------------------------------------------------------------------
  // Helpers
  // ------------------------------------------------------------------------------------------------------------

  /** Exit code, stdout and stderr of one command. */
  record Result(int exitCode, String stdout, String stderr) {
    boolean ok() {
      return exitCode == 0;
    }

    String output() {
      return stdout + stderr;
    }

    @Override
    public String toString() {
      return "exit " + exitCode + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
    }
  }

  private static Result run(List<String> command, String stdin) throws IOException, InterruptedException {
    return run(new ProcessBuilder(command), stdin);
  }

  private static Result run(ProcessBuilder pb, String stdin) throws IOException, InterruptedException {
    Process process = pb.start();
    try (OutputStream in = process.getOutputStream()) {
      if (stdin != null) {
        in.write(stdin.getBytes(StandardCharsets.UTF_8));
      }
    }
    CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()));
    String out = readAll(process.getInputStream());
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      fail("did not finish in 120 s: " + pb.command());
    }
    return new Result(process.exitValue(), out, err.join());
  }

  private static String readAll(java.io.InputStream in) {
    try {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(unreadable: " + e + ")";
    }
  }

  /** The absolute path of a command on PATH (or in /usr/sbin, /sbin, where Debian puts nginx); fails if absent. */
  static String tool(String name) {
    List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)));
    dirs.addAll(List.of("/usr/local/sbin", "/usr/sbin", "/sbin"));
    for (String dir : dirs) {
      Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
      if (Files.isExecutable(candidate)) {
        return candidate.toString();
      }
    }
    return fail(name + " not found on PATH: " + INSTALL_HINT);
  }

  static Path nodeModule(String relative) {
    Path path = NODE_MODULES.resolve(relative);
    if (!Files.exists(path)) {
      fail(path + " is missing: scripts/test.sh installs the pinned npm validators (npm ci in deploy/validate)");
    }
    return path;
  }

  /** Runs docker-compose on the compose file; variables it reads come only from {@code envFile}. */
  private static Result compose(Path envFile, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(tool("docker-compose"), "-f", COMPOSE.toString(),
        "--env-file", envFile.toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).directory(ROOT.toFile());
    // The caller's shell must not override the env file (docker-compose prefers the environment).
    envExample().keySet().forEach(pb.environment()::remove);
    Matcher m = COMPOSE_VARIABLE.matcher(Files.readString(COMPOSE));
    while (m.find()) {
      pb.environment().remove(m.group(1));
    }
    pb.environment().remove("COMPOSE_PROFILES");
    pb.environment().remove("COMPOSE_FILE");
    return run(pb, null);
  }

  /** KEY -> value of deploy/.env.example, in file order. */
  private static Map<String, String> envExample() throws IOException {
    Map<String, String> values = new LinkedHashMap<>();
    for (String line : Files.readAllLines(ENV_EXAMPLE)) {
      if (line.matches("[A-Z_][A-Z0-9_]*=.*")) {
        int eq = line.indexOf('=');
        assertNull(values.put(line.substring(0, eq), line.substring(eq + 1)), "duplicate key in .env.example: " + line);
      } else {
        assertTrue(line.isBlank() || line.startsWith("#"), ".env.example: not KEY=value or a comment: " + line);
      }
    }
    return values;
  }

  /** .env.example with every empty value filled with a dummy (secrets included), then {@code overrides}. */
  private Path envFileFromExample(Map<String, String> overrides) throws IOException {
    StringBuilder text = new StringBuilder();
    envExample().forEach((key, value) -> {
      String v = overrides.containsKey(key) ? overrides.get(key)
          : value.isEmpty() ? "dummy-" + key.toLowerCase() : value;
      text.append(key).append('=').append(v).append('\n');
    });
    Path file = Files.createTempFile(tmp, "compose", ".env");
    Files.writeString(file, text);
    return file;
  }

  /** YAML -> JSON with js-yaml from deploy/validate (no YAML library on the test classpath). */
  private static JsonObject yamlToJson(String yaml) throws Exception {
    Path jsYaml = nodeModule("js-yaml");
    String script = "const y=require(process.argv[1]);let s='';process.stdin.setEncoding('utf8');"
        + "process.stdin.on('data',d=>s+=d).on('end',()=>process.stdout.write(JSON.stringify(y.load(s))));";
    Result result = run(List.of(tool("node"), "-e", script, jsYaml.toString()), yaml);
    assertTrue(result.ok(), "js-yaml: " + result);
    return new JsonObject(result.stdout());
  }

  private static void assertMount(JsonObject service, Path hostPath, String containerPath) throws IOException {
    assertTrue(Files.exists(hostPath), hostPath + " is mounted but does not exist");
    String expected = hostPath.toRealPath() + ":" + containerPath + ":ro";
    List<String> volumes = strings(service.getJsonArray("volumes"));
    assertTrue(volumes.contains(expected), "expected volume " + expected + " in " + volumes);
  }

  private static List<String> strings(JsonArray array) {
    return array == null ? List.of() : array.stream().map(String::valueOf).toList();
  }

  private static String withoutComments(String conf) {
    return conf.lines().map(l -> l.replaceAll("(^|\\s)#.*$", "")).collect(Collectors.joining("\n"));
  }

  /** The text of the first block starting with {@code opening} (which ends with "{"), up to its closing brace. */
  private static String block(String conf, String opening) {
    int start = conf.indexOf(opening);
    assertTrue(start >= 0, "nginx.conf has no block '" + opening + "'");
    int depth = 0;
    for (int i = start + opening.length() - 1; i < conf.length(); i++) {
      char c = conf.charAt(i);
      if (c == '{') {
        depth++;
      } else if (c == '}' && --depth == 0) {
        return conf.substring(start, i + 1);
      }
    }
    return fail("unbalanced braces after '" + opening + "'");
  }

  /** Whether an IPv4 address lies in a CIDR range. */
  private static boolean inCidr(String ip, String cidr) throws IOException {
    String[] parts = cidr.split("/");
    byte[] address = java.net.InetAddress.getByName(ip).getAddress();
    byte[] network = java.net.InetAddress.getByName(parts[0]).getAddress();
    int prefix = Integer.parseInt(parts[1]);
    for (int bit = 0; bit < prefix; bit++) {
      int mask = 0x80 >>> (bit % 8);
      if ((address[bit / 8] & mask) != (network[bit / 8] & mask)) {
        return false;
      }
    }
    return true;
  }

  /** Distinct free ports (all sockets are open at once, so the system cannot hand out one port twice). */
  private static int[] freePorts(int count) throws IOException {
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      for (int i = 0; i < count; i++) {
        sockets.add(new ServerSocket(0));
      }
      return sockets.stream().mapToInt(ServerSocket::getLocalPort).toArray();
    } finally {
      for (ServerSocket socket : sockets) {
        socket.close();
      }
    }
  }

  private static void awaitPort(int port, Process process, Path log) throws Exception {
    Await.until(() -> "nginx listens on " + port + ": " + Files.readString(log), Duration.ofSeconds(15), () -> {
      if (!process.isAlive()) {
        fail("nginx exited with " + process.exitValue() + ": " + Files.readString(log));
      }
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return true;
      } catch (IOException notYet) {
        return false;
      }
    });
  }

  /** One Dockerfile instruction: keyword (upper case) and its arguments, continuation lines joined. */
  record Instruction(String keyword, String args) {
    boolean is(String k) {
      return keyword.equals(k);
    }
  }

  /** Instructions as Docker reads them: comments dropped, "\" line continuations joined. */
  static List<Instruction> instructions(Path dockerfile) throws IOException {
    List<Instruction> result = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : Files.readAllLines(dockerfile)) {
      if (line.trim().startsWith("#") || (line.isBlank() && current.length() == 0)) {
        continue;
      }
      String stripped = line.stripTrailing();
      if (stripped.endsWith("\\")) {
        current.append(stripped, 0, stripped.length() - 1);
        continue;
      }
      current.append(stripped);
      String text = current.toString().trim();
      current.setLength(0);
      if (!text.isEmpty()) {
        String[] parts = text.split("\\s+", 2);
        result.add(new Instruction(parts[0].toUpperCase(), parts.length > 1 ? parts[1].trim() : ""));
      }
    }
    assertEquals(0, current.length(), dockerfile + " ends inside a continuation");
    return result;
  }

  private static List<List<Instruction>> stages(List<Instruction> all) {
    List<List<Instruction>> stages = new ArrayList<>();
    for (Instruction i : all) {
      if (i.is("FROM")) {
        stages.add(new ArrayList<>());
      }
      if (!stages.isEmpty()) {
        stages.get(stages.size() - 1).add(i);
      }
    }
    return stages;
  }

  private static int indexOf(List<Instruction> stage, String keyword, String contains) {
    for (int i = 0; i < stage.size(); i++) {
      if (stage.get(i).is(keyword) && stage.get(i).args().contains(contains)) {
        return i;
      }
    }
    return -1;
  }

  private static Instruction last(List<Instruction> stage, String keyword) {
    Instruction found = null;
    for (Instruction i : stage) {
      if (i.is(keyword)) {
        found = i;
      }
    }
    assertNotNull(found, "no " + keyword + " in the runtime stage");
    return found;
  }

  /** ENV of a stage: KEY=value pairs (double quotes removed), later instructions win. */
  private static Map<String, String> env(List<Instruction> stage) {
    Map<String, String> env = new LinkedHashMap<>();
    Pattern pair = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=(\"((?:[^\"\\\\]|\\\\.)*)\"|(\\S*))");
    for (Instruction i : stage) {
      if (i.is("ENV")) {
        Matcher m = pair.matcher(i.args());
        int consumed = 0;
        while (m.find()) {
          assertTrue(i.args().substring(consumed, m.start()).isBlank(), "ENV not in KEY=value form: " + i.args());
          env.put(m.group(1), m.group(3) != null ? m.group(3) : m.group(4));
          consumed = m.end();
        }
        assertTrue(consumed > 0, "ENV not in KEY=value form: " + i.args());
      }
    }
    return env;
  }

  /** HAZELCAST_JVM_FLAGS of scripts/common.sh, each "--flag value" written as "--flag=value". */
  static List<String> hazelcastFlags() throws IOException {
    Matcher m = Pattern.compile("HAZELCAST_JVM_FLAGS=\"([^\"]*)\"").matcher(Files.readString(COMMON_SH));
    assertTrue(m.find(), "scripts/common.sh has no HAZELCAST_JVM_FLAGS");
    String[] tokens = m.group(1).replace("\\\n", " ").trim().split("\\s+");
    List<String> flags = new ArrayList<>();
    for (int i = 0; i < tokens.length; i++) {
      String token = tokens[i];
      if (token.startsWith("--") && !token.contains("=") && i + 1 < tokens.length && !tokens[i + 1].startsWith("-")) {
        token = token + "=" + tokens[++i];
      }
      flags.add(token);
    }
    assertNotEquals(0, flags.size());
    return flags;
  }
}
