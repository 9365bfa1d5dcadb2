package com.ervc.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.internal.http.WebSocketInternal;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntFunction;
import java.util.function.LongFunction;

/**
 * A load generator speaking WebSocket protocol v1 (docs/protocol.md): N sessions, each on its own socket, send
 * {@code synthesize} requests either back to back (the next as soon as the previous ended) or open loop at a total
 * rate spread evenly over the sessions (a session with {@link #MAX_IN_FLIGHT} replies running skips its turn, which
 * is counted). Per reply it measures the time to first audio (send to first binary frame), and judges every later
 * frame against a playback clock started by the first one: a frame is late when it arrives after the audio before it
 * would have finished playing (the client would have heard a gap).
 * <p>
 * Every loop is bounded: sending stops at the end of the duration, and replies still running get at most
 * {@link #DRAIN_MS} to end (those that do not are counted as unfinished).
 */
public final class LoadGenerator {
  /** The server's per-connection limit on requests in flight (tts.maxInFlightPerConnection's default). */
  static final int MAX_IN_FLIGHT = 4;
  static final long DRAIN_MS = 15_000;
  /** Sessions opening at once; the rest wait their turn (a burst of handshakes is what a loaded server handles worst). */
  static final int CONNECT_CONCURRENCY = 32;
  /** Tries per session before the run gives up on it, and the time each may take (TCP connect plus handshake). */
  static final int CONNECT_ATTEMPTS = 3;
  static final long CONNECT_TIMEOUT_MS = 20_000;
  private static final int SAMPLE_RATE = 24_000;

  /**
   * One run's parameters. {@code rate} 0 means back to back; {@code uri} gives session i's request URI (with its
   * token) each time it connects; {@code text} the text of the n-th request of the run; {@code cancelShare} and
   * {@code abortShare} (0..1) are the shares of requests cancelled after their first frame and of sessions dropped
   * abruptly (TCP closed without a close frame) after a reply's first frame and reconnected, for soak runs;
   * {@code renewal}, when not null, keeps runs longer than a token's life going as the browser page does.
   */
  public record Options(String host, int port, int sessions, double rate, long durationMs, IntFunction<String> uri,
                        LongFunction<String> text, double cancelShare, double abortShare, Renewal renewal) {
    /** Without token renewal. */
    public Options(String host, int port, int sessions, double rate, long durationMs, IntFunction<String> uri,
                   LongFunction<String> text, double cancelShare, double abortShare) {
      this(host, port, sessions, rate, durationMs, uri, text, cancelShare, abortShare, null);
    }
  }

  /**
   * Every {@code everyMs} (each session at its own phase) a session sends {@code auth} with {@code token} of its
   * index, a fresh token of the same subject as the one it connected with (docs/protocol.md#auth).
   */
  public record Renewal(long everyMs, IntFunction<String> token) {
  }

  /** What one run measured: per reply its send time and TTFA (nanoseconds, System.nanoTime), and the counts. */
  public static final class Result {
    final long[] sentNanos;
    final long[] ttfaNanos;
    private final long[] sorted;
    public final long replies;
    public final long chunks;
    public final long lateChunks;
    public final long skipped;
    public final long unfinished;
    public final long cancelled;
    public final long aborted;
    /** Tokens renewed with an accepted {@code auth}. */
    public final long renewals;
    public final Map<String, Long> errors;
    public final double seconds;

    Result(long[] sentNanos, long[] ttfaNanos, long replies, long chunks, long lateChunks, long skipped,
           long unfinished, long cancelled, long aborted, long renewals, Map<String, Long> errors, double seconds) {
      this.sentNanos = sentNanos;
      this.ttfaNanos = ttfaNanos;
      this.sorted = ttfaNanos.clone();
      Arrays.sort(this.sorted);
      this.replies = replies;
      this.chunks = chunks;
      this.lateChunks = lateChunks;
      this.skipped = skipped;
      this.unfinished = unfinished;
      this.cancelled = cancelled;
      this.aborted = aborted;
      this.renewals = renewals;
      this.errors = errors;
      this.seconds = seconds;
    }

    /** The p-th percentile of TTFA in milliseconds (nearest rank), NaN without replies. */
    public double ttfaMs(double p) {
      return percentileMs(sorted, p);
    }

    /** The p-th TTFA percentile of the replies sent in [fromNanos, toNanos). */
    public double ttfaMs(double p, long fromNanos, long toNanos) {
      long[] window = java.util.stream.IntStream.range(0, sentNanos.length)
          .filter(i -> sentNanos[i] >= fromNanos && sentNanos[i] < toNanos).mapToLong(i -> ttfaNanos[i]).sorted()
          .toArray();
      return percentileMs(window, p);
    }

