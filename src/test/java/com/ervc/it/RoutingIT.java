package com.ervc.it;

import com.ervc.node.Node;
import com.ervc.protocol.BusProtocol;
import com.ervc.protocol.ProviderMessage;
import com.ervc.protocol.QualityTier;
import com.ervc.protocol.TtsRequest;
import com.ervc.testing.Await;
import com.ervc.testing.TestNodes;
import com.ervc.testing.ToneProvider;
import com.ervc.testing.WsProbe.Frame;
import com.ervc.testing.WsProbe.Reply;
import com.ervc.testing.WsProbe;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three nodes on loopback: a gateway (with pipeline and cache) and two provider nodes, each running the test
 * "tone" provider, whose audio is a known function of the text. Proves routing on measured latency and capacity,
 * and failover mid-reply when a provider node dies.
 */
class RoutingIT {
  private static final String TEXT = "Tone sentence number one is here. The second sentence follows it now. "
      + "A third sentence keeps the reply going. The fourth sentence is near the end. And this is the last one.";
  private static final int TEXT_SENTENCES = 5;
  private static Node gateway;
  private static Node nodeA;
  private static Node nodeB;
  private static ToneProvider.Behaviour toneA;
  private static ToneProvider.Behaviour toneB;
  private static int unique;

  private static String cluster;
  private static Map<String, String> common;
  /**
   * Provider nodes a test killed (false) or drained (true: still running, to be stopped): replaced after it, so
   * every test starts with two healthy ones.
   */
  private static final Map<Node, Boolean> spent = new HashMap<>();

  @BeforeAll
  static void startCluster() throws Exception {
    cluster = TestNodes.uniqueClusterName();
    common = Map.of("MAX_LOAD_PER_PROVIDER", "1", "PROVIDER_STALL_TIMEOUT_MS", "500",
        "ROUTE_QUEUE_MS", "1000", "ESPEAK_ENABLED", "false",
        "CIRCUIT_FAILURE_THRESHOLD", "2", "CIRCUIT_OPEN_MS", "1000", "ADAPTIVE_QUALITY", "true",
        "LATENCY_TARGET_MS", "250");
    Map<String, String> env = TestNodes.env(cluster);
    env.putAll(common);
    env.put("NODE_ROLES", "gateway,pipeline,cache");
    gateway = TestNodes.start(env);
    nodeA = providerNode(cluster, common);
    nodeB = providerNode(cluster, common);
    toneA = ToneProvider.deployOn(nodeA);
    toneB = ToneProvider.deployOn(nodeB);
    awaitInstancesOfAAndB();
  }

  private static Node providerNode(String cluster, Map<String, String> common) {
    Map<String, String> env = TestNodes.env(cluster);
    env.putAll(common);
    env.put("NODE_ROLES", "providers");
    return TestNodes.start(env);
  }

  @AfterAll
  static void stopCluster() {
    for (Node node : new Node[] {nodeB, nodeA, gateway}) {
      if (node != null) {
        TestNodes.stop(node);
      }
    }
  }

  @BeforeEach
  void reset() throws Exception {
    for (ToneProvider.Behaviour b : List.of(toneA, toneB)) {
      b.firstByteDelayMs.set(0);
      b.chunkDelayMs.set(0);
      b.failing.set(0);
      b.fastTiers.clear();
      b.slowOnce = ConcurrentHashMap.newKeySet();
    }
    awaitCircuits("closed", "closed"); // an earlier test may have left a circuit open
    awaitIdle(); // and a slot held by a reply that is still ending
  }

  /** Waits until no instance holds a request: a reply frees its slot only once the pipeline's replyDone arrives. */
  private static void awaitIdle() throws Exception {
    Await.until(() -> "every instance idle: " + instances(), Duration.ofSeconds(10),
        () -> instances().stream().map(JsonObject.class::cast).allMatch(i -> i.getInteger("inFlight") == 0));
  }

  @AfterEach
  void replaceSpentProviderNodes() throws Exception {
    if (spent.isEmpty()) {
      return;
    }
    if (spent.containsKey(nodeA)) {
      nodeA = replace(nodeA);
      toneA = ToneProvider.deployOn(nodeA);
    }
    if (spent.containsKey(nodeB)) {
      nodeB = replace(nodeB);
      toneB = ToneProvider.deployOn(nodeB);
    }
    awaitInstancesOfAAndB();
  }

