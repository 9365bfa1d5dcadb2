package com.ervc.metrics;

import com.ervc.testing.Promtool;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Offline validation of the monitoring artefacts under deploy/monitoring: the Prometheus configurations and
 * rules (checked and unit-tested with promtool) and the Grafana dashboard (every query must be valid PromQL and
 * every metric family the service exports must be on it). promtool is required: without it these tests fail.
 */
class MonitoringArtifactsTest {
  private static final Path DIR = Path.of("deploy/monitoring").toAbsolutePath();
  private static final Path RULES = DIR.resolve("voice_chat_rules.yml");
  private static final Path RULES_TEST = DIR.resolve("voice_chat_rules_test.yml");
  private static final Path DASHBOARD = DIR.resolve("grafana/dashboards/voice-chat.json");

  /** Every metric family a node exposes (docs/operations.md#metrics); histograms count through _bucket/_sum/_count. */
  static final List<String> METRIC_FAMILIES = List.of(
      "voice_chat_requests_total",
      "tts_synthesis_duration_seconds",
      "voice_cloning_attempts_total",
      "voice_cloning_quality_failures_total",
      "voice_profile_resolutions_total",
      "voice_profile_resolution_seconds",
      "websocket_connections_active",
      "websocket_connections_max",
      "cache_hit_rate",
      "tts_time_to_first_audio_seconds",
      "tts_audio_seconds_total",
      "tts_characters_total",
      "tts_requests_total",
      "tts_provider_up",
      "tts_provider_load",
      "tts_failovers_total",
      "tts_provider_mismatch_total",
      "tts_quality_changes_total",
      "tts_quality_loudness_lufs",
      "tts_quality_clicks",
      "tts_quality_clipping_ratio",
      "tts_quality_wer",
      "tts_quality_cer",
      "tts_quality_ttfa_ms",
      "tts_quality_last_run_timestamp_seconds",
      "tts_cache_requests_total",
      "tts_rate_limited_total",
      "tts_auth_failures_total",
      "admin_actions_total",
      "admin_tail_messages_total",
      "websocket_close_total",
      "tts_node_info",
      "tts_encode_duration_seconds",
      "tts_ffmpeg_failures_total",
      "vertx_http_server_requests_total",
      "vertx_http_server_response_time_seconds",
      "vertx_http_server_active_connections",
      "vertx_eventbus_pending",
      "vertx_eventbus_handlers",
      "vertx_eventbus_reply_failures_total",
      "vertx_eventbus_discarded_total",
      "vertx_pool_in_use",
      "vertx_pool_queue_pending",
      "jvm_memory_used_bytes");

  /** What Grafana would put in place of the variables the dashboard uses (multi-value variables as a regex). */
  private static final Map<String, String> GRAFANA_VARIABLES = Map.of(
      "__rate_interval", "5m",
      "__interval", "1m",
      "__interval_ms", "60000",
      "__range", "1h",
      "__range_s", "3600",
      "__range_ms", "3600000",
      "provider", "(espeak|onnx)",
      "instance", "(gateway:8000|worker:8000)");

  private static final Pattern VARIABLE = Pattern.compile(
      "\\$\\{(\\w+)(?::[^}]*)?}|\\[\\[(\\w+)(?::[^]]*)?]]|\\$(\\w+)");
  private static final Pattern RULES_FOUND = Pattern.compile("SUCCESS: (\\d+) rules found");
  private static final Pattern RULE_ITEM = Pattern.compile("^\\s*- (alert|record):\\s*(\\S+)\\s*$");
  private static final Pattern GROUP_ITEM = Pattern.compile("^\\s*- name:\\s*(\\S+)\\s*$");

  @TempDir
  Path tmp;

  /** One dashboard query: where it is and its PromQL. */
  record Query(String panel, String refId, String expr) {
  }

