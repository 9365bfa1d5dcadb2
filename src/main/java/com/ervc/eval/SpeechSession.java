package com.ervc.eval;

import io.vertx.core.json.JsonObject;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One WebSocket connection of protocol v1 (docs/protocol.md), used as any client would: one {@code synthesize} at a
 * time, the reply collected up to its {@code audio_end} or {@code error}. Runs on the caller's thread (the CLI's
 * workers); the JDK client delivers frames on its own threads into a queue.
 */
final class SpeechSession implements AutoCloseable {
  /** One received message: text JSON or a binary audio frame, stamped on arrival. */
  private record Incoming(JsonObject json, byte[] binary, long nanos) {
  }

  /** The outcome of one request. {@code error} is the server's error message, or null on success. */
  record Reply(JsonObject audioStart, JsonObject audioEnd, JsonObject error, short[] pcm, List<Integer> chunkJoins,
      List<Integer> sentenceJoins, double clientTtfaMs, double clientTotalMs) {
  }

  /** The error code of the synthetic error that ends a request when the connection closes under it. */
  static final String CLOSED = "connection_closed";

  private final WebSocket socket;
  private final BlockingQueue<Incoming> queue = new LinkedBlockingQueue<>();
  private final Duration timeout;

  SpeechSession(HttpClient http, URI wsUri, Duration timeout) throws IOException, InterruptedException {
    this.timeout = timeout;
    try {
      socket = http.newWebSocketBuilder().connectTimeout(timeout)
          .buildAsync(wsUri, new Listener()).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new IOException("could not open " + wsUri.getScheme() + "://" + wsUri.getAuthority() + wsUri.getPath()
          + ": " + e.getMessage(), e);
    }
  }

  Reply synthesize(JsonObject request) throws IOException, InterruptedException {
    String id = request.getString("id");
    long sent = System.nanoTime();
    socket.sendText(request.encode(), true);
    JsonObject start = null;
    long stream = -1;
    long firstAudio = -1;
    ByteArrayOutputStream pcm = new ByteArrayOutputStream();
    List<Integer> chunkJoins = new ArrayList<>();
    List<Integer> sentenceJoins = new ArrayList<>();
    while (true) {
      Incoming in = queue.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (in == null) {
        throw new IOException("no reply to request " + id + " within " + timeout.toSeconds() + " s");
      }
      if (in.binary() != null) {
        ByteBuffer frame = ByteBuffer.wrap(in.binary()).order(ByteOrder.BIG_ENDIAN);
        if (start == null || (frame.getInt(0) & 0xFFFF_FFFFL) != stream) {
          continue;
        }
        if (firstAudio < 0) {
          firstAudio = in.nanos();
        } else {
          chunkJoins.add(pcm.size() / 2);
        }
        pcm.write(in.binary(), 8, in.binary().length - 8);
        continue;
      }
      JsonObject json = in.json();
      if (!id.equals(json.getString("id")) && !"error".equals(json.getString("type"))) {
        continue;
      }
      switch (json.getString("type", "")) {
        case "audio_start" -> {
          start = json;
          stream = json.getLong("stream");
        }
        case "sentence" -> {
          if (json.getInteger("index", 0) > 0) {
            sentenceJoins.add(pcm.size() / 2);
          }
        }
        case "audio_end", "error" -> {
          boolean ok = json.getString("type").equals("audio_end");
          double ttfa = firstAudio < 0 ? Double.NaN : (firstAudio - sent) / 1e6;
          return new Reply(start, ok ? json : null, ok ? null : json, samples(pcm.toByteArray()), chunkJoins,
              sentenceJoins, ttfa, (in.nanos() - sent) / 1e6);
        }
        default -> {
        }
      }
    }
  }

  private static short[] samples(byte[] bytes) {
    short[] out = new short[bytes.length / 2];
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(out);
    return out;
  }

  @Override
  public void close() {
    socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").orTimeout(5, TimeUnit.SECONDS).exceptionally(e -> null);
  }

  private final class Listener implements WebSocket.Listener {
    private final StringBuilder text = new StringBuilder();
    private final ByteArrayOutputStream binary = new ByteArrayOutputStream();

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      text.append(data);
      if (last) {
        queue.add(new Incoming(new JsonObject(text.toString()), null, System.nanoTime()));
        text.setLength(0);
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
      byte[] chunk = new byte[data.remaining()];
      data.get(chunk);
      binary.writeBytes(chunk);
      if (last) {
        queue.add(new Incoming(null, binary.toByteArray(), System.nanoTime()));
        binary.reset();
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      queue.add(closed("the server closed the connection: " + statusCode + " " + reason));
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      queue.add(closed("the connection failed: " + error));
    }

    private Incoming closed(String message) {
      return new Incoming(new JsonObject().put("type", "error").put("code", CLOSED).put("message", message), null,
          System.nanoTime());
    }
  }
}
