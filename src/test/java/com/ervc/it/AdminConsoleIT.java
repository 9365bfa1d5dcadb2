package com.ervc.it;

import com.ervc.node.Node;
import com.ervc.testing.Await;
import com.ervc.testing.Browser;
import com.ervc.testing.Jwt;
import com.ervc.testing.TestNodes;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The admin console page (/admin/) in headless Chromium on a cluster of two nodes: an admin signs in and sees both
 * nodes live, drains one from the page and finds the drain in the audit log; the event-bus and cache views; a
 * caller without the admin role sees nothing. The page stays within its CSP (no console errors). Screenshot:
 * target/admin-console/.
 */
class AdminConsoleIT {
  private static final String ADMIN_TOKEN = "admin-console-it-credential-0123456789";
  private static final String SECRET = "admin-console-it-jwt-secret-0123456789";
  private static final Duration VIEW = Duration.ofSeconds(30);
  private static final Path SCREENSHOTS = Path.of("target", "admin-console");
  private static Node gateway;
  private static Node provider;
  private static Browser browser;
  private static Vertx client;

  @BeforeAll
  static void start() throws Exception {
    String cluster = TestNodes.uniqueClusterName();
    gateway = TestNodes.start(env(cluster, "gw", "gateway,pipeline,cache,providers"));
    provider = TestNodes.start(env(cluster, "p1", "providers"));
    client = Vertx.vertx();
    WebClient http = WebClient.create(client);
    Await.until("the two nodes formed one cluster", Duration.ofSeconds(90), () -> http.get(gateway.httpPort(),
            "127.0.0.1", "/health").send().await(10, TimeUnit.SECONDS).bodyAsJsonObject().getJsonObject("services")
        .getJsonObject("cluster").getInteger("members") == 2);
    browser = new Browser();
  }

  private static Map<String, String> env(String cluster, String name, String roles) {
    Map<String, String> env = new HashMap<>(TestNodes.env(cluster));
    env.putAll(Map.of("NODE_NAME", name, "NODE_ROLES", roles, "ADMIN_TOKEN", ADMIN_TOKEN, "AUTH_MODE", "jwt",
        "JWT_SECRET", SECRET, "HEALTH_PROBE_INTERVAL_SECONDS", "3600"));
    return env;
  }

  @AfterAll
  static void stop() throws Exception {
    if (browser != null) {
      browser.close();
    }
    client.close().await(10, TimeUnit.SECONDS);
    for (Node node : List.of(gateway, provider)) {
      TestNodes.stop(node);
    }
  }

  @BeforeEach
  void freshPage() {
    browser.driver().get("http://127.0.0.1:" + gateway.httpPort() + "/admin/");
    browser.js("sessionStorage.clear();");
    browser.consoleErrors();
  }

  private static String page() {
    return "http://127.0.0.1:" + gateway.httpPort() + "/admin/";
  }

  private static String text(String selector) {
    return (String) browser.js("const e = document.querySelector(arguments[0]); return e ? e.textContent : null;",
        selector);
  }

  private static long rows() {
    return (Long) browser.js("return document.querySelectorAll('#view-body tbody tr').length;");
  }

  private static String rowText(String key) {
    return (String) browser.js("const r = [...document.querySelectorAll('#view-body tbody tr')]"
        + ".find(r => r.dataset.key === arguments[0]); return r ? r.textContent : null;", key);
  }

  /** Clicks a row's action and confirms it in the page's dialog (one script each: the table redraws live). */
  private static void actAndConfirm(String key, String action) throws Exception {
    Await.until(action + " offered for " + key, VIEW, () -> (Boolean) browser.js(
        "const r = [...document.querySelectorAll('#view-body tbody tr')].find(r => r.dataset.key === arguments[0]);"
            + "const b = r && r.querySelector('button[data-action=\"' + arguments[1] + '\"]');"
            + "if (b) b.click(); return !!b;", key, action));
    Await.until("the confirmation dialog opens", VIEW, () -> (Boolean) browser.js(
        "return document.getElementById('confirm').open;"));
    browser.js("document.getElementById('confirm-ok').click();");
  }