  /** One rule of the rules file, from a plain text scan: kind (alert|record), name, group and its lines. */
  record Rule(String kind, String name, String group, List<String> lines) {
    String field(String key) {
      Pattern p = Pattern.compile("^\\s*" + Pattern.quote(key) + ":\\s*(.*)$");
      for (String line : lines) {
        Matcher m = p.matcher(line);
        if (m.matches()) {
          return m.group(1).trim();
        }
      }
      return null;
    }
  }

  @Test
  void promtoolIsAvailable() throws Exception {
    Path tool = Promtool.path(); // throws (test fails) when promtool is missing
    Promtool.Result version = Promtool.run("--version");
    assertTrue(version.ok(), tool + " --version: " + version.output());
    assertTrue(version.output().contains("promtool"), version.output());
  }

  @ParameterizedTest
  @ValueSource(strings = {"prometheus.yml", "prometheus-k8s.yml"})
  void prometheusConfigIsValid(String file) throws Exception {
    // rule_files are resolved relative to the configuration file, so voice_chat_rules.yml next to it is checked too.
    Path config = DIR.resolve(file);
    Promtool.Result result = Promtool.run("check", "config", config.toString());
    assertTrue(result.ok(), result.output());
    assertTrue(result.output().contains("SUCCESS: 1 rule files found"), result.output());
    assertTrue(result.output().contains("is valid prometheus config file syntax"), result.output());
    assertTrue(result.output().contains("voice_chat_rules.yml"), result.output());

    String text = Files.readString(config);
    for (String job : List.of("tts-gateway", "tts-worker", "tts-worker-gpu")) {
      assertTrue(Pattern.compile("(?m)^\\s*- job_name:\\s*" + Pattern.quote(job) + "\\s*$").matcher(text).find(),
          file + " lacks job " + job);
    }
    if (file.contains("k8s")) {
      for (String service : List.of("ervc-gateway-headless", "ervc-worker-headless", "ervc-worker-gpu-headless")) {
        assertTrue(text.contains(service + ".ervc.svc.cluster.local"), file + " lacks " + service);
      }
      assertFalse(text.contains("kubernetes_sd_configs:"), "use dns_sd_configs");
    } else {
      for (String target : List.of("gateway:8000", "worker:8000", "worker-gpu:8000")) {
        assertTrue(text.contains("\"" + target + "\""), file + " lacks target " + target);
      }
    }
  }

  @Test
  void rulesAreValid() throws Exception {
    Promtool.Result result = Promtool.run("check", "rules", "--lint=all", "--lint-fatal", RULES.toString());
    assertTrue(result.ok(), result.output());
    List<Rule> rules = rules();
    assertEquals(rules.size(), rulesFound(result.output()), "rules seen by promtool vs by the text scan");
  }

  @Test
  void ruleUnitTestsPass() throws Exception {
    Promtool.Result result = Promtool.run("test", "rules", RULES_TEST.toString());
    assertTrue(result.ok(), result.output());
    assertTrue(result.output().contains("SUCCESS"), result.output());
    assertFalse(result.output().contains("FAILED"), result.output());
  }

