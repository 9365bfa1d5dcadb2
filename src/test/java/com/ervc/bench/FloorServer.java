package com.ervc.bench;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.concurrent.TimeUnit;

/**
 * The bare-transport floor of {@code scripts/bench-load.sh}: a plain Vert.x WebSocket server that answers each
 * protocol v1 {@code synthesize} with the same messages a node sends for a one-sentence cache hit (audio_start,
 * sentence, the binary frames with their 8-byte stream/seq header, audio_end) and does no other work: no token
 * check, no event bus, no cache. What the service takes beyond it is what the service itself costs.
 * <p>
 * Usage: {@code FloorServer PORT FRAMES FRAME_BYTES LAST_FRAME_BYTES} (the PCM bytes per frame, learnt from a real
 * reply of the service, so both send the same amount of audio). Runs until killed.
 */
public final class FloorServer {
  private FloorServer() {
  }

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    int frames = Integer.parseInt(args[1]);
    int frameBytes = Integer.parseInt(args[2]);
    int lastFrameBytes = Integer.parseInt(args[3]);
    byte[] pcm = new byte[frameBytes];
    for (int i = 0; i < pcm.length; i += 2) { // a quiet 440 Hz tone, so the frames are not all zeros
      short sample = (short) (3000 * Math.sin(2 * Math.PI * 440 * (i / 2) / 24000.0));
      pcm[i] = (byte) sample;
      pcm[i + 1] = (byte) (sample >> 8);
    }
    Vertx vertx = Vertx.vertx();
    vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(port))
        .webSocketHandler(ws -> serve(ws, frames, pcm, lastFrameBytes))
        .listen().await(30, TimeUnit.SECONDS);
    System.out.println("floor server listening on 127.0.0.1:" + port);
  }

  private static void serve(ServerWebSocket ws, int frames, byte[] pcm, int lastFrameBytes) {
    long[] nextStream = {0};
    ws.writeTextMessage(new JsonObject().put("type", "ready").put("session", "floor").put("sampleRate", 24000)
        .put("channels", 1).put("format", "pcm_s16le").encode());
    ws.textMessageHandler(text -> {
      JsonObject message = new JsonObject(text);
      String type = message.getString("type");
      if ("ping".equals(type)) {
        ws.writeTextMessage("{\"type\":\"pong\"}");
        return;
      }
      if (!"synthesize".equals(type)) {
        return;
      }
      String id = message.getString("id");
      long stream = nextStream[0]++;
      long startNanos = System.nanoTime();
      ws.writeTextMessage(new JsonObject().put("type", "audio_start").put("id", id).put("stream", stream)
          .put("provider", "espeak").put("voice", "en-us").put("sampleRate", 24000).put("quality", "balanced")
          .encode());
      ws.writeTextMessage(new JsonObject().put("type", "sentence").put("id", id).put("index", 0)
          .put("text", message.getString("text")).encode());
      long samples = 0;
      for (int seq = 0; seq < frames; seq++) {
        int bytes = seq == frames - 1 ? lastFrameBytes : pcm.length;
        ws.writeBinaryMessage(Buffer.buffer(8 + bytes).appendUnsignedInt(stream).appendUnsignedInt(seq)
            .appendBytes(pcm, 0, bytes));
        samples += bytes / 2;
      }
      long totalMs = (System.nanoTime() - startNanos) / 1_000_000;
      ws.writeTextMessage(new JsonObject().put("type", "audio_end").put("id", id).put("chunks", frames)
          .put("samples", samples).put("ttfaMs", 0).put("totalMs", totalMs).put("cached", true)
          .put("provider", "espeak").put("switches", new JsonArray()).encode());
    });
  }
}