  private static Node replace(Node old) {
    if (spent.remove(old)) {
      TestNodes.stop(old);
    }
    return providerNode(cluster, common);
  }

  /** The tone provider's instances in the gateway's live view (the nodes also announce their unconfigured cloud providers). */
  private static JsonArray instances() throws Exception {
    WebClient http = WebClient.create(gateway.vertx());
    try {
      JsonArray providers = http.get(gateway.httpPort(), "127.0.0.1", "/api/v1/providers")
          .bearerTokenAuthentication(TestNodes.devTokens(gateway.vertx(), gateway.httpPort()).getString("apiToken"))
          .send().await(10, TimeUnit.SECONDS).bodyAsJsonObject().getJsonArray("providers");
      return providers.stream().map(JsonObject.class::cast).filter(p -> ToneProvider.NAME.equals(p.getString("name")))
          .findFirst().map(p -> p.getJsonArray("instances")).orElse(new JsonArray());
    } finally {
      http.close();
    }
  }

  /** Waits until the gateway's live view holds exactly the tone instances of nodes A and B. */
  private static void awaitInstancesOfAAndB() throws Exception {
    Set<String> expected = Set.of(nodeA.state().nodeId(), nodeB.state().nodeId());
    Await.until(() -> "the gateway sees the tone instances of A and B: " + instances(), Duration.ofSeconds(30), () -> {
      JsonArray instances = instances();
      return instances.size() == 2 && expected.equals(Set.of(instances.getJsonObject(0).getString("node"),
          instances.getJsonObject(1).getString("node")));
    });
  }

  private static JsonObject synthesize(String id, String text) {
    return new JsonObject().put("type", "synthesize").put("id", id).put("text", text).put("provider", ToneProvider.NAME);
  }

  /** Distinct text in every sentence, so the audio cache never answers instead of a provider. */
  private static String fresh(String text) {
    int run = ++unique;
    return "Run " + run + ". " + text.replace(". ", ", run " + run + ". ");
  }

  @Test
  void theLiveViewShowsEachInstanceWithItsLoad() throws Exception {
    JsonArray instances = instances();
    assertEquals(2, instances.size());
    for (int i = 0; i < 2; i++) {
      JsonObject instance = instances.getJsonObject(i);
      assertEquals(1, instance.getInteger("capacity"), instance.encode());
      assertEquals("closed", instance.getString("circuit"));
      assertTrue(instance.getString("address").startsWith("tts.provider.tone.instance."), instance.encode());
    }
    assertTrue(List.of(nodeA.state().nodeId(), nodeB.state().nodeId())
        .containsAll(List.of(instances.getJsonObject(0).getString("node"), instances.getJsonObject(1).getString("node"))));
  }

  @Test
  void aWholeSentenceRequestFreesItsSlotWhenItEnds() throws Exception {
    // Capacity is 1 here: were a bare request (as health probes send) to keep its slot, the second would be refused.
    String address = instances().getJsonObject(0).getString("address");
    for (String text : List.of("First bare sentence.", "Second bare sentence.")) {
      ProviderMessage.Probe probe = new ProviderMessage.Probe(TtsRequest.parse(
          new JsonObject().put("text", text).put("provider", ToneProvider.NAME), 5000, 24000));
      Buffer pcm = gateway.vertx().eventBus().<Buffer>request(address, probe.body(), BusProtocol.options(probe))
          .await(10, TimeUnit.SECONDS).body();
      assertEquals(ToneProvider.expected(text), pcm);
    }
  }

  @Test
  void withCapacityOneTheSecondConcurrentRequestGoesToTheOtherNodeAndAThirdWaitsThenIsRefused() throws Exception {
    // Replies of about two seconds each: longer than the queue time of the third.
    toneA.chunkDelayMs.set(60);
    toneB.chunkDelayMs.set(60);
    int a = toneA.requests.get();
    int b = toneB.requests.get();
    try (WsProbe ws = new WsProbe(gateway.vertx(), gateway.httpPort())) {
      ws.nextOfType("ready");
      ws.send(synthesize("c1", fresh(TEXT)));
      ws.send(synthesize("c2", fresh(TEXT)));
      ws.send(synthesize("c3", fresh(TEXT)));
      Reply first = ws.collect("c1");
      Reply second = ws.collect("c2");
      Reply third = ws.collect("c3");
      assertEquals("audio_end", first.last().getString("type"), first.last().encode());
      assertEquals("audio_end", second.last().getString("type"), second.last().encode());
      assertEquals(List.of(), first.last().getJsonArray("switches").getList());
      assertEquals(List.of(), second.last().getJsonArray("switches").getList());
      assertTrue(toneA.requests.get() > a && toneB.requests.get() > b,
          "both nodes served: A " + (toneA.requests.get() - a) + ", B " + (toneB.requests.get() - b));
      assertEquals("error", third.last().getString("type"), "both instances were full for longer than the queue time");
      assertEquals("provider_unavailable", third.last().getString("code"));
      assertTrue(third.last().getString("message").contains("at capacity"), third.last().encode());
    }
  }

