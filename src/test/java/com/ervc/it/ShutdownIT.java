package com.ervc.it;

import com.ervc.node.Node;
import com.ervc.testing.TestNodes;
import com.ervc.testing.WsProbe;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Graceful stop: running streams get the drain time to finish; what is still running then ends with an error. */
class ShutdownIT {
  private static final short GOING_AWAY = 1001;
  /** The client lives in its own Vert.x, as a browser would: closing the node must not close the client. */
  private static Vertx client;

  @BeforeAll
  static void startClient() {
    client = Vertx.vertx();
  }

  @AfterAll
  static void stopClient() throws Exception {
    client.close().await(10, TimeUnit.SECONDS);
  }

  private static Node node(int drainSeconds, String espeakBinary) {
    Map<String, String> env = TestNodes.env(TestNodes.uniqueClusterName());
    env.put("SHUTDOWN_DRAIN_SECONDS", Integer.toString(drainSeconds));
    env.put("ESPEAK_BINARY", espeakBinary);
    return TestNodes.start(env);
  }

  /** Sixty different sentences (identical ones would come from the cache). */
  private static String longStory() {
    StringBuilder story = new StringBuilder();
    for (int i = 1; i <= 60; i++) {
      story.append("This is sentence ").append(i).append(" of a long story. ");
    }
    return story.toString();
  }

  /** espeak-ng behind a wrapper that takes 300 ms per call, so a long text is sure to outlast the drain time. */
  private static String slowEspeak() {
    return TestNodes.script("sleep 0.3\nexec espeak-ng \"$@\"");
  }

  @Test
  void aStreamInFlightFinishesBeforeTheSocketCloses() throws Exception {
    Node node = node(10, "espeak-ng");
    try (WsProbe ws = new WsProbe(client, node.httpPort())) {
      ws.nextOfType("ready");
      ws.send(new JsonObject().put("type", "synthesize").put("id", "last").put("text", "One last sentence, please."));
      ws.nextOfType("audio_start");
      CompletableFuture<Void> stopping = CompletableFuture.runAsync(() -> TestNodes.stop(node));
      JsonObject end = ws.collect("last").last();
      assertEquals("audio_end", end.getString("type"));
      assertEquals(GOING_AWAY, ws.awaitClose(15_000));
      stopping.get(40, TimeUnit.SECONDS);
    }
  }

  @Test
  void aStreamLongerThanTheDrainTimeEndsWithAnError() throws Exception {
    Node node = node(1, slowEspeak());
    try (WsProbe ws = new WsProbe(client, node.httpPort())) {
      ws.nextOfType("ready");
      ws.send(new JsonObject().put("type", "synthesize").put("id", "long")
          .put("text", longStory()));
      ws.nextOfType("audio_start");
      CompletableFuture<Void> stopping = CompletableFuture.runAsync(() -> TestNodes.stop(node));
      JsonObject last = ws.collect("long").last();
      assertEquals("error", last.getString("type"));
      assertEquals("provider_unavailable", last.getString("code"));
      assertEquals(GOING_AWAY, ws.awaitClose(15_000));
      stopping.get(40, TimeUnit.SECONDS);
    }
  }
}
