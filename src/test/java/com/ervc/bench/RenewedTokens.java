package com.ervc.bench;

import java.net.http.HttpClient;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * One dev token per session, each replaced every period by a new one of the same subject, as the browser page
 * renews its own: a session reconnecting takes the current one, a running session hands it over with {@code auth}.
 * The tokens are fetched on a thread of this class, never on an event loop. A failed renewal keeps the old token (it
 * is printed and counted; the session then ends with 4001 at its expiry, which the run reports as an error).
 */
final class RenewedTokens implements AutoCloseable {
  private final int port;
  private final AtomicReferenceArray<String> tokens;
  private final HttpClient http = HttpClient.newHttpClient();
  private final ScheduledExecutorService renewer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread thread = new Thread(r, "token-renewer");
    thread.setDaemon(true);
    return thread;
  });
  private final AtomicLong failures = new AtomicLong();

  private RenewedTokens(int port, List<String> first) {
    this.port = port;
    this.tokens = new AtomicReferenceArray<>(first.toArray(String[]::new));
  }

  /** Fetches the first tokens, then renews all of them every {@code everyMs}. */
  static RenewedTokens start(int port, int sessions, long everyMs) throws Exception {
    RenewedTokens renewed = new RenewedTokens(port, LoadBenchmark.tokens(port, sessions));
    renewed.renewer.scheduleWithFixedDelay(renewed::renewAll, everyMs, everyMs, TimeUnit.MILLISECONDS);
    return renewed;
  }

  /** Session {@code session}'s current token. */
  String get(int session) {
    return tokens.get(session);
  }

  long failures() {
    return failures.get();
  }

  private void renewAll() {
    for (int i = 0; i < tokens.length(); i++) {
      try {
        tokens.set(i, LoadBenchmark.devToken(http, port, tokens.get(i)));
      } catch (Exception e) {
        if (failures.getAndIncrement() == 0) {
          System.out.printf(Locale.ROOT, "first token renewal failure: %s%n", e);
        }
      }
    }
  }

  @Override
  public void close() {
    renewer.shutdownNow();
  }
}