  @Test
  void newRequestsGoMostlyToTheFasterNode() throws Exception {
    toneA.firstByteDelayMs.set(250);
    try (WsProbe ws = new WsProbe(gateway.vertx(), gateway.httpPort())) {
      ws.nextOfType("ready");
      // Pairs at once, so both instances get measured (capacity 1 puts them on different nodes), until the averages
      // show A clearly slower: slow requests of earlier tests may still weigh on B's.
      int[] pair = {0};
      Await.until(() -> "load reports show A slower than B: " + instances(), Duration.ofSeconds(30), () -> {
        ws.send(synthesize("w1-" + ++pair[0], fresh("Warm up.")));
        ws.send(synthesize("w2-" + pair[0], fresh("Warm up.")));
        ws.collect("w1-" + pair[0]);
        ws.collect("w2-" + pair[0]);
        return ttfaOf(nodeA) > 2 * ttfaOf(nodeB) && ttfaOf(nodeB) >= 0;
      });
      int a = toneA.requests.get();
      int b = toneB.requests.get();
      double hedged = hedges("sent");
      for (int i = 0; i < 10; i++) {
        Reply reply = ws.collect(sendAndId(ws, "m" + i, fresh("Short reply " + i + ".")));
        assertEquals("audio_end", reply.last().getString("type"), reply.last().encode());
      }
      int slow = toneA.requests.get() - a;
      int fast = toneB.requests.get() - b;
      assertEquals(20 + hedges("sent") - hedged, slow + fast, "two sentences per request, and one per hedge");
      assertTrue(fast >= 16, "the fast node served most: fast " + fast + ", slow " + slow);
    }
  }

  @Test
  void aLateFirstByteIsHedgedOnTheOtherInstanceAndTheFasterAnswerIsPlayedOnce() throws Exception {
    try (WsProbe ws = new WsProbe(gateway.vertx(), gateway.httpPort())) {
      ws.nextOfType("ready");
      // Two at once, so both instances have a measured p95 (capacity 1 puts them on different nodes).
      ws.send(synthesize("hw1", fresh("Warm up.")));
      ws.send(synthesize("hw2", fresh("Warm up.")));
      ws.collect("hw1");
      ws.collect("hw2");
      Await.until(() -> "load reports carry both p95 times to first audio: " + instances(), Duration.ofSeconds(10),
          () -> p95Of(nodeA) >= 0 && p95Of(nodeB) >= 0);
      awaitIdle(); // a hedge never waits for capacity: the warm-up replies must have freed both slots
      double sent = hedges("sent");
      double won = hedges("won");
      // Whichever instance gets the sentence is slow (beyond its hedge time, at least the 500 ms floor); the other
      // one, asked by the hedge, answers at once. One set for both: the first request takes the text out of it.
      String text = "A hedged sentence, run " + ++unique + ".";
      Set<String> slowOnce = ConcurrentHashMap.newKeySet();
      slowOnce.add(text);
      toneA.slowOnce = slowOnce;
      toneB.slowOnce = slowOnce;
      ws.send(synthesize("h1", text));
      Reply reply = ws.collect("h1");
      assertEquals("audio_end", reply.last().getString("type"), reply.last().encode());
      assertEquals(List.of(text), reply.frames().stream().filter(f -> f.isType("sentence"))
          .map(f -> f.json().getString("text")).toList(), "the sentence announced once");
      assertEquals(ToneProvider.expected(text), reply.pcm(), "its audio once, exactly");
      assertEquals(0, reply.last().getJsonArray("switches").size(), "a hedge is not a switch: " + reply.last());
      assertEquals(sent + 1, hedges("sent"));
      assertEquals(won + 1, hedges("won"), "the hedge answered first");
      assertTrue(toneA.texts.contains(text) && toneB.texts.contains(text), "both instances were asked for it");
    }
    // The cancelled sentence holds the late instance until its delayed first write: not into the next test.
    awaitIdle();
  }

