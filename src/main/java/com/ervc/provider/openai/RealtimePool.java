package com.ervc.provider.openai;

import com.ervc.provider.cloud.CloudError;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;

/**
 * Realtime sessions of this node, per voice (a session's voice is fixed once it has spoken): at most
 * {@code maxPerVoice}, opened on demand, reused while they are open and younger than their age limit, each running
 * at most {@link RealtimeSession#MAX_RESPONSES_IN_FLIGHT} responses. A closed session leaves the pool, so the next sentence
 * opens a new one. Requests beyond the bound wait for a slot until their deadline. Runs on one context.
 */
final class RealtimePool {
  /** Opens and configures a session. */
  interface Opener {
    Future<RealtimeSession> open(String voice, double speed);
  }

  private record Waiter(String voice, double speed, Promise<RealtimeSession> slot, long timer) {
  }

  private final Vertx vertx;
  private final Opener opener;
  private final int maxPerVoice;
  private final Map<String, List<RealtimeSession>> sessions = new HashMap<>();
  private final Map<String, Integer> opening = new HashMap<>();
  private final LinkedList<Waiter> waiters = new LinkedList<>();
  private boolean closed;

  RealtimePool(Vertx vertx, Opener opener, int maxPerVoice) {
    this.vertx = vertx;
    this.opener = opener;
    this.maxPerVoice = maxPerVoice;
  }

  /** A session of {@code voice} set to {@code speed} with a response slot reserved for the caller. */
  Future<RealtimeSession> acquire(String voice, double speed, long deadline) {
    if (closed) {
      return Future.failedFuture(CloudError.of(CloudError.Kind.SERVER, "the provider is stopping"));
    }
    Future<RealtimeSession> now = tryAcquire(voice, speed);
    if (now != null) {
      return now;
    }
    Promise<RealtimeSession> slot = Promise.promise();
    long wait = Math.max(1, deadline - System.currentTimeMillis());
    Waiter waiter = new Waiter(voice, speed, slot, vertx.setTimer(wait, id -> {
      waiters.removeIf(w -> w.slot() == slot);
      slot.tryFail(CloudError.of(CloudError.Kind.TIMEOUT, "no Realtime session was free within " + wait + " ms"));
    }));
    waiters.add(waiter);
    return slot.future();
  }

  /** Gives the slot back; a session past its age limit is closed once idle. */
  void release(RealtimeSession session) {
    session.unreserve();
    if (session.expired() && session.reserved() == 0) {
      session.close();
    }
    wake();
  }

  /** How many sessions are open or opening for this voice. */
  int size(String voice) {
    return sessions.getOrDefault(voice, List.of()).size() + opening.getOrDefault(voice, 0);
  }

  Future<Void> close() {
    closed = true;
    waiters.forEach(w -> {
      vertx.cancelTimer(w.timer());
      w.slot().tryFail(CloudError.of(CloudError.Kind.SERVER, "the provider is stopping"));
    });
    waiters.clear();
    sessions.values().stream().flatMap(List::stream).toList().forEach(RealtimeSession::close);
    return Future.succeededFuture();
  }

  /** A reserved slot now (or after a speed change or a new session), or null when the caller must wait. */
  private Future<RealtimeSession> tryAcquire(String voice, double speed) {
    List<RealtimeSession> ofVoice = sessions.computeIfAbsent(voice, v -> new ArrayList<>());
    ofVoice.stream().filter(s -> s.expired() && s.reserved() == 0).toList().forEach(RealtimeSession::close);
    RealtimeSession same = ofVoice.stream().filter(s -> s.hasRoom() && s.speed() == speed)
        .min(Comparator.comparingInt(RealtimeSession::reserved)).orElse(null);
    if (same != null) {
      same.reserve();
      return Future.succeededFuture(same);
    }
    RealtimeSession idle = ofVoice.stream().filter(s -> s.hasRoom() && s.reserved() == 0).findFirst().orElse(null);
    if (idle != null) {
      idle.reserve();
      return idle.changeSpeed(speed).map(idle).onFailure(e -> release(idle));
    }
    if (size(voice) >= maxPerVoice) {
      return null;
    }
    opening.merge(voice, 1, Integer::sum);
    return opener.open(voice, speed).andThen(ar -> opening.merge(voice, -1, Integer::sum)).map(session -> {
      if (closed) {
        session.close();
        throw CloudError.of(CloudError.Kind.SERVER, "the provider is stopping");
      }
      ofVoice.add(session);
      session.onClose(() -> {
        ofVoice.remove(session);
        wake();
      });
      session.reserve();
      return session;
    }).onFailure(e -> wake());
  }

  /** Hands freed slots (or room for a new session) to waiting requests in their order. */
  private void wake() {
    Iterator<Waiter> it = waiters.iterator();
    while (it.hasNext()) {
      Waiter waiter = it.next();
      Future<RealtimeSession> slot = tryAcquire(waiter.voice(), waiter.speed());
      if (slot != null) {
        it.remove();
        vertx.cancelTimer(waiter.timer());
        slot.onComplete(waiter.slot());
      }
    }
  }
}
