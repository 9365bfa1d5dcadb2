package com.ervc.it;

import com.ervc.audio.Pcm16;
import com.ervc.audio.WavAudio;
import com.ervc.audio.WavCodec;
import com.ervc.node.Node;
import com.ervc.protocol.Addresses;
import com.ervc.testing.SentMessages;
import com.ervc.testing.TestNodes;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The REST API against a real single node. */
class HttpApiIT {
  private static Node node;
  private static WebClient http;
  private static String apiToken;

  @BeforeAll
  static void start() {
    node = TestNodes.single();
    http = WebClient.create(node.vertx(), new WebClientOptions().setDefaultHost("127.0.0.1")
        .setDefaultPort(node.httpPort()));
    apiToken = TestNodes.devTokens(node.vertx(), node.httpPort()).getString("apiToken");
  }

  @AfterAll
  static void stop() {
    http.close();
  }

  private static HttpResponse<Buffer> tts(String accept, Buffer body) throws Exception {
    var request = http.request(HttpMethod.POST, "/api/v1/tts").putHeader("Content-Type", "application/json")
        .bearerTokenAuthentication(apiToken);
    if (accept != null) {
      request.putHeader("Accept", accept);
    }
    return request.sendBuffer(body).await(30, TimeUnit.SECONDS);
  }

  private static HttpResponse<Buffer> get(String path) throws Exception {
    return http.get(path).bearerTokenAuthentication(apiToken).send().await(10, TimeUnit.SECONDS);
  }

  /**
   * A reply the cache holds whole, asked again while this node's routing choice for it is fresh (a second), is written
   * by the gateway itself on both HTTP speech APIs: no request reaches the pipeline, and the audio is the stream's,
   * byte for byte. The first repeat may find the choice a second old on a slow machine; the pipeline then renews it,
   * so a few tries are allowed.
   */
  @Test
  void aCachedReplyIsWrittenByTheGatewayWithoutThePipelineOnBothHttpApis() throws Exception {
    try (SentMessages pipelineRequests = SentMessages.to(node.vertx(), Addresses.PIPELINE_SYNTHESIZE)) {
      Buffer body = new JsonObject().put("text", "Written by the gateway, run " + System.nanoTime() + ". Twice.")
          .toBuffer();
      HttpResponse<Buffer> streamed = tts("audio/pcm", body);
      assertEquals(200, streamed.statusCode());
      assertEquals(1, pipelineRequests.count(), "the first request is synthesized by the pipeline");
      HttpResponse<Buffer> written = repeatUntilWrittenByTheGateway(pipelineRequests, () -> tts("audio/pcm", body));
      assertEquals("true", written.getTrailer("X-TTS-Cached"));
      assertEquals("espeak", written.getHeader("X-TTS-Provider"));
      assertArrayEquals(streamed.body().getBytes(), written.body().getBytes(), "the stream's audio, byte for byte");
      HttpResponse<Buffer> wav = repeatUntilWrittenByTheGateway(pipelineRequests, () -> tts(null, body));
      assertEquals("true", wav.getHeader("X-TTS-Cached"));
      assertArrayEquals(streamed.body().getBytes(), WavCodec.decode(wav.body().getBytes()).pcm(), "the same as WAV");

      Buffer speech = new JsonObject().put("model", "espeak").put("voice", "en-us").put("response_format", "pcm")
          .put("input", "Through the OpenAI endpoint, run " + System.nanoTime() + ".").toBuffer();
      Callable<HttpResponse<Buffer>> openAi = () -> http.request(HttpMethod.POST, "/v1/audio/speech")
          .putHeader("Content-Type", "application/json").bearerTokenAuthentication(apiToken).sendBuffer(speech)
          .await(30, TimeUnit.SECONDS);
      int before = pipelineRequests.count();
      HttpResponse<Buffer> openAiStreamed = openAi.call();
      assertEquals(200, openAiStreamed.statusCode(), openAiStreamed.bodyAsString());
      assertEquals(before + 1, pipelineRequests.count());
      HttpResponse<Buffer> openAiWritten = repeatUntilWrittenByTheGateway(pipelineRequests, openAi);
      assertEquals(200, openAiWritten.statusCode());
      assertTrue(openAiStreamed.body().length() > 24_000, "at least half a second of speech");
      assertArrayEquals(openAiStreamed.body().getBytes(), openAiWritten.body().getBytes());
    }
  }