  @Test
  void everyAlertHasSeveritySummaryDescriptionAndRunbook() throws Exception {
    List<Rule> alerts = rules().stream().filter(r -> r.kind().equals("alert")).toList();
    assertTrue(alerts.size() >= 10, "alerts: " + alerts.size());
    Set<String> names = new HashSet<>();
    for (Rule alert : alerts) {
      assertTrue(names.add(alert.name()), "duplicate alert " + alert.name());
      String severity = alert.field("severity");
      assertNotNull(severity, alert.name() + " has no severity label");
      assertTrue(Set.of("critical", "warning", "info").contains(severity), alert.name() + ": severity " + severity);
      for (String annotation : List.of("summary", "description", "runbook")) {
        String value = alert.field(annotation);
        assertTrue(value != null && !value.isEmpty(), alert.name() + " has no " + annotation);
      }
    }
    for (String expected : List.of("TtsTimeToFirstAudioHigh", "TtsErrorRatioHigh", "TtsProviderDown", "TtsNodeDown",
        "TtsCacheHitRateLow", "TtsWebSocketConnectionsNearCapacity", "VertxEventBusBacklog", "TtsGpuNodeMissing",
        "VertxEventBusReplyFailuresRising")) {
      assertTrue(names.contains(expected), "missing alert " + expected);
    }
    Rule gpu = alerts.stream().filter(a -> a.name().equals("TtsGpuNodeMissing")).findFirst().orElseThrow();
    assertEquals("tts-gpu", gpu.group(), "the GPU alert lives in its own, deletable group");
    assertEquals(1, alerts.stream().filter(a -> a.group().equals("tts-gpu")).count(), "only the GPU alert in tts-gpu");
    assertEquals("info", alerts.stream().filter(a -> a.name().equals("TtsCacheHitRateLow")).findFirst().orElseThrow()
        .field("severity"));
    String ttfa = String.join("\n", alerts.stream().filter(a -> a.name().equals("TtsTimeToFirstAudioHigh"))
        .findFirst().orElseThrow().lines());
    assertTrue(ttfa.contains("> 0.2") && ttfa.contains("LATENCY_TARGET_MS"), "TTFA alert threshold/target note");
  }

  @Test
  void dashboardQueriesAreValidPromql() throws Exception {
    List<Query> queries = dashboardQueries();
    assertTrue(queries.size() >= 20, "dashboard queries: " + queries.size());

    JsonArray records = new JsonArray();
    StringBuilder index = new StringBuilder();
    for (int i = 0; i < queries.size(); i++) {
      Query q = queries.get(i);
      String name = "dashboard:expr_" + i;
      records.add(new JsonObject().put("record", name).put("expr", substituteVariables(q)));
      index.append('\n').append(name).append(" = panel '").append(q.panel()).append("' ").append(q.refId());
    }
    // JSON is YAML: promtool reads this as a rules file.
    Path file = tmp.resolve("dashboard_rules.yml");
    Files.writeString(file, new JsonObject().put("groups", new JsonArray()
        .add(new JsonObject().put("name", "dashboard").put("rules", records))).encodePrettily());

    Promtool.Result result = Promtool.run("check", "rules", "--lint=none", file.toString());
    assertTrue(result.ok(), result.output() + "\nqueries:" + index);
    assertEquals(queries.size(), rulesFound(result.output()), result.output());
  }

  @Test
  void dashboardCoversEveryMetricFamily() throws Exception {
    List<Query> queries = dashboardQueries();
    List<String> missing = new ArrayList<>();
    for (String family : METRIC_FAMILIES) {
      Pattern name = Pattern.compile("(?<![A-Za-z0-9_:])" + Pattern.quote(family)
          + "(?:_bucket|_sum|_count)?(?![A-Za-z0-9_:])");
      if (queries.stream().noneMatch(q -> name.matcher(q.expr()).find())) {
        missing.add(family);
      }
    }
    assertTrue(missing.isEmpty(), "metric families on no dashboard panel: " + missing);
  }

