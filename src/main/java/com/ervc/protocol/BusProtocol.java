package com.ervc.protocol;

import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The event-bus protocol version and the headers every message carries. A node refuses a message of another
 * major version with failure {@link #UNSUPPORTED_VERSION} and a WARN line; a newer minor version only adds
 * fields, which readers ignore. docs/event-bus.md, "Message types and protocol version", says how rolling updates
 * use this.
 */
public final class BusProtocol {
  /** Header naming the message type; receivers dispatch on it (never on which body keys are present). */
  public static final String H_TYPE = "type";
  /** Header with the sender's protocol version, {@code <major>.<minor>}. */
  public static final String H_VERSION = "protocol";
  public static final int MAJOR = 1;
  public static final int MINOR = 0;
  public static final String VERSION = MAJOR + "." + MINOR;
  /** Failure code of a refused message of another major version (HTTP "Upgrade Required"). */
  public static final int UNSUPPORTED_VERSION = 426;

  private static final Logger LOG = LoggerFactory.getLogger(BusProtocol.class);
  /** Each (address, version) refusal is logged once, so a mixed cluster does not flood the log. */
  private static final Set<String> REPORTED = ConcurrentHashMap.newKeySet();

  private BusProtocol() {
  }

  /** Delivery options carrying {@code message}'s type, the protocol version and its own headers. */
  public static DeliveryOptions options(BusBody message) {
    return stamp(new DeliveryOptions(), message);
  }

  /** Adds {@code message}'s type, the protocol version and its own headers to {@code options}. */
  public static DeliveryOptions stamp(DeliveryOptions options, BusBody message) {
    options.addHeader(H_TYPE, message.type()).addHeader(H_VERSION, VERSION);
    message.addHeaders(options);
    return options;
  }

  /** True when a version header value has this node's major version. */
  public static boolean supports(String version) {
    if (version == null) {
      return false;
    }
    int dot = version.indexOf('.');
    return (dot < 0 ? version : version.substring(0, dot)).equals(Integer.toString(MAJOR));
  }

  /**
   * True when {@code msg} speaks this node's major version. Otherwise the message is refused with
   * {@link #UNSUPPORTED_VERSION} (when it expects a reply), a WARN line says so, and the caller drops it.
   */
  public static boolean accepts(Message<?> msg) {
    String version = msg.headers().get(H_VERSION);
    if (supports(version)) {
      return true;
    }
    String why = "event-bus protocol version " + version + " is not supported by this node, which speaks "
        + VERSION + " (a node of an incompatible release is in the cluster)";
    if (REPORTED.add(msg.address() + "|" + version)) {
      LOG.warn("refused a '{}' message on {}: {}", msg.headers().get(H_TYPE), msg.address(), why);
    }
    if (msg.replyAddress() != null) {
      msg.fail(UNSUPPORTED_VERSION, why);
    }
    return false;
  }

  /**
   * {@link #accepts(Message)} for an address that takes one message type: another type is refused with
   * {@link ErrorCode#INVALID_REQUEST} (when a reply is expected) and dropped.
   */
  public static boolean accepts(Message<?> msg, String type) {
    if (!accepts(msg)) {
      return false;
    }
    String received = msg.headers().get(H_TYPE);
    if (type.equals(received)) {
      return true;
    }
    if (msg.replyAddress() != null) {
      msg.fail(ErrorCode.INVALID_REQUEST.status(), "unknown message type '" + received + "' on " + msg.address());
    }
    return false;
  }
}
