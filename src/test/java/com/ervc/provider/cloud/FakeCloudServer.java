package com.ervc.provider.cloud;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What the three fake cloud services share: an HTTP server on 127.0.0.1 (port 0) that records every request,
 * streams deterministic 24 kHz PCM in several chunks with delays (split at odd byte offsets, as a network may),
 * and can be told to misbehave on the next requests. Subclasses check requests the way the real service does
 * and answer errors in its shape.
 */
public abstract class FakeCloudServer implements AutoCloseable {
  /** Ways to misbehave, each for one request. */
  public enum Fault {
    /** The provider's 401 for a bad key. */
    UNAUTHORIZED,
    /** The provider's out-of-credit answer. */
    QUOTA,
    /** 429 with {@code Retry-After} of {@link #retryAfterSeconds}. */
    RATE_LIMITED,
    /** 500 with the provider's error body. */
    SERVER_ERROR,
    /** Accepts the request and never answers. */
    STALL_BEFORE_FIRST_BYTE,
    /** Sends the first chunk, then nothing more and never ends. */
    STALL_MID_STREAM,
    /** Declares the full Content-Length, sends part of it and closes the connection. */
    TRUNCATED,
    /** Sends the first chunk, then waits for {@link #release()} before the rest. */
    HOLD_AFTER_FIRST_CHUNK
  }

  /** A request as it arrived; {@code clientPort} tells connections apart. */
  public record Received(String method, String path, String query, MultiMap headers, Buffer body, int clientPort) {
    public JsonObject json() {
      return new JsonObject(body);
    }

    /** The body as a multipart form, or null when it is not one. */
    public MultipartForm form() {
      return MultipartForm.parse(headers.get("Content-Type"), body);
    }
  }

  public static final int RATE = 24_000;
  protected final Vertx vertx;
  private final List<Received> received = new ArrayList<>();
  private final Deque<Fault> faults = new ArrayDeque<>();
  private HttpServer server;
  private volatile Promise<Void> held = Promise.promise();
  private volatile boolean lastResponseEnded;
  public volatile int retryAfterSeconds = 1;
  public volatile int chunks = 5;
  public volatile long chunkDelayMs = 15;

  protected FakeCloudServer(Vertx vertx) {
    this.vertx = vertx;
  }

  public FakeCloudServer start() throws Exception {
    server = vertx.createHttpServer().requestHandler(request -> {
      // A WebSocket upgrade has no body, and reading one would leave nothing to upgrade.
      Future<Buffer> body = "websocket".equalsIgnoreCase(request.getHeader("Upgrade"))
          ? Future.succeededFuture(Buffer.buffer()) : request.body();
      body.onSuccess(content -> {
        Received r = new Received(request.method().name(), request.path(), request.query(),
            MultiMap.caseInsensitiveMultiMap().addAll(request.headers()), content, request.remoteAddress().port());
        record(r);
        handle(request, r);
      });
    }).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    return this;
  }

  public int port() {
    return server.actualPort();
  }

  public String url() {
    return "http://127.0.0.1:" + port();
  }

  @Override
  public void close() throws Exception {
    server.close().await(10, TimeUnit.SECONDS);
  }

  /** Adds something that arrived other than as an HTTP request (e.g. a WebSocket message). */
  protected void record(Received r) {
    synchronized (received) {
      received.add(r);
    }
  }

  /** The next request gets this fault (faults queue up, one per request). */
  public void failNext(Fault fault) {
    synchronized (faults) {
      faults.add(fault);
    }
  }

  /** Marks the end of the last audio answer (for {@link #lastResponseEnded()}). */
  protected void responseEnded(boolean ended) {
    lastResponseEnded = ended;
  }

  /** Completes when {@link #release()} is called after this. */
  protected Future<Void> holdUntilReleased() {
    held = Promise.promise();
    return held.future();
  }

  public void release() {
    held.tryComplete();
  }

  public boolean lastResponseEnded() {
    return lastResponseEnded;
  }

  public List<Received> received() {
    synchronized (received) {
      return List.copyOf(received);
    }
  }

