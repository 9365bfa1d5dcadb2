package com.ervc.pipeline;

import com.ervc.cluster.LoadRegistry;
import com.ervc.metrics.ServiceMetrics;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashSet;
import java.util.Set;

/**
 * Learns at once that a provider node died, from whichever tells first: the cluster's membership ({@code
 * node/Node} relays Hazelcast's member-removed event) or an event-bus send to the node that failed in transport
 * (connection refused or reset). Every provider stream of the node then fails, so each reply fails over now instead
 * of waiting out a deadline, and the node's instances leave the load view so no new request goes there. A JVM that
 * was killed tells nobody; the send usually notices first, membership within Hazelcast's failure detection.
 * Not thread-safe: one event loop.
 */
final class NodeDeaths {
  static final String MEMBERSHIP = "membership";
  static final String SEND = "send";
  private static final Logger LOG = LoggerFactory.getLogger(NodeDeaths.class);

  private final LoadRegistry registry;
  private final ProviderReceiver receiver;
  private final ServiceMetrics metrics;
  /** Node ids already counted: a node id never comes back (a restarted JVM joins with a new one). */
  private final Set<String> counted = new HashSet<>();

  NodeDeaths(LoadRegistry registry, ProviderReceiver receiver, ServiceMetrics metrics) {
    this.registry = registry;
    this.receiver = receiver;
    this.metrics = metrics;
  }

  void listen(Vertx vertx) {
    vertx.eventBus().<String>localConsumer(LoadRegistry.NODE_LEFT, msg -> died(msg.body(), MEMBERSHIP));
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

  /**
   * Whether a failed request to a node means the node cannot be reached: a transport error, not a timeout, a
   * refusal by the provider (503, 410) or a missing consumer (an instance that left while its node lives on).
   */
  static boolean unreachable(Throwable failure) {
    return !(failure instanceof ReplyException reply) || reply.failureType() == ReplyFailure.ERROR;
  }
}
