package com.ervc.pipeline;

import com.ervc.cluster.LoadRegistry;
import com.ervc.metrics.ServiceMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Learns at once that a provider node died, from whichever tells first: the cluster's membership ({@code
 * node/Node} relays Hazelcast's member-removed event) or the node's connection closing. Every provider stream of the
 * node then fails, so each reply fails over now instead of waiting out a deadline, and the node's instances leave
 * the load view so no new request goes there. Not thread-safe: one event loop.
 * <p>
 * The connection: from the first stream to a node on, this pipeline holds a TCP connection to the node's event-bus
 * port that never carries data. A process that dies (SIGKILL, OOM kill, crash) has its sockets closed by its kernel,
 * so the connection closes at once, which tells of the death about as fast as the network can. Hand-written rather
 * than the event bus's own: after a provider dies this pipeline sends it nothing (the audio flows the other way), and
 * when it does, Vert.x 5 fails a request whose connection is refused only at its reply timeout; its write future
 * fails, but a fresh connection first looks the node up in the cluster's map, which may wait for Hazelcast to remove
 * the dead member when that member held the entry. A host that vanishes (power loss, partition) closes nothing:
 * then the deadlines and Hazelcast's heartbeat decide.
 */
final class NodeDeaths {
  static final String MEMBERSHIP = "membership";
  static final String CONNECTION = "connection";
  private static final Logger LOG = LoggerFactory.getLogger(NodeDeaths.class);

  private final LoadRegistry registry;
  private final ProviderReceiver receiver;
  private final ServiceMetrics metrics;
  private final Function<String, Future<SocketAddress>> eventBusOfNode;
  /** Node ids already counted: a node id never comes back (a restarted JVM joins with a new one). */
  private final Set<String> counted = new HashSet<>();
  /** The watch connection of each watched node; null while it is being opened. */
  private final Map<String, NetSocket> watches = new HashMap<>();
  private NetClient client;

  /** {@code eventBusOfNode}: where a node's event bus listens, looked up in the cluster while the node lives. */
  NodeDeaths(LoadRegistry registry, ProviderReceiver receiver, ServiceMetrics metrics,
             Function<String, Future<SocketAddress>> eventBusOfNode) {
    this.registry = registry;
    this.receiver = receiver;
    this.metrics = metrics;
    this.eventBusOfNode = eventBusOfNode;
  }

  void listen(Vertx vertx) {
    client = vertx.createNetClient();
    vertx.eventBus().<String>localConsumer(LoadRegistry.NODE_LEFT, msg -> died(msg.body(), MEMBERSHIP));
  }

  /** A stream to node {@code nodeId} was opened: from now on its connection closing tells that it died. */
  void watch(String nodeId) {
    if (counted.contains(nodeId) || watches.containsKey(nodeId)) {
      return;
    }
    watches.put(nodeId, null);
    eventBusOfNode.apply(nodeId).onComplete(located -> {
      if (located.failed()) {
        watches.remove(nodeId); // not in the cluster (any more): membership tells, or the next stream tries again
        return;
      }
      client.connect(located.result()).onComplete(connected -> {
        if (!watches.containsKey(nodeId)) { // it died meanwhile
          if (connected.succeeded()) {
            connected.result().close();
          }
        } else if (connected.failed()) {
          watches.remove(nodeId);
          died(nodeId, CONNECTION); // refused (or not answered within the connect timeout): the process is gone
        } else {
          NetSocket socket = connected.result();
          watches.put(nodeId, socket);
          socket.closeHandler(v -> {
            if (watches.remove(nodeId, socket)) {
              died(nodeId, CONNECTION);
            }
          });
        }
      });
    });
  }

  /**
   * Whether node {@code nodeId} is known to be gone: nothing more is sent to it (a message to a node whose connection
   * just closed can make Vert.x 5.0 throw from inside the sender's own callbacks, which would break the failover).
   */
  boolean gone(String nodeId) {
    return counted.contains(nodeId);
  }

  /** Node {@code nodeId} is gone, as {@code source} tells. */
  void died(String nodeId, String source) {
    NetSocket watch = watches.remove(nodeId);
    if (watch != null) {
      watch.close();
    }
    registry.nodeLeft(nodeId);
    int streams = receiver.nodeGone(nodeId, source);
    if (counted.add(nodeId)) {
      metrics.nodeDeathDetected(source);
      LOG.warn("node {} is gone ({}): {} provider stream(s) fail over now", nodeId, source, streams);
    }
  }
}
