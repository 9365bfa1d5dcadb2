package com.ervc.admin;

import com.ervc.protocol.Addresses;
import com.ervc.protocol.BusMessage;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class BusTrafficTest {
  private final BusTraffic traffic = new BusTraffic(new SimpleMeterRegistry(), new BusTail(() -> 0, (o, n) -> { }));

  @Test
  void countsEachMessageUnderItsCatalogueAddressAndEveryReplyUnderOne() {
    for (int i = 0; i < 3; i++) {
      traffic.count(Addresses.sink("node-" + i));
      traffic.count("__vertx.reply." + i);
    }
    traffic.count(Addresses.PIPELINE_SYNTHESIZE);
    traffic.count("not.in.the.catalogue");

    assertEquals(new JsonObject().put(BusMessage.REPLY, 3L).put(BusMessage.OTHER, 1L)
            .put(Addresses.PIPELINE_SYNTHESIZE, 1L).put(Addresses.sink("<nodeId>"), 3L),
        traffic.snapshot().getJsonObject("received"));
  }
}
