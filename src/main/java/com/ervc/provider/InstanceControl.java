package com.ervc.provider;

import com.ervc.protocol.AdminMessage;
import com.ervc.protocol.ErrorCode;
import com.ervc.protocol.SpeechException;
import io.vertx.core.Future;

import java.util.function.Supplier;

/**
 * An operator's controls of one provider instance (admin messages on {@code admin.instance.<instanceId>}): open,
 * close or reset its circuit, change its capacity, or probe it now. Each is idempotent; the caller publishes the
 * instance's load at once afterwards, so routers and the console see the change within milliseconds.
 */
final class InstanceControl {
  private final CircuitBreaker breaker;
  private final Admission admission;
  private final InstanceStats stats;
  private final Supplier<Future<Void>> probe;

  /** @param probe one real synthesis of the probe sentence; its outcome closes or opens the circuit */
  InstanceControl(CircuitBreaker breaker, Admission admission, InstanceStats stats, Supplier<Future<Void>> probe) {
    this.breaker = breaker;
    this.admission = admission;
    this.stats = stats;
    this.probe = probe;
  }

  /** Carries out {@code command}; fails with a {@link SpeechException} (invalid_request) on a bad value. */
  Future<Void> apply(AdminMessage command) {
    if (command instanceof AdminMessage.Reprobe) {
      return probe.get();
    }
    try {
      if (command instanceof AdminMessage.Circuit circuit) {
        circuit(circuit.action());
      } else if (command instanceof AdminMessage.Capacity capacity) {
        admission.capacity(capacity.replies());
      } else {
        throw new IllegalArgumentException("not an instance command: " + command.type());
      }
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(new SpeechException(ErrorCode.INVALID_REQUEST, e.getMessage()));
    }
    return Future.succeededFuture();
  }

  private void circuit(String action) {
    switch (action) {
      case "open" -> breaker.hold();
      case "close" -> breaker.close();
      case "reset" -> {
        breaker.close();
        stats.forgetErrors();
      }
      default -> throw new IllegalArgumentException("circuit action must be open, close or reset");
    }
  }
}
