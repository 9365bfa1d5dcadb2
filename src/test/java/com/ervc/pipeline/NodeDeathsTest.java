package com.ervc.pipeline;

import com.ervc.cache.MemoryAudioCache;
import com.ervc.cluster.LoadRegistry;
import com.ervc.config.ConfigLoader;
import com.ervc.metrics.ServiceMetrics;
import com.ervc.protocol.TtsRequest;
import com.ervc.testing.Await;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * A provider node's death learnt from its watch connection (a real TCP connection to a local server standing in for
 * the node's event-bus port): closed by the node, or refused, it fails the node's streams at once; membership telling
 * first closes the watch. Everything of {@link NodeDeaths} runs on one Vert.x context, as in the pipeline.
 */
class NodeDeathsTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private final Vertx vertx = Vertx.vertx();
  private final Context context = vertx.getOrCreateContext();
  private final ServiceMetrics metrics = ServiceMetrics.create("test");
  private final ProviderReceiver receiver =
      new ProviderReceiver(vertx, new DeadlinePolicy(ConfigLoader.load(null, Map.of()).tts()));
  private final List<NetSocket> accepted = new CopyOnWriteArrayList<>();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  private NodeDeaths deaths(int port) {
    NodeDeaths deaths = new NodeDeaths(new LoadRegistry(null), receiver, metrics,
        node -> node.equals("node-a") ? Future.succeededFuture(SocketAddress.inetSocketAddress(port, "127.0.0.1"))
            : Future.failedFuture("no such node"));
    context.runOnContext(v -> deaths.listen(vertx));
    return deaths;
  }

  /** A stream from node-a, registered and watched on the context. */
  private SentenceStream streamFromNodeA(NodeDeaths deaths) throws Exception {
    SentenceStream stream = new SentenceStream(new Route("espeak", "i1", "node-a", "addr-a", "en-us"),
        new Deadlines(60_000, 60_000, Deadlines.NO_HEDGE), false, System.nanoTime());
    context.runOnContext(v -> {
      receiver.register("s1", stream);
      deaths.watch("node-a");
    });
    return stream;
  }

  private int nodePort() {
    NetServer node = vertx.createNetServer().connectHandler(accepted::add);
    return node.listen(0, "127.0.0.1").await().actualPort();
  }

  private double deathsBy(String source) {
    Counter counter = metrics.registry().find("tts.node.deaths").tag("source", source).counter();
    return counter == null ? 0 : counter.count();
  }

  @Test
  void aNodeWhoseConnectionClosesIsGoneAndItsStreamsFailAtOnce() throws Exception {
    NodeDeaths deaths = deaths(nodePort());
    SentenceStream stream = streamFromNodeA(deaths);
    Await.until("the node accepted the watch connection", WAIT, () -> accepted.size() == 1);
    assertFalse(stream.done(), "a live node's stream goes on");
    accepted.get(0).close(); // what the kernel does for a process that died
    // NodeDeaths fails the streams first and counts the death after, on its context: seen from this thread the
    // stream can have failed while the counter is still 0.
    Await.until("the stream failed and the death was counted", WAIT,
        () -> stream.whole().failed() && deathsBy("connection") > 0);
    assertEquals("provider espeak@node-a: node gone (connection)", stream.whole().cause().getMessage());
    assertEquals(1, deathsBy("connection"));
  }

  @Test
  void aRefusedWatchConnectionMeansTheNodeIsGone() throws Exception {
    int port;
    try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = closed.getLocalPort(); // free once closed: a connection there is refused
    }
    SentenceStream stream = streamFromNodeA(deaths(port));
    Await.until("the stream failed", WAIT, () -> stream.whole().failed());
    assertEquals("provider espeak@node-a: node gone (connection)", stream.whole().cause().getMessage());
  }

  @Test
  void membershipTellingFirstClosesTheWatchAndCountsOnce() throws Exception {
    NodeDeaths deaths = deaths(nodePort());
    SentenceStream stream = streamFromNodeA(deaths);
    Await.until("the node accepted the watch connection", WAIT, () -> accepted.size() == 1);
    List<Boolean> watchClosed = new CopyOnWriteArrayList<>();
    accepted.get(0).closeHandler(v -> watchClosed.add(true));
    vertx.eventBus().publish(LoadRegistry.NODE_LEFT, "node-a", new DeliveryOptions().setLocalOnly(true));
    // The death is counted after the stream failed and the watch was closed (see above): wait for the count too.
    Await.until("the stream failed, the watch closed and the death was counted", WAIT,
        () -> stream.whole().failed() && !watchClosed.isEmpty() && deathsBy("membership") > 0);
    assertEquals("provider espeak@node-a: node gone (membership)", stream.whole().cause().getMessage());
    assertEquals(1, deathsBy("membership"));
    assertEquals(0, deathsBy("connection"), "the watch closing after membership told is not a second death");
    assertEquals(0, receiver.nodeGone("node-a", "again"), "no stream of the node is left");
  }

  @Test
  void aSentenceAskedOfANodeAlreadyKnownGoneFailsAtOnceAndNothingIsSentThere() throws Exception {
    NodeDeaths deaths = deaths(nodePort());
    List<String> sentTo = new CopyOnWriteArrayList<>();
    vertx.eventBus().addOutboundInterceptor(ctx -> {
      sentTo.add(ctx.message().address());
      ctx.next();
    });
    SentenceAudioSource source = new SentenceAudioSource(vertx.eventBus(), receiver, 1000, 30_000, metrics,
        route -> new Deadlines(60_000, 60_000, Deadlines.NO_HEDGE), deaths,
        new MemoryAudioCache(10, 1 << 20, 60_000, System::currentTimeMillis));
    Route onA = new Route("espeak", "i1", "node-a", "addr-a", "en-us");
    TtsRequest sentence = TtsRequest.parse(new JsonObject().put("text", "Hello there."), 1000, 24_000)
        .withProvider("espeak", "en-us");
    CompletableFuture<SentenceStream> opened = new CompletableFuture<>();
    context.runOnContext(v -> {
      deaths.died("node-a", NodeDeaths.MEMBERSHIP);
      source.open(sentence, onA, "reply-1").onSuccess(opened::complete);
    });
    SentenceStream stream = opened.get(10, TimeUnit.SECONDS);
    Await.until("the stream failed", WAIT, () -> stream.whole().failed());
    assertEquals("provider espeak@node-a: node gone", stream.whole().cause().getMessage());
    assertFalse(sentTo.contains("addr-a"), "no request to the dead node, which would wait for its reply timeout: "
        + sentTo);
  }
}
