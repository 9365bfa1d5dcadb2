package com.ervc.it;

import com.ervc.node.Node;
import com.ervc.testing.AdminCluster;
import com.ervc.testing.Await;
import com.ervc.testing.Browser;
import com.ervc.testing.WsProbe;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The admin console page (/admin/) in headless Chromium on a cluster of three nodes (a gateway node and two provider
 * nodes): an admin signs in and sees the three nodes live; from the page drains a provider node (new requests of a
 * WebSocket client then go to the other one) and undrains it, opens an instance's circuit (requests avoid it) and
 * closes it, disconnects a live WebSocket session (its client sees the close), evicts the cache, tails the bus;
 * a node that leaves disappears from the page; a caller without the admin role sees nothing. The page stays within
 * its CSP (no console errors). Screenshots: target/admin-console/.
 */
class AdminConsoleIT {
  private static final String ADMIN_TOKEN = AdminCluster.ADMIN_TOKEN;
  private static final Duration VIEW = Duration.ofSeconds(30);
  private static final Path SCREENSHOTS = Path.of("target", "admin-console");
  private static AdminCluster cluster;
  private static Node gateway;
  private static Node provider1;
  private static Node provider2;
  private static Browser browser;

  @BeforeAll
  static void start() throws Exception {
    cluster = AdminCluster.start("gw=gateway,pipeline,cache", "p1=providers", "p2=providers");
    gateway = cluster.node("gw");
    provider1 = cluster.node("p1");
    provider2 = cluster.node("p2");
    browser = new Browser();
  }

