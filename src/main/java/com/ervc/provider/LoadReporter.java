package com.ervc.provider;

import com.ervc.protocol.Addresses;
import com.ervc.protocol.BusProtocol;
import com.ervc.protocol.LoadRequest;
import com.ervc.protocol.ProviderLoad;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Publishes one instance's {@link ProviderLoad} on {@code tts.providers.load}: every {@link #INTERVAL_MS}, when a
 * new listener asks on {@code tts.providers.load.request}, {@link #CHANGE_REPORT_MS} after slots were taken or
 * freed (coalesced), and a last report marked leaving. {@code current} yields null while there is nothing to report
 * (stopping, draining).
 */
final class LoadReporter {
  static final long INTERVAL_MS = 1_000;
  /**
   * A slot taken or freed is reported within this time: no pipeline waits a whole interval on a stale "full", and
   * none sends a new reply to an instance whose last slot was just taken (it would be refused and switched).
   */
  static final long CHANGE_REPORT_MS = 50;

  private final Vertx vertx;
  private final Supplier<ProviderLoad> current;
  private final AtomicBoolean changePending = new AtomicBoolean();
  private long periodic = -1;

  LoadReporter(Vertx vertx, Supplier<ProviderLoad> current) {
    this.vertx = vertx;
    this.current = current;
  }

  /** Answers load requests from now on. */
  Future<Void> listen() {
    return vertx.eventBus().consumer(Addresses.PROVIDER_LOAD_REQUEST, msg -> {
      if (BusProtocol.accepts(msg, LoadRequest.TYPE)) {
        publish();
      }
    }).completion();
  }

  /** Publishes now and then every interval, running {@code beforeEach} first (the half-open probe's check). */
  void start(Runnable beforeEach) {
    publish();
    periodic = vertx.setPeriodic(INTERVAL_MS, id -> {
      beforeEach.run();
      publish();
    });
  }

  void publish() {
    ProviderLoad load = current.get();
    if (load != null) {
      send(load);
    }
  }

  /** Coalesces the reports of slots taken or freed in a burst into one. */
  void slotsChanged() {
    if (changePending.compareAndSet(false, true)) {
      vertx.setTimer(CHANGE_REPORT_MS, id -> {
        changePending.set(false);
        publish();
      });
    }
  }

  /** Stops the periodic reports and publishes {@code last} marked leaving, so that routers drop the instance now. */
  void leave(ProviderLoad last) {
    vertx.cancelTimer(periodic);
    if (last != null) {
      send(last.leavingNow());
    }
  }

  private void send(ProviderLoad load) {
    vertx.eventBus().publish(Addresses.PROVIDER_LOAD, load.body(), BusProtocol.options(load));
  }
}