  private static double hedges(String outcome) {
    var counter = gateway.metrics().registry().find("tts.hedges").tag("outcome", outcome).counter();
    return counter == null ? 0 : counter.count();
  }

  private static long p95Of(Node node) throws Exception {
    return instanceOf(node.state().nodeId()).map(i -> i.getLong("ttfaP95Ms")).orElse(-1L);
  }

  /** The instance's time-to-first-audio average in the gateway's live view; -1 before its first measurement. */
  private static double ttfaOf(Node node) throws Exception {
    return instanceOf(node.state().nodeId()).map(i -> i.getDouble("ttfaEwmaMs")).orElse(-1.0);
  }

  private static String sendAndId(WsProbe ws, String id, String text) {
    ws.send(synthesize(id, text));
    return id;
  }

  @Test
  void anEngineFailureMidReplyContinuesOnTheOtherInstance() throws Exception {
    toneA.chunkDelayMs.set(10);
    toneB.chunkDelayMs.set(10);
    String text = fresh(TEXT);
    int a = toneA.requests.get();
    try (WsProbe ws = new WsProbe(gateway.vertx(), gateway.httpPort())) {
      ws.nextOfType("ready");
      ws.send(synthesize("f1", text));
      List<Frame> frames = new ArrayList<>();
      boolean failed = false;
      while (true) {
        Frame frame = ws.next();
        frames.add(frame);
        if (!failed && frame.binary() != null && frames.stream().filter(f -> f.binary() != null).count() == 3) {
          failed = true;
          // Whichever instance serves the reply fails from now on.
          (toneA.requests.get() > a ? toneA : toneB).failing.set(1);
        }
        if (frame.isType("audio_end") || frame.isType("error")) {
          break;
        }
      }
      assertExactlyOnce(frames, text, 1);
    }
  }

  @Test
  void aFailingInstanceIsCutOffByItsCircuitBreakerAndTakenBackAfterAProbe() throws Exception {
    toneA.failing.set(1);
    toneB.chunkDelayMs.set(20); // B's replies last long enough that the second of each pair goes to A
    String nodeOfA = nodeA.state().nodeId();
    try (WsProbe ws = new WsProbe(gateway.vertx(), gateway.httpPort())) {
      ws.nextOfType("ready");
      for (int pair = 0; pair < 10 && !"open".equals(circuitOf(nodeOfA)); pair++) {
        // Two at once with capacity 1: one of them lands on A.
        ws.send(synthesize("p" + pair + "a", fresh("Breaker test.")));
        ws.send(synthesize("p" + pair + "b", fresh("Breaker test.")));
        for (String id : List.of("p" + pair + "a", "p" + pair + "b")) {
          JsonObject end = ws.collect(id).last();
          assertEquals("audio_end", end.getString("type"), "failover hides the failure: " + end.encode());
        }
      }
      awaitCircuits("open", "closed"); // repeated failures opened A's circuit, as its next load report tells
      int tried = toneA.requests.get();
      for (int i = 0; i < 3; i++) {
        Reply reply = ws.collect(sendAndId(ws, "o" + i, fresh("While open.")));
        assertEquals(List.of(), reply.last().getJsonArray("switches").getList(), "no request tries A meanwhile");
      }
      assertTrue(toneA.requests.get() - tried <= 1, "at most the half-open probe reached A: " + (toneA.requests.get() - tried));
    }
    toneA.failing.set(0);
    awaitCircuits("closed", "closed");
  }

  private static Optional<JsonObject> instanceOf(String node) throws Exception {
    return instances().stream().map(JsonObject.class::cast).filter(i -> i.getString("node").equals(node)).findFirst();
  }

  private static String circuitOf(String node) throws Exception {
    return instanceOf(node).map(i -> i.getString("circuit")).orElse("absent");
  }

  /** Waits (bounded) until the gateway's live view shows these circuit states for A and B. */
  private static void awaitCircuits(String a, String b) throws Exception {
    Await.until(() -> "circuits " + a + "/" + b + " in " + instances(), Duration.ofSeconds(10),
        () -> a.equals(circuitOf(nodeA.state().nodeId())) && b.equals(circuitOf(nodeB.state().nodeId())));
  }