  /** Sends {@code request} until one is answered without a pipeline request (at most 5 tries), and returns that one. */
  private static HttpResponse<Buffer> repeatUntilWrittenByTheGateway(SentMessages pipelineRequests,
                                                                     Callable<HttpResponse<Buffer>> request)
      throws Exception {
    for (int attempt = 0; attempt < 5; attempt++) {
      int before = pipelineRequests.count();
      HttpResponse<Buffer> response = request.call();
      assertEquals(200, response.statusCode(), response.bodyAsString());
      if (pipelineRequests.count() == before) {
        return response;
      }
    }
    throw new AssertionError("every repeat went through the pipeline");
  }

  @Test
  void wavAndRawFormatsCarryTheSameSpeech() throws Exception {
    Buffer body = new JsonObject().put("text", "Testing the three formats.").toBuffer();
    HttpResponse<Buffer> wav = tts(null, body);
    assertEquals(200, wav.statusCode());
    assertEquals("audio/wav", wav.getHeader("Content-Type"));
    assertEquals("espeak", wav.getHeader("X-TTS-Provider"));
    assertEquals(String.valueOf(wav.body().length()), wav.getHeader("Content-Length"));
    WavAudio audio = WavCodec.decode(wav.body().getBytes());
    assertEquals(24_000, audio.sampleRate());
    assertEquals(1, audio.channels());
    double seconds = audio.frameCount() / 24_000.0;
    assertTrue(seconds > 1.0 && seconds < 4.0, "plausible duration: " + seconds);

    HttpResponse<Buffer> pcm = tts("audio/pcm", body);
    assertEquals(200, pcm.statusCode());
    assertEquals("audio/pcm;rate=24000;channels=1;format=s16le", pcm.getHeader("Content-Type"));
    assertEquals("true", pcm.getTrailer("X-TTS-Cached"), "the second request is served from the cache");
    assertArrayEquals(audio.pcm(), pcm.body().getBytes());

    HttpResponse<Buffer> l16 = tts("audio/L16", body);
    assertEquals("audio/L16;rate=24000;channels=1", l16.getHeader("Content-Type"));
    assertArrayEquals(Pcm16.toBigEndian(Pcm16.fromLittleEndian(audio.pcm())), l16.body().getBytes(),
        "audio/L16 is the same samples in network byte order");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "not json                                         | 400 | invalid_request",
      "[1]                                              | 400 | invalid_request",
      "{}                                               | 400 | invalid_request",
      "{\"text\":\"Hi\",\"emotion\":\"bored\"}          | 400 | invalid_request",
      "{\"text\":\"Hi\",\"provider\":\"azure\"}         | 503 | provider_unavailable",
      "{\"text\":\"Hi\",\"voice\":\"nope\"}             | 400 | invalid_request"})
  void badRequestsGetAJsonErrorWithTheirCode(String body, int status, String code) throws Exception {
    HttpResponse<Buffer> response = tts(null, Buffer.buffer(body.trim()));
    assertEquals(status, response.statusCode(), response.bodyAsString());
    assertEquals(code, response.bodyAsJsonObject().getJsonObject("error").getString("code"));
  }

  @Test
  void tooLongTextAndTooLargeBodiesAre413() throws Exception {
    HttpResponse<Buffer> longText = tts(null, new JsonObject().put("text", "a".repeat(5001)).toBuffer());
    assertEquals(413, longText.statusCode());
    assertEquals("too_large", longText.bodyAsJsonObject().getJsonObject("error").getString("code"));
    HttpResponse<Buffer> hugeBody = tts(null, Buffer.buffer("{\"text\":\"" + "a".repeat(300_000) + "\"}"));
    assertEquals(413, hugeBody.statusCode());
    assertEquals("too_large", hugeBody.bodyAsJsonObject().getJsonObject("error").getString("code"));
  }

  @Test
  void unsupportedAcceptIs406() throws Exception {
    assertEquals(406, tts("text/html", new JsonObject().put("text", "Hi").toBuffer()).statusCode());
    assertEquals(406, tts("audio/L16;q=0", new JsonObject().put("text", "Hi").toBuffer()).statusCode());
  }

  @Test
  void acceptQualityValuesChooseTheFormat() throws Exception {
    HttpResponse<Buffer> refusedL16 = tts("audio/l16;q=0, audio/wav", new JsonObject().put("text", "Hi").toBuffer());
    assertEquals(200, refusedL16.statusCode());
    assertEquals("audio/wav", refusedL16.getHeader("Content-Type"));
    HttpResponse<Buffer> preferredPcm = tts("audio/wav;q=0.5, audio/pcm", new JsonObject().put("text", "Hi").toBuffer());
    assertEquals(200, preferredPcm.statusCode());
    assertTrue(preferredPcm.getHeader("Content-Type").startsWith("audio/pcm;"), preferredPcm.getHeader("Content-Type"));
  }

  @Test
  void voicesAndProvidersDescribeEspeak() throws Exception {
    JsonArray voices = get("/api/v1/voices").bodyAsJsonObject().getJsonArray("voices");
    assertTrue(voices.stream().map(JsonObject.class::cast)
        .anyMatch(v -> "espeak".equals(v.getString("provider")) && "en-us".equals(v.getString("id"))));
    JsonObject espeak = get("/api/v1/providers").bodyAsJsonObject().getJsonArray("providers").stream()
        .map(JsonObject.class::cast).filter(p -> "espeak".equals(p.getString("name"))).findFirst().orElseThrow();
    assertEquals("espeak", espeak.getString("name"));
    assertTrue(espeak.getBoolean("available"));
    assertEquals(8, espeak.getJsonArray("emotions").size());
    assertEquals(new JsonArray().add("fast").add("balanced").add("high"), espeak.getJsonArray("qualityTiers"));
    assertEquals(24_000, espeak.getInteger("sampleRate"));
    assertEquals(new JsonArray().add(node.state().nodeId()), espeak.getJsonArray("nodes"));
    assertTrue(espeak.containsKey("quality") && espeak.getValue("quality") == null,
        "no quality check ran on this cluster: null, not left out");
  }

  @Test
  void servesTheBrowserClient() throws Exception {
    HttpResponse<Buffer> page = get("/");
    assertEquals(200, page.statusCode());
    assertTrue(page.getHeader("Content-Security-Policy").contains("script-src 'self'"));
    assertEquals("nosniff", page.getHeader("X-Content-Type-Options"));
    assertEquals("DENY", page.getHeader("X-Frame-Options"));
    assertTrue(page.getHeader("Content-Type").startsWith("text/html"));
    assertTrue(page.bodyAsString().contains("id=\"speak\""));
    // The client's ES modules load each other by name: every file of webroot/ is served, scripts with a JavaScript
    // type (browsers refuse a module script of any other type). Sub-folders too: the admin console lives in
    // webroot/admin/.
    Path root = Path.of("webroot");
    try (Stream<Path> files = Files.walk(root)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        String name = root.relativize(file).toString().replace('\\', '/');
        HttpResponse<Buffer> served = get("/" + name);
        assertEquals(200, served.statusCode(), name);
        assertEquals(Files.size(file), served.body().length(), name);
        if (name.endsWith(".js")) {
          assertTrue(served.getHeader("Content-Type").startsWith("text/javascript"), name + ": " + served.getHeader("Content-Type"));
        }
      }
    }
    HttpResponse<Buffer> missing = get("/no-such-file.js");
    assertEquals(404, missing.statusCode());
    assertEquals("not found", missing.bodyAsJsonObject().getJsonObject("error").getString("message"));
    HttpResponse<Buffer> wrongMethod = get("/api/v1/tts");
    assertEquals(405, wrongMethod.statusCode());
    assertEquals("invalid_request", wrongMethod.bodyAsJsonObject().getJsonObject("error").getString("code"));
  }
}