    /** How many replies were sent in [fromNanos, toNanos) and got audio. */
    public long count(long fromNanos, long toNanos) {
      return Arrays.stream(sentNanos).filter(t -> t >= fromNanos && t < toNanos).count();
    }

    private static double percentileMs(long[] sortedNanos, double p) {
      if (sortedNanos.length == 0) {
        return Double.NaN;
      }
      int index = (int) Math.ceil(p / 100.0 * sortedNanos.length) - 1;
      return sortedNanos[Math.max(0, Math.min(sortedNanos.length - 1, index))] / 1e6;
    }

    public double repliesPerSecond() {
      return replies / seconds;
    }

    public double lateShare() {
      return chunks == 0 ? 0 : (double) lateChunks / chunks;
    }

    public long errorCount() {
      return errors.values().stream().mapToLong(Long::longValue).sum();
    }

    /** The measurements of several runs of one target, as if one run. */
    static Result merge(List<Result> parts) {
      Map<String, Long> errors = new HashMap<>();
      parts.forEach(r -> r.errors.forEach((k, v) -> errors.merge(k, v, Long::sum)));
      return new Result(parts.stream().flatMapToLong(r -> Arrays.stream(r.sentNanos)).toArray(),
          parts.stream().flatMapToLong(r -> Arrays.stream(r.ttfaNanos)).toArray(),
          parts.stream().mapToLong(r -> r.replies).sum(),
          parts.stream().mapToLong(r -> r.chunks).sum(), parts.stream().mapToLong(r -> r.lateChunks).sum(),
          parts.stream().mapToLong(r -> r.skipped).sum(), parts.stream().mapToLong(r -> r.unfinished).sum(),
          parts.stream().mapToLong(r -> r.cancelled).sum(), parts.stream().mapToLong(r -> r.aborted).sum(),
          parts.stream().mapToLong(r -> r.renewals).sum(), errors, parts.stream().mapToDouble(r -> r.seconds).sum());
    }

    public String errorSummary() {
      return errors.isEmpty() ? "none" : new java.util.TreeMap<>(errors).toString();
    }
  }

  private final Vertx vertx;
  private final Options options;
  private final WebSocketClient client;
  private final AtomicLong requestCounter = new AtomicLong();
  private final LongAdder replies = new LongAdder();
  private final LongAdder chunks = new LongAdder();
  private final LongAdder late = new LongAdder();
  private final LongAdder skipped = new LongAdder();
  private final LongAdder cancelled = new LongAdder();
  private final LongAdder aborted = new LongAdder();
  private final LongAdder renewals = new LongAdder();
  private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
  private final Map<String, Boolean> errorExamples = new ConcurrentHashMap<>();
  private final List<Session> sessions = new ArrayList<>();
  private volatile boolean sending = true;