  @Test
  void anInstanceThatStallsIsCountedAsFailingByItsCircuitBreaker() throws Exception {
    // First audio at once, then silence far past the 500 ms stall deadline. A stalled sentence holds A's slot until
    // A notices the cancel (its next write), so A takes a new reply only every second or so.
    toneA.chunkDelayMs.set(1_500);
    toneB.chunkDelayMs.set(20); // B's replies last long enough that the second of each pair goes to A
    double before = failovers();
    try (WsProbe ws = new WsProbe(gateway.vertx(), gateway.httpPort())) {
      ws.nextOfType("ready");
      for (int pair = 0; pair < 30 && "closed".equals(circuitOf(nodeA.state().nodeId())); pair++) {
        ws.send(synthesize("s" + pair + "a", fresh("Stall test, with enough words to need a few chunks.")));
        ws.send(synthesize("s" + pair + "b", fresh("Stall test, with enough words to need a few chunks.")));
        for (String id : List.of("s" + pair + "a", "s" + pair + "b")) {
          JsonObject end = ws.collect(id).last();
          assertEquals("audio_end", end.getString("type"), "the stalled reply failed over: " + end.encode() + " " + instances());
        }
      }
      awaitCircuits("open", "closed"); // a stalling probe keeps it open
    }
    assertTrue(failovers() > before, "tts_failovers_total counted the switches");
    toneA.chunkDelayMs.set(0);
    awaitCircuits("closed", "closed");
  }

  private static double failovers() {
    var counter = gateway.metrics().registry().find("tts.failovers").tag("from", "other").tag("to", "other").counter();
    return counter == null ? 0 : counter.count();
  }

  @Test
  void adaptiveQualityStepsDownWhileSlowAndBackUpAfterRecovery() throws Exception {
    for (ToneProvider.Behaviour b : List.of(toneA, toneB)) {
      b.firstByteDelayMs.set(600);
      b.fastTiers.add(QualityTier.FAST);
    }
    double downBefore = qualityChanges("down");
    double upBefore = qualityChanges("up");
    List<String> tiers = new ArrayList<>();
    try (WsProbe ws = new WsProbe(gateway.vertx(), gateway.httpPort())) {
      ws.nextOfType("ready");
      for (int i = 0; i < 10; i++) {
        if (i == 4) {
          toneA.firstByteDelayMs.set(0);
          toneB.firstByteDelayMs.set(0);
        }
        ws.send(synthesize("q" + i, fresh("Quality " + i + ".")).put("quality", "high"));
        Reply reply = ws.collect("q" + i);
        assertEquals("audio_end", reply.last().getString("type"), reply.last().encode());
        tiers.add(reply.first("audio_start").getString("quality"));
      }
    }
    // Two slow replies per step down (high, balanced), three good ones per step up (fast, balanced).
    assertEquals(List.of("high", "high", "balanced", "balanced", "fast", "fast", "fast", "balanced", "balanced",
        "balanced"), tiers);
    assertEquals(2, qualityChanges("down") - downBefore);
    assertEquals(2, qualityChanges("up") - upBefore, "the last reply stepped up to high again");
  }

  private static double qualityChanges(String direction) {
    return gateway.metrics().registry().get("tts.quality.changes").tag("direction", direction).counter().count();
  }

  @Test
  void killingTheProviderNodeMidReplyLosesNothingAndPlaysNothingTwice() throws Exception {
    toneA.chunkDelayMs.set(20);
    toneB.chunkDelayMs.set(20);
    String text = fresh(TEXT);
    int a = toneA.requests.get();
    try (WsProbe ws = new WsProbe(gateway.vertx(), gateway.httpPort())) {
      ws.nextOfType("ready");
      ws.send(synthesize("k1", text));
      List<Frame> frames = new ArrayList<>();
      Node killed = null;
      while (true) {
        Frame frame = ws.next();
        frames.add(frame);
        if (killed == null && frames.stream().filter(f -> f.binary() != null).count() == 8) {
          killed = toneA.requests.get() > a ? nodeA : nodeB;
          spent.put(killed, false);
          killed.vertx().close().await(30, TimeUnit.SECONDS);
        }
        if (frame.isType("audio_end") || frame.isType("error")) {
          break;
        }
      }
      JsonObject end = assertExactlyOnce(frames, text, 1);
      JsonObject sw = end.getJsonArray("switches").getJsonObject(0);
      assertEquals(killed.state().nodeId(), sw.getString("fromNode"));
    }
  }