  private static void tab(String view) {
    browser.js("document.querySelector('#tabs button[data-view=\"' + arguments[0] + '\"]').click();", view);
  }

  private static void signIn(String token) {
    browser.js("const t = document.getElementById('token'); t.value = arguments[0];"
        + "document.getElementById('sign-in').requestSubmit();", token);
  }

  @Test
  void anAdminSeesBothNodesDrainsOneAndFindsItInTheAuditLog() throws Exception {
    signIn(ADMIN_TOKEN);
    String p1 = nodeId(provider);
    Await.until("both nodes in the cluster view", VIEW, () -> rows() == 2 && rowText(nodeId(gateway)) != null
        && rowText(p1) != null);
    assertTrue(rowText(nodeId(gateway)).startsWith("gw"), rowText(nodeId(gateway)));
    assertTrue(rowText(p1).contains("up (0 in flight)"), rowText(p1));
    assertTrue(rowText(p1).contains("partitions"), "Hazelcast membership shown: " + rowText(p1));
    assertTrue(rowText(p1).contains(" ms (max "), "event-loop delay shown: " + rowText(p1));

    actAndConfirm(p1, "Drain");
    Await.until("p1 shows draining", VIEW, () -> String.valueOf(rowText(p1)).contains("draining"));
    assertFalse(String.valueOf(rowText(nodeId(gateway))).contains("draining"));
    browser.screenshot(SCREENSHOTS.resolve("admin-console.png"));

    tab("audit");
    Await.until("the drain in the audit log", VIEW, () -> (Boolean) browser.js(
        "return [...document.querySelectorAll('#view-body tbody tr')].some(r => {"
            + " const c = [...r.cells].map(td => td.textContent);"
            + " return c[1] === 'admin-token' && c[2] === 'drain' && c[3] === arguments[0] && c[4] === 'ok'; });", p1));

    tab("cluster");
    actAndConfirm(p1, "Undrain");
    Await.until("p1 takes work again", VIEW, () -> String.valueOf(rowText(p1)).contains("up ("));
    assertEquals(List.of(), browser.consoleErrors(), "no errors or CSP violations");
  }

