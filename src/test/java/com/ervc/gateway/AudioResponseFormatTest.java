package com.ervc.gateway;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;

/** Negotiation reads the Accept ranges a real vertx-web router parsed, as the gateway does. */
class AudioResponseFormatTest {
  private static Vertx vertx;
  private static HttpServer server;
  private static WebClient client;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    Router router = Router.router(vertx);
    router.route("/tts").handler(rc -> {
      AudioResponseFormat format = AudioResponseFormat.negotiate(rc.parsedHeaders().accept());
      rc.response().setStatusCode(format == null ? 406 : 200).end(format == null ? "" : format.name());
    });
    server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
        .setDefaultPort(server.actualPort()));
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  /** The chosen format's name, or null when the answer is 406. */
  private static String negotiate(String accept) throws Exception {
    var request = client.get("/tts");
    if (accept != null) {
      request.putHeader("Accept", accept);
    }
    HttpResponse<Buffer> response = request.send().await(10, TimeUnit.SECONDS);
    return response.statusCode() == 406 ? null : response.bodyAsString();
  }

  @ParameterizedTest(name = "[{0}]")
  @NullAndEmptySource
  void missingOrBlankAcceptMeansWav(String accept) throws Exception {
    assertEquals("WAV", negotiate(accept));
  }

  // An empty expected column is null: nothing acceptable (the API answers 406).
  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
      "*/*                                | WAV",
      "audio/*                            | WAV",
      "audio/wav                          | WAV",
      "audio/x-wav                        | WAV",
      "audio/L16;rate=24000               | L16",
      "audio/l16                          | L16",
      "audio/pcm                          | PCM",
      "text/html, */*;q=0.1               | WAV",
      "audio/l16;q=0, audio/wav           | WAV",
      "audio/wav;q=0.5, audio/pcm         | PCM",
      "audio/pcm;q=0.2, audio/L16;q=0.9   | L16",
      "audio/wav;q=0, audio/*             | L16",
      "audio/*;q=0.5, audio/pcm           | PCM",
      "*/*;q=0.1, audio/wav;q=0.2         | WAV",
      "Audio/WAV                          | WAV",
      "audio/l16;q=0                      | ",
      "audio/*;q=0                        | ",
      "text/html                          | ",
      "application/json                   | "})
  void negotiateHonoursQualityValuesAndWildcards(String accept, String expected) throws Exception {
    assertEquals(expected, negotiate(accept));
  }

  @Test
  void l16ChunkIsByteSwappedToNetworkOrder() {
    Buffer littleEndian = Buffer.buffer(new byte[] {0x34, 0x12, (byte) 0xCD, (byte) 0xAB});

    assertArrayEquals(new byte[] {0x12, 0x34, (byte) 0xAB, (byte) 0xCD},
        AudioResponseFormat.L16.encodeChunk(littleEndian).getBytes());
  }

  @Test
  void wavAndPcmChunksPassThroughUntouched() {
    Buffer chunk = Buffer.buffer(new byte[] {0x34, 0x12});

    assertSame(chunk, AudioResponseFormat.PCM.encodeChunk(chunk));
    assertSame(chunk, AudioResponseFormat.WAV.encodeChunk(chunk));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "WAV | audio/wav",
      "L16 | audio/L16;rate=16000;channels=1",
      "PCM | audio/pcm;rate=16000;channels=1;format=s16le"})
  void contentTypeNamesRate(AudioResponseFormat format, String expected) {
    assertEquals(expected, format.contentType(16000));
  }
}