  @Test
  void dashboardIsWellFormed() throws Exception {
    JsonObject dashboard = new JsonObject(Files.readString(DASHBOARD));
    assertEquals("ervc-voice-chat", dashboard.getString("uid"));
    assertEquals(39, dashboard.getInteger("schemaVersion"));
    Map<String, JsonObject> variables = new LinkedHashMap<>();
    for (Object v : dashboard.getJsonObject("templating").getJsonArray("list")) {
      JsonObject variable = (JsonObject) v;
      variables.put(variable.getString("name"), variable);
    }
    assertEquals("datasource", variables.get("datasource").getString("type"));
    assertEquals("prometheus", variables.get("datasource").getString("query"));
    for (String name : List.of("provider", "instance")) {
      JsonObject variable = variables.get(name);
      assertNotNull(variable, "templating variable " + name);
      assertEquals("query", variable.getString("type"));
      assertEquals(".*", variable.getString("allValue"), name + ": 'All' must match every series");
    }

    Set<Integer> ids = new HashSet<>();
    List<JsonObject> all = new ArrayList<>();
    collectPanels(dashboard.getJsonArray("panels"), all);
    for (JsonObject panel : all) {
      String title = panel.getString("title");
      assertTrue(ids.add(panel.getInteger("id")), "duplicate panel id in '" + title + "'");
      JsonObject grid = panel.getJsonObject("gridPos");
      assertNotNull(grid, "gridPos of '" + title + "'");
      assertTrue(grid.getInteger("x") + grid.getInteger("w") <= 24, "'" + title + "' wider than the grid");
      if (!"row".equals(panel.getString("type"))) {
        assertEquals("${datasource}", panel.getJsonObject("datasource").getString("uid"), "datasource of '" + title + "'");
        JsonArray targets = panel.getJsonArray("targets");
        assertTrue(targets != null && !targets.isEmpty(), "'" + title + "' has no query");
        Set<String> refIds = new HashSet<>();
        for (Object t : targets) {
          assertTrue(refIds.add(((JsonObject) t).getString("refId")), "duplicate refId in '" + title + "'");
        }
      }
    }
  }

  // ------------------------------------------------------------------------------------------------------------

  /** Every expr of every panel target, rows' nested panels included. */
  static List<Query> dashboardQueries() throws IOException {
    JsonObject dashboard = new JsonObject(Files.readString(DASHBOARD));
    List<JsonObject> panels = new ArrayList<>();
    collectPanels(dashboard.getJsonArray("panels"), panels);
    List<Query> queries = new ArrayList<>();
    for (JsonObject panel : panels) {
      JsonArray targets = panel.getJsonArray("targets");
      if (targets == null) {
        continue;
      }
      for (Object t : targets) {
        JsonObject target = (JsonObject) t;
        String expr = target.getString("expr");
        if (expr != null && !expr.isBlank()) {
          queries.add(new Query(panel.getString("title"), target.getString("refId"), expr));
        }
      }
    }
    return queries;
  }

  private static void collectPanels(JsonArray panels, List<JsonObject> out) {
    if (panels == null) {
      return;
    }
    for (Object p : panels) {
      JsonObject panel = (JsonObject) p;
      out.add(panel);
      collectPanels(panel.getJsonArray("panels"), out);
    }
  }

  /** Replaces $var, ${var}, ${var:format} and [[var]] as Grafana would; an unknown variable fails the test. */
  static String substituteVariables(Query query) {
    Matcher m = VARIABLE.matcher(query.expr());
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String name = m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3);
      String value = GRAFANA_VARIABLES.get(name);
      if (value == null) {
        fail("unknown Grafana variable $" + name + " in panel '" + query.panel() + "' " + query.refId() + ": "
            + query.expr());
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    String expr = out.toString();
    assertFalse(expr.contains("$"), "unresolved variable in panel '" + query.panel() + "': " + expr);
    return expr;
  }

  private static int rulesFound(String promtoolOutput) {
    Matcher m = RULES_FOUND.matcher(promtoolOutput);
    assertTrue(m.find(), promtoolOutput);
    return Integer.parseInt(m.group(1));
  }

  /** The rules of voice_chat_rules.yml by a line scan (no YAML library on the test classpath). */
  static List<Rule> rules() throws IOException {
    List<Rule> rules = new ArrayList<>();
    String group = null;
    Rule current = null;
    for (String line : Files.readAllLines(RULES)) {
      if (line.stripLeading().startsWith("#")) {
        continue;
      }
      Matcher groupItem = GROUP_ITEM.matcher(line);
      Matcher ruleItem = RULE_ITEM.matcher(line);
      if (groupItem.matches()) {
        group = groupItem.group(1);
        current = null;
      } else if (ruleItem.matches()) {
        current = new Rule(ruleItem.group(1), ruleItem.group(2), group, new ArrayList<>());
        rules.add(current);
      } else if (current != null) {
        current.lines().add(line);
      }
    }
    return rules;
  }
}
