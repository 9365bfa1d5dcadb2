package com.ervc.protocol;

import io.vertx.core.eventbus.DeliveryOptions;

/**
 * A typed event-bus message: its {@code type} header value and its body as sent (JSON, a Buffer, a String or
 * nothing). Each implementation is the one place that maps its message to and from its body; {@link BusMessage}
 * lists them all with their addresses.
 */
public interface BusBody {
  /** The value of the {@link BusProtocol#H_TYPE} header, which receivers dispatch on, from the catalogue. */
  default String type() {
    return BusMessage.typeOf(getClass());
  }

  /** The body as it travels. */
  Object body();

  /** Headers of this message besides type and protocol version (e.g. a cache entry's key). */
  default void addHeaders(DeliveryOptions options) {
  }
}
