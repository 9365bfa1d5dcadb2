package com.ervc.pipeline;

import com.ervc.cluster.LoadRegistry;
import com.ervc.metrics.ServiceMetrics;
import com.ervc.protocol.BusProtocol;
import com.ervc.protocol.ProviderMessage;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.ReplyException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashSet;
import java.util.Set;

/**
 * Learns at once that a provider node died, from whichever tells first: the cluster's membership ({@code
 * node/Node} relays Hazelcast's member-removed event) or a ping to the node that failed in transport. Every
 * provider stream of the node then fails, so each reply fails over now instead of waiting out a deadline, and the
 * node's instances leave the load view so no new request goes there. Not thread-safe: one event loop.
 * <p>
 * Why pings: a JVM that was killed tells nobody, and after its death the pipeline sends nothing to it (the audio
 * comes from the provider), so nothing would notice that its connection closed. Vert.x 5 does not fail a request
 * whose connection is refused (its reply waits for the timeout), but a {@code sender(...).write} future fails as
 * soon as the message cannot be written. So while a stream from a node has been silent for {@link #PING_SILENCE_MS},
 * the node gets a {@link ProviderMessage.Ping} every {@link #PING_EVERY_MS}: on loopback, or to a host whose process
 * died, the connection is refused or already closed within a millisecond. A ping that is written proves nothing either
 * way (a hung or vanished host accepts writes until its TCP connection times out): the deadlines and Hazelcast's
 * failure detector cover those.
 */
final class NodeDeaths {
  static final String MEMBERSHIP = "membership";
  static final String SEND = "send";
  /**
   * Silence after which a stream's node is pinged: above a healthy local engine's gap between chunks, and far below
   * the shortest deadline (the pings cost one small message per node and period, only while a stream waits).
   */
  static final long PING_SILENCE_MS = 50;
  static final long PING_EVERY_MS = 25;
  private static final Logger LOG = LoggerFactory.getLogger(NodeDeaths.class);

  private final LoadRegistry registry;
  private final ProviderReceiver receiver;
  private final ServiceMetrics metrics;
  /** Node ids already counted: a node id never comes back (a restarted JVM joins with a new one). */
  private final Set<String> counted = new HashSet<>();
  private final Set<String> pinging = new HashSet<>();

  NodeDeaths(LoadRegistry registry, ProviderReceiver receiver, ServiceMetrics metrics) {
    this.registry = registry;
    this.receiver = receiver;
    this.metrics = metrics;
  }

  void listen(Vertx vertx) {
    vertx.eventBus().<String>localConsumer(LoadRegistry.NODE_LEFT, msg -> died(msg.body(), MEMBERSHIP));
    vertx.setPeriodic(PING_EVERY_MS, id -> pingSilentNodes(vertx.eventBus()));
  }

  /** Node {@code nodeId} is gone, as {@code source} tells. */
  void died(String nodeId, String source) {
    registry.nodeLeft(nodeId);
    int streams = receiver.nodeGone(nodeId, source);
    if (counted.add(nodeId)) {
      metrics.nodeDeathDetected(source);
      LOG.warn("node {} is gone ({}): {} provider stream(s) fail over now", nodeId, source, streams);
    }
  }

  private void pingSilentNodes(EventBus bus) {
    receiver.silentNodes(System.nanoTime(), PING_SILENCE_MS * 1_000_000).forEach((node, address) -> {
      if (!pinging.add(node)) {
        return; // the last ping is not written yet
      }
      ProviderMessage.Ping ping = new ProviderMessage.Ping();
      bus.sender(address, BusProtocol.options(ping)).write(ping.body()).onComplete(ar -> {
        pinging.remove(node);
        if (ar.failed() && unreachable(ar.cause())) {
          died(node, SEND);
        }
      });
    });
  }

  /**
   * Whether a message that could not be written means its node cannot be reached: a transport failure (connection
   * refused, reset or closed), not a refusal by the event bus such as no handler for the address (an instance that
   * left while its node lives on).
   */
  static boolean unreachable(Throwable failure) {
    return !(failure instanceof ReplyException);
  }
}