  @Test
  @SuppressWarnings("unchecked")
  void theEventBusCacheAndTailViewsShowTheClusterAndTheirActionsAreAudited() throws Exception {
    signIn(ADMIN_TOKEN);
    Await.until("signed in", VIEW, () -> rows() == 2);
    tab("eventbus");
    // Load reports are published by every provider instance about once a second and received by both nodes.
    // Columns: address, handlers per node, messages/s, received in total.
    Await.until("load reports handled on both nodes, with a rate", VIEW, () -> {
      List<String> row = cells("tts.providers.load");
      return row.size() == 4 && row.get(1).contains("gw: ") && row.get(1).contains("p1: ")
          && !row.get(2).equals("—") && Double.parseDouble(row.get(2)) > 0;
    });
    assertEquals("gw: 1", cells("tts.cache.get").get(1), "the cache handler is on the cache node only");
    assertEquals("gw: 1, p1: 1", cells("admin.node.<nodeId>").get(1), "each node serves its own agent");
    tab("cache");
    Await.until("the cache figures", VIEW, () -> String.valueOf(text("#view-body dl")).contains("Backendmemory"));
    browser.js("document.getElementById('evict-key').value = 'all';"
        + "document.querySelector('#view-body form.evict').requestSubmit();");
    Await.until("the confirmation dialog opens", VIEW, () -> (Boolean) browser.js(
        "return document.getElementById('confirm').open;"));
    assertEquals("Evict every cache entry on every cache node?", text("#confirm-text"));
    browser.js("document.getElementById('confirm-ok').click();");
    tab("audit");
    Await.until("the eviction in the audit log", VIEW, () -> (Boolean) browser.js(
        "return [...document.querySelectorAll('#view-body tbody tr')].some(r => r.cells[2].textContent === "
            + "'cache-evict' && r.cells[3].textContent === 'all' && r.cells[4].textContent === 'ok');"));

    tab("tail");
    Await.until("the tail's address list", VIEW, () -> (Boolean) browser.js(
        "const o = [...document.querySelectorAll('#tail-addresses option')].find(o => o.value === 'tts.providers.load');"
            + "if (o) { o.selected = true; } return !!o;"));
    browser.js("document.querySelector('#view-body form.evict').requestSubmit();");
    Await.until("the confirmation dialog opens", VIEW, () -> (Boolean) browser.js(
        "return document.getElementById('confirm').open;"));
    browser.js("document.getElementById('confirm-ok').click();");
    Await.until("load reports sampled on both nodes, redacted", VIEW, () -> {
      List<String> nodes = (List<String>) browser.js("return [...document.querySelectorAll('#view-body tbody tr')]"
          + ".filter(r => r.cells[2].textContent === 'tts.providers.load' && r.cells[3].textContent === 'load')"
          + ".map(r => r.cells[1].textContent);");
      return nodes.contains("gw") && nodes.contains("p1");
    });
    Await.until("the tail on on both nodes, text hidden", VIEW, () -> {
      String summary = String.valueOf(text("#tail-summary"));
      return summary.startsWith("On for tts.providers.load on 2 of 2 nodes") && summary.contains("text hidden");
    });
    Await.until("Stop offered", VIEW, () -> (Boolean) browser.js("const b = [...document.querySelectorAll("
        + "'#view-body form.evict button')].find(b => b.textContent === 'Stop…'); if (b) b.click(); return !!b;"));
    Await.until("the confirmation dialog opens", VIEW, () -> (Boolean) browser.js(
        "return document.getElementById('confirm').open;"));
    browser.js("document.getElementById('confirm-ok').click();");
    Await.until("the tail is off", VIEW, () -> String.valueOf(text("#tail-summary")).startsWith("Off."));
    tab("audit");
    Await.until("the tail's start and stop in the audit log", VIEW, () -> (Boolean) browser.js(
        "const a = [...document.querySelectorAll('#view-body tbody tr')].map(r => r.cells[2].textContent"
            + " + ' ' + r.cells[3].textContent + ' ' + r.cells[4].textContent);"
            + "return a.includes('tail-start tts.providers.load ok') && a.includes('tail-stop all ok');"));
    assertEquals(List.of(), browser.consoleErrors(), "no errors or CSP violations");
  }

  @Test
  void aCallerWithoutTheAdminRoleSeesNothing() throws Exception {
    String user = Jwt.sign("HS256", Jwt.claims("bob", "api", 300).put("roles", new JsonArray().add("user")), SECRET);
    browser.driver().get("about:blank"); // a new load: a fragment change alone does not reload the page
    browser.driver().get(page() + "#token=" + user);
    Await.until("the page reports the refusal", VIEW, () -> String.valueOf(text("#error")).contains("Refused (403)"));
    assertEquals(0L, rows(), "no data drawn");
    assertTrue((Boolean) browser.js("return document.getElementById('view').hidden"
        + " && document.getElementById('tabs').hidden && !document.getElementById('sign-in').hidden;"));
    assertEquals(null, browser.js("return sessionStorage.getItem('ervc.admin.token');"), "a refused token is not kept");
    String html = browser.driver().getPageSource();
    assertFalse(html.contains(nodeId(provider)), "no node id anywhere in the page");

    signIn("not-the-credential");
    Await.until("a wrong credential is refused", VIEW, () -> String.valueOf(text("#error")).contains("Refused (401)"));
    assertEquals(0L, rows());
    browser.screenshot(SCREENSHOTS.resolve("refused.png"));
  }

  private static String nodeId(Node node) {
    return node.state().nodeId();
  }

  /** The cells of a row of the shown view, or an empty list while it is not there. */
  @SuppressWarnings("unchecked")
  private static List<String> cells(String key) {
    return (List<String>) browser.js("const r = [...document.querySelectorAll('#view-body tbody tr')]"
        + ".find(r => r.dataset.key === arguments[0]); return r ? [...r.cells].map(c => c.textContent) : [];", key);
  }
}