  public LoadGenerator(Vertx vertx, Options options) {
    this.vertx = vertx;
    this.options = options;
    // Vert.x keeps at most 50 WebSocket connections per server by default and queues the rest until one closes:
    // with more sessions than that the run never got them all open. Room for every session and its reconnect.
    this.client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxFrameSize(1 << 20)
        .setMaxMessageSize(1 << 22).setConnectTimeout((int) CONNECT_TIMEOUT_MS)
        .setMaxConnections(2 * options.sessions()));
  }

  /** Opens the sessions, drives the load for the duration, waits for running replies (bounded), closes. */
  public Result run() throws Exception {
    List<Future<String>> deployed = new ArrayList<>();
    for (int i = 0; i < options.sessions(); i++) {
      Session session = new Session(i);
      sessions.add(session);
      // A verticle per session: each gets its own context, so sessions spread over the event loops.
      deployed.add(vertx.deployVerticle(session));
    }
    Future.all(deployed).await(60, TimeUnit.SECONDS);
    SessionOpener.Outcome outcome = new SessionOpener(CONNECT_CONCURRENCY, CONNECT_ATTEMPTS)
        .open(sessions.size(), i -> sessions.get(i).open())
        .await(openBoundMs(sessions.size()), TimeUnit.MILLISECONDS);
    if (outcome.failed() > 0) {
      throw new IllegalStateException("sessions could not be opened: " + outcome);
    }
    if (outcome.retries() > 0) {
      System.out.printf(Locale.ROOT, "sessions to port %d: %s%n", options.port(), outcome);
    }
    long start = System.nanoTime();
    sessions.forEach(Session::begin);
    Thread.sleep(options.durationMs()); // the run's length: the load itself runs on the event loops
    sending = false;
    long drainUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DRAIN_MS);
    for (Session session : sessions) {
      long left = Math.max(1, (drainUntil - System.nanoTime()) / 1_000_000);
      try {
        session.drained.future().await(left, TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        break; // the rest count as unfinished
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    long unfinished = sessions.stream().mapToLong(s -> s.running.size()).sum();
    List<Future<Void>> closed = new ArrayList<>();
    sessions.forEach(s -> closed.add(s.closeOnContext()));
    try {
      Future.join(closed).await(30, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      error("close handshakes unfinished after 30 s"); // the server is counted on, not the client: report, go on
    }
    client.close();
    List<long[]> samples = new ArrayList<>();
    for (Session session : sessions) {
      synchronized (session.ttfa) {
        samples.addAll(session.ttfa);
      }
    }
    Map<String, Long> errorCounts = new HashMap<>();
    errors.forEach((k, v) -> errorCounts.put(k, v.sum()));
    return new Result(samples.stream().mapToLong(sample -> sample[0]).toArray(),
        samples.stream().mapToLong(sample -> sample[1]).toArray(), replies.sum(), chunks.sum(), late.sum(),
        skipped.sum(), unfinished, cancelled.sum(), aborted.sum(), renewals.sum(), errorCounts, seconds);
  }

  private void error(String what) {
    errors.computeIfAbsent(what, k -> new LongAdder()).increment();
  }

  private static final class Reply {
    final String id;
    final long sentNanos;
    final boolean cancel;
    long firstNanos = -1;
    long playedSamples;
    boolean cancelSent;

    Reply(String id, long sentNanos, boolean cancel) {
      this.id = id;
      this.sentNanos = sentNanos;
      this.cancel = cancel;
    }
  }

  /** One WebSocket session; all its state is touched only on its socket's event loop. */
  private final class Session extends VerticleBase {
    final int index;
    final Map<String, Reply> running = new ConcurrentHashMap<>();
    final Map<Long, Reply> byStream = new HashMap<>();
    /** {send time, TTFA} per reply that got audio. */
    final List<long[]> ttfa = new ArrayList<>();
    final Promise<Void> drained = Promise.promise();
    ClientWebSocket ws;
    /** {@link #ws} is still handshaking (a reconnect after a dropped session): nothing can be sent on it yet. */
    boolean connecting;
    long timer = -1;
    long renewTimer = -1;
    boolean abortPending;

    Session(int index) {
      this.index = index;
    }

    /** One connect attempt, made on this session's context. */
    Future<Void> open() {
      Promise<Void> opened = Promise.promise();
      context.runOnContext(v -> connect().onComplete(opened));
      return opened.future();
    }

    /**
     * Connects, bounded by {@link #CONNECT_TIMEOUT_MS}; a handshake that ends after its timeout is closed at once
     * (the session has moved on to its next try or given up).
     */
    Future<Void> connect() {
      ClientWebSocket socket = client.webSocket();
      socket.textMessageHandler(this::onText);
      socket.binaryMessageHandler(this::onBinary);
      socket.closeHandler(v -> onClosed(socket));
      socket.exceptionHandler(e -> error("socket: " + e.getClass().getSimpleName()));
      ws = socket;
      connecting = true;
      Future<Void> connected = socket.connect(options.port(), options.host(), options.uri().apply(index)).mapEmpty();
      return connected.timeout(CONNECT_TIMEOUT_MS, TimeUnit.MILLISECONDS).onComplete(ar -> {
        if (ws == socket) {
          connecting = false;
        }
      }).onFailure(e -> {
        if (ws == socket) {
          ws = null;
        }
        connected.onSuccess(late -> socket.close());
      });
    }

    void begin() {
      context.runOnContext(v -> beginHere());
    }

    private void beginHere() {
      Renewal renewal = options.renewal();
      if (renewal != null) {
        long phase = 1 + ThreadLocalRandom.current().nextLong(renewal.everyMs());
        vertx.setTimer(phase, id -> {
          renew();
          renewTimer = vertx.setPeriodic(renewal.everyMs(), t -> renew());
        });
      }
      if (options.rate() <= 0) {
        sendNext();
      } else {
        long periodMs = Math.max(1, Math.round(options.sessions() * 1000.0 / options.rate()));
        long phase = 1 + ThreadLocalRandom.current().nextLong(periodMs);
        vertx.setTimer(phase, id -> {
          tick();
          timer = vertx.setPeriodic(periodMs, t -> tick());
        });
      }
    }

    void tick() {
      if (!sending) {
        vertx.cancelTimer(timer);
        checkDrained();
        return;
      }
      if (running.size() >= MAX_IN_FLIGHT || ws == null || connecting || abortPending) {
        skipped.increment();
        return;
      }
      sendNext();
    }

    /** Hands the session a fresh token; a session reconnecting now gets one with its URI instead. */
    void renew() {
      if (ws != null && !connecting && !ws.isClosed()) {
        ws.writeTextMessage(new JsonObject().put("type", "auth").put("token", options.renewal().token().apply(index))
            .encode());
      }
    }

    void sendNext() {
      if (!sending || ws == null || connecting || ws.isClosed()) {
        checkDrained();
        return;
      }
      long n = requestCounter.getAndIncrement();
      String id = "r" + n;
      boolean cancel = options.cancelShare() > 0 && ThreadLocalRandom.current().nextDouble() < options.cancelShare();
      Reply reply = new Reply(id, System.nanoTime(), cancel);
      running.put(id, reply);
      ws.writeTextMessage(new JsonObject().put("type", "synthesize").put("id", id).put("text", options.text().apply(n))
          .encode());
    }

    void onText(String text) {
      JsonObject message = new JsonObject(text);
      String type = message.getString("type");
      String id = message.getString("id");
      Reply reply = id == null ? null : running.get(id);
      switch (type) {
        case "auth" -> renewals.increment();
        case "audio_start" -> {
          if (reply != null) {
            byStream.put(message.getLong("stream"), reply);
          }
        }
        case "audio_end", "error" -> {
          if ("error".equals(type)) {
            String code = message.getString("code");
            error(code);
            if (errorExamples.putIfAbsent(code, Boolean.TRUE) == null) { // the counts say how many, this says why
              System.out.printf(Locale.ROOT, "first %s error from port %d: %s%n", code, options.port(),
                  message.getString("message"));
            }
          }
          if (reply == null) {
            return;
          }
          running.remove(id);
          byStream.values().remove(reply);
          if ("audio_end".equals(type)) {
            if (Boolean.TRUE.equals(message.getBoolean("cancelled"))) {
              cancelled.increment();
            } else {
              replies.increment();
            }
          }
          if (options.rate() <= 0) {
            sendNext();
          }
          checkDrained();
        }
        default -> {
        }
      }
    }

    void onBinary(Buffer frame) {
      long now = System.nanoTime();
      Reply reply = byStream.get(frame.getUnsignedInt(0));
      if (reply == null) {
        return; // audio of a cancelled request still on its way
      }
      chunks.increment();
      if (reply.firstNanos < 0) {
        reply.firstNanos = now;
        synchronized (ttfa) {
          ttfa.add(new long[] {reply.sentNanos, now - reply.sentNanos});
        }
      } else if (now > reply.firstNanos + reply.playedSamples * 1_000_000_000L / SAMPLE_RATE) {
        late.increment(); // the audio before this frame has finished playing: the listener hears a gap
      }
      reply.playedSamples += (frame.length() - 8) / 2;
      if (reply.cancel && !reply.cancelSent) {
        reply.cancelSent = true;
        ws.writeTextMessage(new JsonObject().put("type", "cancel").put("id", reply.id).encode());
      } else if (!abortPending && options.abortShare() > 0 && sending
          && ThreadLocalRandom.current().nextDouble() < options.abortShare()) {
        abortPending = true;
        aborted.increment();
        // The TCP connection goes without a close frame, as a vanished client's would (Vert.x has no public call
        // for that, so the Netty channel is closed).
        ((WebSocketInternal) ws).channelHandlerContext().channel().close();
      }
    }

    void onClosed(ClientWebSocket socket) {
      if (socket != ws) {
        return;
      }
      boolean provoked = abortPending;
      abortPending = false;
      running.clear();
      byStream.clear();
      if (!provoked) {
        if (sending) {
          error("closed " + socket.closeStatusCode());
        }
        checkDrained();
        return;
      }
      ws = null;
      if (!sending) {
        checkDrained();
        return;
      }
      connect().onComplete(ar -> {
        if (ar.failed()) {
          error("reconnect: " + ar.cause().getMessage());
          ws = null;
          checkDrained();
        } else if (options.rate() <= 0) {
          sendNext();
        }
      });
    }

    void checkDrained() {
      if (!sending && running.isEmpty()) {
        drained.tryComplete();
      }
    }

    Future<Void> closeOnContext() {
      Promise<Void> closed = Promise.promise();
      context.runOnContext(v -> {
        if (timer >= 0) {
          vertx.cancelTimer(timer);
        }
        if (renewTimer >= 0) {
          vertx.cancelTimer(renewTimer);
        }
        (ws == null || ws.isClosed() ? Future.<Void>succeededFuture() : ws.close())
            .onComplete(ar -> vertx.undeploy(deploymentID()).onComplete(done -> closed.complete()));
      });
      return closed.future();
    }
  }

  /** The longest the ramp can take: every session's every try waiting out its timeout, in waves, plus a minute. */
  static long openBoundMs(int sessions) {
    long waves = (sessions + CONNECT_CONCURRENCY - 1) / CONNECT_CONCURRENCY;
    return waves * CONNECT_ATTEMPTS * CONNECT_TIMEOUT_MS + 60_000;
  }
}
