package com.ervc.admin;

import com.ervc.protocol.Addresses;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BusTailTest {
  private long now = 1_000_000;
  private final Map<String, Long> counted = new HashMap<>();
  private final BusTail tail = new BusTail(() -> now, (outcome, n) -> counted.merge(outcome, n, Long::sum));
  private int bodiesRead;

  private void deliver(String address, Object body) {
    tail.offer(address, MultiMap.caseInsensitiveMultiMap().add("type", "t"), () -> {
      bodiesRead++;
      return body;
    });
  }

  @Test
  void offUntilStartedAndThenOnlyForTheChosenAddresses() {
    deliver(Addresses.PROVIDER_LOAD, new JsonObject().put("inFlight", 1));
    assertEquals(0, bodiesRead, "an idle tail does not even read bodies");
    assertFalse(tail.snapshot().getBoolean("on"));

    tail.start(List.of(Addresses.PROVIDER_LOAD, "tts.sink.<nodeId>"), false, 60_000);
    deliver(Addresses.PROVIDER_LOAD, new JsonObject().put("inFlight", 1));
    deliver(Addresses.sink("7f8d"), new JsonObject().put("index", 0));
    deliver(Addresses.CACHE_GET, new JsonObject().put("key", "k"));
    JsonObject state = tail.snapshot();
    assertTrue(state.getBoolean("on"));
    JsonArray samples = state.getJsonArray("samples");
    assertEquals(2, samples.size());
    assertEquals("tts.sink.7f8d", samples.getJsonObject(1).getString("address"));
    assertEquals("tts.sink.<nodeId>", samples.getJsonObject(1).getString("catalogue"));
    assertEquals("t", samples.getJsonObject(1).getString("type"));
    assertEquals(new JsonObject().put("inFlight", 1), samples.getJsonObject(0).getJsonObject("body"));
    assertEquals(Map.of("kept", 2L), counted);

    tail.stop();
    deliver(Addresses.PROVIDER_LOAD, new JsonObject());
    assertEquals(0, tail.snapshot().getJsonArray("samples").size());
  }

  @Test
  void textAndAudioAreRedactedUnlessTextIsAskedForAndAudioAlways() {
    JsonObject request = new JsonObject().put("request", new JsonObject().put("text", "my secret words")
        .put("previousText", "earlier").put("voice", "en-us")).put("sentence", "a sentence")
        .put("sentences", new JsonArray().add("one").add(new JsonObject().put("t", "two"))).put("index", 3);
    tail.start(List.of(Addresses.PIPELINE_SYNTHESIZE, Addresses.CACHE_PUT), false, 60_000);
    deliver(Addresses.PIPELINE_SYNTHESIZE, request);
    deliver(Addresses.CACHE_PUT, Buffer.buffer(new byte[960]));
    deliver(Addresses.PIPELINE_SYNTHESIZE, "a bare string");
    JsonArray samples = tail.snapshot().getJsonArray("samples");
    assertEquals(new JsonObject().put("request", new JsonObject().put("text", "[text, 15 chars]")
        .put("previousText", "[text, 7 chars]").put("voice", "en-us")).put("sentence", "[text, 10 chars]")
        .put("sentences", new JsonArray().add("[text, 3 chars]").add(new JsonObject().put("t", "[text, 3 chars]")))
        .put("index", 3),
        samples.getJsonObject(0).getJsonObject("body"));
    assertEquals("[binary, 960 bytes]", samples.getJsonObject(1).getString("body"));
    assertEquals("[text, 13 chars]", samples.getJsonObject(2).getString("body"));
    assertFalse(samples.encode().contains("secret"));

    tail.start(List.of(Addresses.PIPELINE_SYNTHESIZE, Addresses.CACHE_PUT), true, 60_000);
    deliver(Addresses.PIPELINE_SYNTHESIZE, request);
    deliver(Addresses.CACHE_PUT, Buffer.buffer(new byte[960]));
    JsonObject state = tail.snapshot();
    assertTrue(state.getBoolean("showText"));
    assertEquals(request, state.getJsonArray("samples").getJsonObject(0).getJsonObject("body"));
    assertEquals("[binary, 960 bytes]", state.getJsonArray("samples").getJsonObject(1).getString("body"));
  }

  @Test
  void atMostTwentyASecondAreKeptTheRestCountedAsDroppedAndTheBufferIsBounded() {
    tail.start(List.of(Addresses.PROVIDER_LOAD), false, 60_000);
    for (int second = 0; second < 15; second++) {
      for (int i = 0; i < 1_000; i++) {
        deliver(Addresses.PROVIDER_LOAD, new JsonObject().put("i", i));
      }
      now += 1_000;
    }
    JsonObject state = tail.snapshot();
    assertEquals(15L * BusTail.MAX_PER_SECOND, state.getLong("kept"));
    assertEquals(15L * (1_000 - BusTail.MAX_PER_SECOND), state.getLong("dropped"));
    assertEquals(Map.of("kept", 300L, "dropped", 14_700L), counted);
    assertEquals(BusTail.CAPACITY, state.getJsonArray("samples").size(), "the oldest samples went");
    assertEquals(300L, state.getJsonArray("samples").getJsonObject(BusTail.CAPACITY - 1).getLong("seq"));
    assertEquals(300, bodiesRead, "dropped messages' bodies are never read");
  }

  @Test
  void itTurnsItselfOffAfterItsDuration() {
    tail.start(List.of(Addresses.PROVIDER_LOAD), true, 5_000);
    deliver(Addresses.PROVIDER_LOAD, new JsonObject());
    now += 5_001;
    deliver(Addresses.PROVIDER_LOAD, new JsonObject());
    JsonObject state = tail.snapshot();
    assertFalse(state.getBoolean("on"));
    assertEquals(1L, state.getLong("kept"));
    tail.start(List.of(Addresses.PROVIDER_LOAD), false, 365L * 24 * 3600 * 1000);
    assertEquals(java.time.Instant.ofEpochMilli(now + BusTail.MAX_DURATION_MS).toString(),
        tail.snapshot().getString("until"), "at most half an hour");
  }
}
