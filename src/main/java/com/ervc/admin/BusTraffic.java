package com.ervc.admin;

import com.ervc.protocol.BusMessage;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * One node's event-bus traffic for the admin console: messages received per catalogue address (counted by an
 * inbound interceptor, the address folded by {@link BusMessage#fold} so the count stays bounded), plus the
 * messages pending and the reply failures by kind that Vert.x's own meters count for the node. Vert.x's meters
 * carry no address label here (it would grow with every stream's reply address), hence the interceptor. The same
 * interceptor feeds the node's {@link BusTail}.
 */
public final class BusTraffic {
  private final Map<String, LongAdder> received = new ConcurrentHashMap<>();
  /**
   * Concrete address → its folded counter: folding matches the address against every catalogue pattern, too much to
   * repeat for each audio chunk of a stream. Bounded, since stream and reply addresses are new for every reply.
   */
  private final Cache<String, LongAdder> counterOf = Caffeine.newBuilder().maximumSize(4096).build();
  private final MeterRegistry registry;
  private final BusTail tail;

  /** @param tail the node's live tail, offered every delivered message */
  public BusTraffic(MeterRegistry registry, BusTail tail) {
    this.registry = registry;
    this.tail = tail;
  }

  public BusTail tail() {
    return tail;
  }

  /** Counts every message delivered to this node's handlers from now on, and offers it to the live tail. */
  public void install(EventBus bus) {
    bus.addInboundInterceptor(delivery -> {
      try {
        String address = delivery.message().address();
        count(address);
        tail.offer(address, delivery.message().headers(), delivery::body);
      } finally {
        delivery.next();
      }
    });
  }

  void count(String address) {
    // A reply address is new for every request: looked up in counterOf it would only churn that cache.
    LongAdder counter = BusMessage.isReply(address)
        ? received.computeIfAbsent(BusMessage.REPLY, folded -> new LongAdder())
        : counterOf.get(address, a -> received.computeIfAbsent(BusMessage.fold(a), folded -> new LongAdder()));
    counter.increment();
  }

  /**
   * {@code received} (catalogue address → messages since the node started), {@code pending} (messages waiting
   * for a handler) and {@code replyFailures} (kind → count) from the node's {@code vertx_eventbus_*} meters.
   */
  public JsonObject snapshot() {
    JsonObject counts = new JsonObject();
    new TreeMap<>(received).forEach((address, n) -> counts.put(address, n.sum()));
    double pending = 0;
    JsonObject failures = new JsonObject();
    for (Meter meter : registry.getMeters()) {
      String name = meter.getId().getName().replace('.', '_');
      if (name.equals("vertx_eventbus_pending") && meter instanceof Gauge gauge) {
        pending += gauge.value();
      } else if (name.startsWith("vertx_eventbus_reply_failures") && meter instanceof Counter counter) {
        String kind = String.valueOf(meter.getId().getTag("failure"));
        failures.put(kind, failures.getLong(kind, 0L) + (long) counter.count());
      }
    }
    return new JsonObject().put("received", counts).put("pending", (long) pending).put("replyFailures", failures);
  }
}