  @AfterAll
  static void stop() throws Exception {
    if (browser != null) {
      browser.close();
    }
    cluster.close();
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
  void anAdminSeesTheThreeNodesAndDrainsAProviderNodeFromThePageSoNewRequestsGoToTheOther() throws Exception {
    signIn(ADMIN_TOKEN);
    String p1 = nodeId(provider1);
    String p2 = nodeId(provider2);
    Await.until("the three nodes in the cluster view", VIEW, () -> rows() == 3 && rowText(nodeId(gateway)) != null
        && rowText(p1) != null && rowText(p2) != null);
    assertTrue(rowText(nodeId(gateway)).startsWith("gw"), rowText(nodeId(gateway)));
    assertTrue(rowText(p1).startsWith("p1") && rowText(p2).startsWith("p2"), rowText(p1) + " / " + rowText(p2));
    assertTrue(rowText(p1).contains("up (0 in flight)"), rowText(p1));
    assertTrue(rowText(p1).contains("partitions"), "Hazelcast membership shown: " + rowText(p1));
    assertTrue(rowText(p1).contains(" ms (max ") && rowText(p1).contains("per loop max "),
        "event-loop delay of the node and of each loop shown: " + rowText(p1));
    Await.until("both provider nodes' instances routable", VIEW, () -> espeakNodes().equals(Set.of(p1, p2)));

    actAndConfirm(p1, "Drain");
    Await.until("p1 shows draining", VIEW, () -> String.valueOf(rowText(p1)).contains("draining"));
    assertFalse(String.valueOf(rowText(nodeId(gateway))).contains("draining"));
    assertFalse(String.valueOf(rowText(p2)).contains("draining"));
    browser.screenshot(SCREENSHOTS.resolve("admin-console.png"));
    Await.until("the drained node's instance left the router's view", VIEW, () -> espeakNodes().equals(Set.of(p2)));
    long before1 = cluster.synthesized(provider1);
    long before2 = cluster.synthesized(provider2);
    speak("erin", 3);
    assertEquals(before1, cluster.synthesized(provider1), "no new work on the node drained from the page");
    assertEquals(before2 + 3, cluster.synthesized(provider2), "the other provider node took the new requests");

    tab("audit");
    Await.until("the drain in the audit log", VIEW, () -> (Boolean) browser.js(
        "return [...document.querySelectorAll('#view-body tbody tr')].some(r => {"
            + " const c = [...r.cells].map(td => td.textContent);"
            + " return c[1] === 'admin-token' && c[2] === 'drain' && c[3] === arguments[0] && c[4] === 'ok'; });", p1));

    tab("cluster");
    actAndConfirm(p1, "Undrain");
    Await.until("p1 takes work again", VIEW, () -> String.valueOf(rowText(p1)).contains("up ("));
    Await.until("the undrained node's instance is routable again", VIEW,
        () -> espeakNodes().equals(Set.of(p1, p2)));
    assertEquals(List.of(), browser.consoleErrors(), "no errors or CSP violations");
  }

  @Test
  void anInstancesCircuitOpenedFromThePageIsAvoidedUntilClosed() throws Exception {
    signIn(ADMIN_TOKEN);
    String p1 = nodeId(provider1);
    Await.until("both provider nodes' instances routable", VIEW, () -> espeakNodes().equals(Set.of(p1,
        nodeId(provider2))));
    String instance = espeakInstanceOn(p1);
    tab("providers");
    actAndConfirm(instance, "Circuit open");
    Await.until("the page shows the circuit open", VIEW, () -> "bad".equals(rowState(instance))
        && String.valueOf(rowText(instance)).contains("open"));
    browser.screenshot(SCREENSHOTS.resolve("circuit-open.png"));
    long before1 = cluster.synthesized(provider1);
    long before2 = cluster.synthesized(provider2);
    speak("frank", 3);
    assertEquals(before1, cluster.synthesized(provider1), "no request reaches the instance held open");
    assertEquals(before2 + 3, cluster.synthesized(provider2));

    actAndConfirm(instance, "Circuit close");
    Await.until("the page shows the circuit closed", VIEW, () -> "ok".equals(rowState(instance)));
    tab("audit");
    Await.until("open and close in the audit log", VIEW, () -> (Boolean) browser.js(
        "const a = [...document.querySelectorAll('#view-body tbody tr')].map(r => r.cells[2].textContent"
            + " + ' ' + r.cells[3].textContent + ' ' + r.cells[4].textContent);"
            + "return a.includes('circuit-open ' + arguments[0] + ' ok')"
            + " && a.includes('circuit-close ' + arguments[0] + ' ok');", instance));
    assertEquals(List.of(), browser.consoleErrors(), "no errors or CSP violations");
  }

  @Test
  void aSessionDisconnectedFromThePageIsClosedForItsClient() throws Exception {
    signIn(ADMIN_TOKEN);
    try (WsProbe ws = new WsProbe(cluster.client(), gateway.httpPort(), "/ws?token=" + AdminCluster.wsToken("grace"))) {
      ws.nextOfType("ready");
      String session = Await.result(() -> "grace's session in the API's view", VIEW, () -> api("/admin/v1/sessions")
          .stream().map(JsonObject.class::cast).filter(s -> "grace".equals(s.getString("subject")))
          .map(s -> s.getString("session")).findFirst().orElse(null));
      tab("sessions");
      Await.until("the session on the page", VIEW, () -> String.valueOf(rowText(session)).contains("grace"));
      actAndConfirm(session, "Disconnect");
      assertEquals(Short.valueOf((short) 1008), ws.awaitClose(10_000), "the client sees the operator's close");
      Await.until("the session left the page", VIEW, () -> rowText(session) == null);
    }
    assertEquals(List.of(), browser.consoleErrors(), "no errors or CSP violations");
  }

  @Test
  void aNodeThatLeavesDisappearsFromThePage() throws Exception {
    signIn(ADMIN_TOKEN);
    String p3 = cluster.join("p3", "providers").state().nodeId();
    Await.until("p3 on the page", VIEW, () -> rows() == 4 && String.valueOf(rowText(p3)).startsWith("p3"));
    cluster.stop("p3");
    // The cluster manager drops a member that leaves at once; the page shows it with its next refresh.
    Await.until("p3 gone from the page", Duration.ofSeconds(10), () -> rows() == 3 && rowText(p3) == null);
    assertEquals(List.of(), browser.consoleErrors(), "no errors or CSP violations");
  }

  @Test
  @SuppressWarnings("unchecked")
  void theEventBusCacheAndTailViewsShowTheClusterAndTheirActionsAreAudited() throws Exception {
    signIn(ADMIN_TOKEN);
    Await.until("signed in", VIEW, () -> rows() == 3);
    tab("eventbus");
    // Load reports are published by every provider instance about once a second and received by every node.
    // Columns: address, handlers per node, messages/s, received in total.
    Await.until("load reports handled on every node, with a rate", VIEW, () -> {
      List<String> row = cells("tts.providers.load");
      return row.size() == 4 && row.get(1).contains("gw: ") && row.get(1).contains("p1: ") && row.get(1).contains("p2: ")
          && !row.get(2).equals("—") && Double.parseDouble(row.get(2)) > 0;
    });
    assertEquals("gw: 1", cells("tts.cache.get").get(1), "the cache handler is on the cache node only");
    assertEquals("gw: 1, p1: 1, p2: 1", cells("admin.node.<nodeId>").get(1), "each node serves its own agent");
    tab("cache");
    Await.until("the cache figures", VIEW, () -> String.valueOf(text("#view-body dl")).contains("Backendmemory"));
    browser.js("document.getElementById('evict-key').value = 'all';"
        + "document.querySelector('#view-body form.evict').requestSubmit();");
    Await.until("the confirmation dialog opens", VIEW, () -> (Boolean) browser.js(
        "return document.getElementById('confirm').open;"));
    assertEquals("Evict every cache entry on every cache node?", text("#confirm-text"));
    // The next confirmation opens in the same task as this one is confirmed, before the dialog's close event: each
    // still runs its own action (the page once lost both when a confirmation opened that quickly).
    browser.js("document.getElementById('confirm-ok').click();"
        + "document.getElementById('evict-key').value = 'espeak/en-us';"
        + "document.getElementById('evict-submit').click();");
    assertTrue((Boolean) browser.js("return document.getElementById('confirm').open;"), "the next confirmation");
    assertEquals("Evict every cache entry in voice en-us of provider espeak on every cache node?", text("#confirm-text"));
    browser.js("document.getElementById('confirm-ok').click();");
    tab("audit");
    Await.until("both evictions in the audit log", VIEW, () -> (Boolean) browser.js(
        "const a = [...document.querySelectorAll('#view-body tbody tr')].map(r => r.cells[2].textContent"
            + " + ' ' + r.cells[3].textContent + ' ' + r.cells[4].textContent);"
            + "return a.includes('cache-evict all ok') && a.includes('cache-evict espeak/en-us ok');"));

    tab("tail");
    Await.until("the tail's address list", VIEW, () -> (Boolean) browser.js(
        "const o = [...document.querySelectorAll('#tail-addresses option')].find(o => o.value === 'tts.providers.load');"
            + "if (o) { o.selected = true; } return !!o;"));
    browser.js("document.querySelector('#view-body form.evict').requestSubmit();");
    Await.until("the confirmation dialog opens", VIEW, () -> (Boolean) browser.js(
        "return document.getElementById('confirm').open;"));
    browser.js("document.getElementById('confirm-ok').click();");
    Await.until("load reports sampled on every node, redacted", VIEW, () -> {
      List<String> nodes = (List<String>) browser.js("return [...document.querySelectorAll('#view-body tbody tr')]"
          + ".filter(r => r.cells[2].textContent === 'tts.providers.load' && r.cells[3].textContent === 'load')"
          + ".map(r => r.cells[1].textContent);");
      return nodes.containsAll(List.of("gw", "p1", "p2"));
    });
    Await.until("the tail on on every node, text hidden", VIEW, () -> {
      String summary = String.valueOf(text("#tail-summary"));
      return summary.startsWith("On for tts.providers.load on 3 of 3 nodes") && summary.contains("text hidden");
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
    String user = AdminCluster.apiToken("bob", "user");
    browser.driver().get("about:blank"); // a new load: a fragment change alone does not reload the page
    browser.driver().get(page() + "#token=" + user);
    Await.until("the page reports the refusal", VIEW, () -> String.valueOf(text("#error")).contains("Refused (403)"));
    assertEquals(0L, rows(), "no data drawn");
    assertTrue((Boolean) browser.js("return document.getElementById('view').hidden"
        + " && document.getElementById('tabs').hidden && !document.getElementById('sign-in').hidden;"));
    assertEquals(null, browser.js("return sessionStorage.getItem('ervc.admin.token');"), "a refused token is not kept");
    String html = browser.driver().getPageSource();
    assertFalse(html.contains(nodeId(provider1)), "no node id anywhere in the page");

    signIn("not-the-credential");
    Await.until("a wrong credential is refused", VIEW, () -> String.valueOf(text("#error")).contains("Refused (401)"));
    assertEquals(0L, rows());
    browser.screenshot(SCREENSHOTS.resolve("refused.png"));
  }

  private static String nodeId(Node node) {
    return node.state().nodeId();
  }

  private static String rowState(String key) {
    return (String) browser.js("const r = [...document.querySelectorAll('#view-body tbody tr')]"
        + ".find(r => r.dataset.key === arguments[0]); return r ? (r.dataset.state ?? null) : null;", key);
  }

  /** A view of the admin API, read by the test itself (to learn ids the page shows only shortened). */
  private static JsonArray api(String path) throws Exception {
    return cluster.http().get(gateway.httpPort(), "127.0.0.1", path).bearerTokenAuthentication(ADMIN_TOKEN).send()
        .await(10, TimeUnit.SECONDS).bodyAsJsonArray();
  }

  /** The nodes whose espeak instance the routers can choose now. */
  private static Set<String> espeakNodes() throws Exception {
    return api("/admin/v1/providers").stream().map(JsonObject.class::cast)
        .filter(p -> "espeak".equals(p.getJsonObject("info").getString("name")))
        .map(p -> p.getString("node")).collect(Collectors.toSet());
  }

  private static String espeakInstanceOn(String nodeId) throws Exception {
    return api("/admin/v1/providers").stream().map(JsonObject.class::cast)
        .filter(p -> nodeId.equals(p.getString("node")) && "espeak".equals(p.getJsonObject("info").getString("name")))
        .map(p -> p.getString("instance")).findFirst().orElseThrow(() -> new AssertionError("no espeak on " + nodeId));
  }

  /** A WebSocket client of {@code subject} asks for {@code count} new sentences (never cached) and hears each. */
  private static void speak(String subject, int count) throws Exception {
    try (WsProbe ws = new WsProbe(cluster.client(), gateway.httpPort(), "/ws?token=" + AdminCluster.wsToken(subject))) {
      ws.nextOfType("ready");
      for (int i = 0; i < count; i++) {
        String id = "r" + i;
        ws.send(new JsonObject().put("type", "synthesize").put("id", id).put("provider", "espeak")
            .put("text", "Console test " + UUID.randomUUID() + "."));
        JsonObject end = ws.collect(id).last();
        assertEquals("audio_end", end.getString("type"), end.encode());
      }
    }
  }

  /** The cells of a row of the shown view, or an empty list while it is not there. */
  @SuppressWarnings("unchecked")
  private static List<String> cells(String key) {
    return (List<String>) browser.js("const r = [...document.querySelectorAll('#view-body tbody tr')]"
        + ".find(r => r.dataset.key === arguments[0]); return r ? [...r.cells].map(c => c.textContent) : [];", key);
  }
}