  @Test
  void aDrainedProviderNodeFinishesItsReplyAndGetsNoNewOnes() throws Exception {
    toneA.chunkDelayMs.set(20);
    toneB.chunkDelayMs.set(20);
    String text = fresh(TEXT + " ").strip(); // the last sentence too is new, so no sentence comes from the cache
    String firstSentence = text.substring(0, text.indexOf('.') + 1);
    try (WsProbe ws = new WsProbe(gateway.vertx(), gateway.httpPort())) {
      ws.nextOfType("ready");
      ws.send(synthesize("d1", text));
      Await.until("the reply starts on A or B", Duration.ofSeconds(10),
          () -> toneA.texts.contains(firstSentence) || toneB.texts.contains(firstSentence));
      boolean onA = toneA.texts.contains(firstSentence);
      Node drained = onA ? nodeA : nodeB;
      ToneProvider.Behaviour drainedTone = onA ? toneA : toneB;
      ToneProvider.Behaviour otherTone = onA ? toneB : toneA;
      spent.put(drained, true);
      JsonObject status = drained.state().drain().await(10, TimeUnit.SECONDS);
      assertEquals(true, status.getBoolean("draining"));
      assertTrue(status.getInteger("inFlight") >= 1, status.encode());

      // While the drained node still streams d1, a new reply goes to the other node (capacity 1 each).
      String next = fresh("A new reply after the drain. ").strip();
      Reply newReply = ws.collect(sendAndId(ws, "n1", next));
      assertEquals("audio_end", newReply.last().getString("type"), newReply.last().encode());
      Reply running = ws.collect("d1");
      assertExactlyOnce(running.frames(), text, 0);
      List<String> spoken = running.frames().stream().filter(f -> f.isType("sentence"))
          .map(f -> f.json().getString("text")).toList();
      assertTrue(drainedTone.texts.containsAll(spoken), "the drained node spoke all of its running reply");
      List<String> nextSpoken = newReply.frames().stream().filter(f -> f.isType("sentence"))
          .map(f -> f.json().getString("text")).toList();
      assertEquals(2, nextSpoken.size(), nextSpoken.toString());
      assertTrue(otherTone.texts.containsAll(nextSpoken), "the new reply went to the other node");
      assertTrue(nextSpoken.stream().noneMatch(drainedTone.texts::contains), "the drained node took no new reply");
      assertEquals(0, drained.state().drainStatus().getInteger("inFlight"));
    }
  }

  /**
   * Every sentence once, in order, seq contiguous, the audio exactly the provider's, and {@code switches} provider
   * switches (0 or 1) in the audio_end, which it returns.
   */
  private static JsonObject assertExactlyOnce(List<Frame> frames, String text, int switches) {
    JsonObject end = frames.get(frames.size() - 1).json();
    assertEquals("audio_end", end.getString("type"), end.encode());
    List<String> sentences = new ArrayList<>();
    Buffer pcm = Buffer.buffer();
    long seq = 0;
    for (Frame f : frames) {
      if (f.binary() != null) {
        assertEquals(seq++, f.seq(), "contiguous frame numbers");
        pcm.appendBuffer(f.pcm());
      } else if (f.isType("sentence")) {
        assertEquals(sentences.size(), f.json().getInteger("index"), "sentences in order, none twice");
        sentences.add(f.json().getString("text"));
      }
    }
    assertEquals(TEXT_SENTENCES + 1, sentences.size(), "all sentences: " + sentences);
    Buffer expected = Buffer.buffer();
    sentences.forEach(s -> expected.appendBuffer(ToneProvider.expected(s)));
    assertEquals(expected.length(), pcm.length(), "no audio lost or repeated; switches " + end.getJsonArray("switches"));
    assertEquals(expected, pcm, "the audio is exactly each sentence's, once");
    assertEquals(switches, end.getJsonArray("switches").size(), end.encode());
    if (switches == 0) {
      return end;
    }
    JsonObject sw = end.getJsonArray("switches").getJsonObject(0);
    assertEquals(ToneProvider.NAME, sw.getString("from"));
    assertEquals(ToneProvider.NAME, sw.getString("to"));
    assertEquals(ToneProvider.VOICE, sw.getString("voice"));
    assertTrue(sw.getString("fromNode") != null && !sw.getString("fromNode").equals(sw.getString("toNode")), sw.encode());
    assertTrue(sw.getInteger("sentence") >= 0 && sw.getInteger("sentence") < sentences.size(), sw.encode());
    return end;
  }
}
