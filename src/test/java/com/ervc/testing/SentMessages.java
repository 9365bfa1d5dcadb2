package com.ervc.testing;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryContext;

import java.util.concurrent.atomic.AtomicInteger;

/** Counts the messages one node's event bus sends or publishes to one address, from {@link #to} until closed. */
public final class SentMessages implements AutoCloseable {
  private final Vertx vertx;
  private final AtomicInteger count = new AtomicInteger();
  private final Handler<DeliveryContext<Object>> counter;

  private SentMessages(Vertx vertx, String address) {
    this.vertx = vertx;
    this.counter = ctx -> {
      if (address.equals(ctx.message().address())) {
        count.incrementAndGet();
      }
      ctx.next();
    };
    vertx.eventBus().addOutboundInterceptor(counter);
  }

  public static SentMessages to(Vertx vertx, String address) {
    return new SentMessages(vertx, address);
  }

  public int count() {
    return count.get();
  }

  @Override
  public void close() {
    vertx.eventBus().removeOutboundInterceptor(counter);
  }
}