  /** The received requests to this path. */
  public List<Received> received(String path) {
    return received().stream().filter(r -> r.path().equals(path)).toList();
  }

  protected Fault nextFault() {
    synchronized (faults) {
      return faults.poll();
    }
  }

  protected abstract void handle(HttpServerRequest request, Received received);

  /** The provider's own error answers. */
  protected abstract void unauthorized(HttpServerResponse response);

  protected abstract void quota(HttpServerResponse response);

  protected abstract void rateLimited(HttpServerResponse response);

  protected abstract void serverError(HttpServerResponse response);

  /** Deterministic speech stand-in: a tone whose pitch depends on the text, 60 ms per character (at least 0.2 s). */
  public static Buffer pcmFor(String text) {
    int samples = Math.max(RATE / 5, text.length() * RATE * 60 / 1000);
    double frequency = 200 + Math.floorMod(text.hashCode(), 300);
    Buffer pcm = Buffer.buffer(samples * 2);
    for (int i = 0; i < samples; i++) {
      pcm.appendShortLE((short) (8000 * Math.sin(2 * Math.PI * frequency * i / RATE)));
    }
    return pcm;
  }

  /** Answers a synthesis with {@code pcm}, applying the next fault if one is queued. */
  protected void answerAudio(HttpServerResponse response, Buffer pcm, MultiMap extraHeaders) {
    Fault fault = nextFault();
    if (fault == null || !applyErrorFault(fault, response)) {
      response.headers().addAll(extraHeaders);
      streamAudio(response, pcm, fault);
    }
  }

  /** Answers a non-audio call (a voice list, a token), applying an error fault if one is queued. */
  protected void answerJson(HttpServerResponse response, String body) {
    Fault fault = nextFault();
    if (fault == null || !applyErrorFault(fault, response)) {
      response.putHeader("Content-Type", "application/json").end(body);
    }
  }

  /** True when the fault was an error answer and was sent. */
  private boolean applyErrorFault(Fault fault, HttpServerResponse response) {
    switch (fault) {
      case UNAUTHORIZED -> unauthorized(response);
      case QUOTA -> quota(response);
      case RATE_LIMITED -> rateLimited(response.putHeader("Retry-After", Integer.toString(retryAfterSeconds)));
      case SERVER_ERROR -> serverError(response);
      case STALL_BEFORE_FIRST_BYTE -> {
        // Never answers; the client's deadline must end it.
      }
      default -> {
        return false;
      }
    }
    return true;
  }

  private void streamAudio(HttpServerResponse response, Buffer pcm, Fault fault) {
    lastResponseEnded = false;
    List<Buffer> pieces = new ArrayList<>();
    int size = pcm.length() / chunks;
    size += size % 2 == 0 ? 1 : 0; // odd sizes split samples across chunks, as TCP may
    for (int start = 0; start < pcm.length(); start += size) {
      pieces.add(pcm.getBuffer(start, Math.min(pcm.length(), start + size)));
    }
    if (fault == Fault.TRUNCATED) {
      response.putHeader("Content-Length", Integer.toString(pcm.length()));
    } else {
      response.setChunked(true);
    }
    if (fault == Fault.HOLD_AFTER_FIRST_CHUNK) {
      held = Promise.promise();
    }
    sendPiece(response, pieces, 0, fault);
  }

  private void sendPiece(HttpServerResponse response, List<Buffer> pieces, int index, Fault fault) {
    if (index == pieces.size()) {
      response.end().onComplete(v -> lastResponseEnded = true);
      return;
    }
    response.write(pieces.get(index));
    if (index == 0 && fault == Fault.STALL_MID_STREAM) {
      return;
    }
    if (index == pieces.size() / 2 && fault == Fault.TRUNCATED) {
      vertx.setTimer(chunkDelayMs, id -> response.reset());
      return;
    }
    Future<Void> gate = index == 0 && fault == Fault.HOLD_AFTER_FIRST_CHUNK ? held.future() : Future.succeededFuture();
    gate.onComplete(v -> vertx.setTimer(chunkDelayMs, id -> sendPiece(response, pieces, index + 1, fault)));
  }
}
