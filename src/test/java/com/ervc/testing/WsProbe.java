package com.ervc.testing;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A real WebSocket client for tests, read from the test thread: every frame lands in one ordered queue. */
public final class WsProbe implements AutoCloseable {
  /** A received frame: exactly one of json / binary is set; {@code receivedNanos} is when it arrived. */
  public record Frame(JsonObject json, Buffer binary, long receivedNanos) {
    public boolean isType(String type) {
      return json != null && type.equals(json.getString("type"));
    }

    public long stream() {
      return binary.getUnsignedInt(0);
    }

    public long seq() {
      return binary.getUnsignedInt(4);
    }

    public Buffer pcm() {
      return binary.getBuffer(8, binary.length());
    }
  }

  /** Everything one request produced, in arrival order, up to and including its audio_end or error. */
  public record Reply(List<Frame> frames, JsonObject last) {
    public JsonObject first(String type) {
      return frames.stream().filter(f -> f.isType(type)).findFirst().map(Frame::json).orElse(null);
    }

    public List<Frame> audio() {
      return frames.stream().filter(f -> f.binary() != null).toList();
    }

    public Buffer pcm() {
      Buffer all = Buffer.buffer();
      audio().forEach(f -> all.appendBuffer(f.pcm()));
      return all;
    }
  }

  private static final long TIMEOUT_MS = 30_000;

  private final WebSocketClient client;
  private final WebSocket ws;
  private final BlockingQueue<Frame> frames = new LinkedBlockingQueue<>();
  private final List<Frame> stash = new ArrayList<>();
  private final BlockingQueue<Short> closeStatus = new LinkedBlockingQueue<>(1);

  /** Connects with a fresh dev token (the default embedded auth mode). */
  public WsProbe(Vertx vertx, int port) throws Exception {
    this(vertx, port, "/ws?token=" + TestNodes.devTokens(vertx, port).getString("token"));
  }

  /** Connects to {@code uri} as given (for tests of the handshake itself). */
  public WsProbe(Vertx vertx, int port, String uri) throws Exception {
    client = vertx.createWebSocketClient();
    // Handlers go on before the handshake, or the server's first message could arrive with nobody listening.
    ClientWebSocket socket = client.webSocket();
    socket.textMessageHandler(text -> frames.add(new Frame(new JsonObject(text), null, System.nanoTime())));
    socket.binaryMessageHandler(data -> frames.add(new Frame(null, data, System.nanoTime())));
    socket.closeHandler(v -> closeStatus.offer(socket.closeStatusCode() == null ? -1 : socket.closeStatusCode()));
    socket.connect(port, "127.0.0.1", uri).await(10, TimeUnit.SECONDS);
    ws = socket;
  }

  public void send(JsonObject message) {
    ws.writeTextMessage(message.encode());
  }

  public void sendRaw(String text) {
    ws.writeTextMessage(text);
  }

  public void sendBinary(Buffer data) {
    ws.writeBinaryMessage(data);
  }

  public Frame next() throws InterruptedException {
    if (!stash.isEmpty()) {
      return stash.remove(0);
    }
    Frame frame = frames.poll(TIMEOUT_MS, TimeUnit.MILLISECONDS);
    if (frame == null) {
      throw new AssertionError("no message within " + TIMEOUT_MS + " ms");
    }
    return frame;
  }

  /** The next JSON message matching; other frames before it are kept for later reads. */
  public JsonObject nextJson(Predicate<JsonObject> match) throws InterruptedException {
    List<Frame> skipped = new ArrayList<>();
    try {
      while (true) {
        Frame frame = next();
        if (frame.json() != null && match.test(frame.json())) {
          return frame.json();
        }
        skipped.add(frame);
      }
    } finally {
      stash.addAll(0, skipped);
    }
  }

  public JsonObject nextOfType(String type) throws InterruptedException {
    return nextJson(j -> type.equals(j.getString("type")));
  }

  /**
   * Collects the frames of request {@code id} (binary frames are matched by the stream number announced in
   * its audio_start) until its audio_end or error. Frames of other requests are kept for later reads.
   */
  public Reply collect(String id) throws InterruptedException {
    List<Frame> mine = new ArrayList<>();
    List<Frame> others = new ArrayList<>();
    Long stream = null;
    try {
      while (true) {
        Frame frame = next();
        boolean ours = frame.json() != null ? id.equals(frame.json().getString("id"))
            : stream != null && frame.stream() == stream;
        if (!ours) {
          others.add(frame);
          continue;
        }
        mine.add(frame);
        if (frame.isType("audio_start")) {
          stream = frame.json().getLong("stream");
        }
        if (frame.isType("audio_end") || frame.isType("error")) {
          return new Reply(mine, frame.json());
        }
      }
    } finally {
      stash.addAll(0, others);
    }
  }

  /** Frames that arrive within {@code millis}, e.g. to prove nothing more comes. */
  public List<Frame> drain(long millis) throws InterruptedException {
    List<Frame> got = new ArrayList<>(stash);
    stash.clear();
    long end = System.currentTimeMillis() + millis;
    long left;
    while ((left = end - System.currentTimeMillis()) > 0) {
      Frame frame = frames.poll(left, TimeUnit.MILLISECONDS);
      if (frame != null) {
        got.add(frame);
      }
    }
    return got;
  }

  /** The close status the server sent, waiting up to {@code millis} for the socket to close. */
  public Short awaitClose(long millis) throws InterruptedException {
    return closeStatus.poll(millis, TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() throws Exception {
    ws.close().await(5, TimeUnit.SECONDS);
    client.close().await(5, TimeUnit.SECONDS);
  }
}
