package com.ervc.it;

import com.ervc.audio.Pcm16;
import com.ervc.audio.WavAudio;
import com.ervc.audio.WavCodec;
import com.ervc.node.Node;
import com.ervc.testing.Correlation;
import com.ervc.testing.Ffmpeg;
import com.ervc.testing.TestNodes;
import com.ervc.testing.WsProbe;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
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
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The OpenAI-compatible speech API against a real node with espeak (docs/openai-compatible.md). */
class OpenAiSpeechIT {
  private static final String TEXT = "The quick brown fox. It jumps over the lazy dog.";
  private static final int RATE = 24_000;
  private static final Path SDK = Path.of("src", "test", "openai-sdk");
  private static Node node;
  private static WebClient http;
  private static String apiToken;
  private static byte[] referencePcm;

  @BeforeAll
  static void start() throws Exception {
    node = TestNodes.single();
    http = WebClient.create(node.vertx(), new WebClientOptions().setDefaultHost("127.0.0.1")
        .setDefaultPort(node.httpPort()));
    apiToken = TestNodes.devTokens(node.vertx(), node.httpPort()).getString("apiToken");
    HttpResponse<Buffer> pcm = speech(request("pcm"));
    assertEquals(200, pcm.statusCode(), pcm.bodyAsString());
    referencePcm = pcm.body().getBytes();
  }

  @AfterAll
  static void stop() {
    http.close();
  }

  private static JsonObject request(String format) {
    return new JsonObject().put("model", "tts-1").put("input", TEXT).put("voice", "alloy")
        .put("response_format", format);
  }

  private static HttpResponse<Buffer> speech(JsonObject body) throws Exception {
    return post(node, apiToken, "application/json", body.toBuffer());
  }

  private static HttpResponse<Buffer> post(Node on, String token, String contentType, Buffer body) throws Exception {
    var request = WebClient.create(on.vertx()).request(HttpMethod.POST, on.httpPort(), "127.0.0.1", "/v1/audio/speech")
        .putHeader("Content-Type", contentType);
    if (token != null) {
      request.bearerTokenAuthentication(token);
    }
    return request.sendBuffer(body).await(60, TimeUnit.SECONDS);
  }

  private static JsonObject error(HttpResponse<Buffer> response) {
    JsonObject error = response.bodyAsJsonObject().getJsonObject("error");
    assertNotNull(error, response.bodyAsString());
    assertTrue(error.containsKey("message") && error.containsKey("type") && error.containsKey("param")
        && error.containsKey("code"), "OpenAI's error shape: " + error);
    return error;
  }

  @Test
  void pcmIsRaw24kHzMonoAndWavCarriesTheSameSamples() throws Exception {
    double seconds = referencePcm.length / 2.0 / RATE;
    assertTrue(seconds > 1.5 && seconds < 6, "plausible duration: " + seconds);
    HttpResponse<Buffer> wav = speech(request("wav"));
    assertEquals(200, wav.statusCode());
    assertEquals("audio/wav", wav.getHeader("Content-Type"));
    assertEquals("chunked", wav.getHeader("Transfer-Encoding"));
    WavAudio audio = WavCodec.decode(wav.body().getBytes());
    assertEquals(RATE, audio.sampleRate());
    assertEquals(1, audio.channels());
    assertArrayEquals(referencePcm, audio.pcm());
  }

  @ParameterizedTest
  @CsvSource({"mp3, audio/mpeg, mp3, 24000", "opus, audio/opus, opus, 48000", "aac, audio/aac, aac, 24000",
      "flac, audio/flac, flac, 24000"})
  void compressedFormatsDecodeToTheSameDuration(String format, String contentType, String codec, int decodedRate)
      throws Exception {
    assumeTrue(Ffmpeg.present(), "ffmpeg is not installed (scripts/test.sh installs it)");
    HttpResponse<Buffer> response = speech(request(format));
    assertEquals(200, response.statusCode(), response.bodyAsString());
    assertEquals(contentType, response.getHeader("Content-Type"));
    assertEquals("chunked", response.getHeader("Transfer-Encoding"));
    assertDecodesLikeTheReference(format, response.body().getBytes(), codec, decodedRate);
  }

  /** Decodes with ffprobe/ffmpeg: codec, rate, mono, and the duration of the reference PCM (flac: its samples). */
  private static void assertDecodesLikeTheReference(String format, byte[] encoded, String codec, int decodedRate)
      throws Exception {
    Path file = Files.createTempFile("speech-", "." + format);
    try {
      Files.write(file, encoded);
      Map<String, String> stream = Ffmpeg.probe(file);
      assertEquals(codec, stream.get("codec_name"));
      assertEquals(String.valueOf(decodedRate), stream.get("sample_rate"));
      assertEquals("1", stream.get("channels"));
      byte[] decoded = Ffmpeg.decodeToPcm(file, RATE);
      double expected = referencePcm.length / 2.0 / RATE;
      double actual = decoded.length / 2.0 / RATE;
      // Lossy codecs add encoder delay and pad their last frame: tens of milliseconds, never more.
      assertEquals(expected, actual, 0.1, format + " duration");
      if (format.equals("flac")) {
        assertArrayEquals(referencePcm, decoded, "flac is lossless");
      }
      // The same speech, not just as long: the waveform survives encoding (delayed by the codec's look-ahead).
      double correlation = Correlation.best(Pcm16.fromLittleEndian(referencePcm), Pcm16.fromLittleEndian(decoded),
          RATE / 10);
      assertTrue(correlation > 0.8, format + " decoded signal against the pcm: correlation " + correlation);
    } finally {
      Files.delete(file);
    }
  }

  /**
   * The official openai npm SDK (pinned in src/test/openai-sdk, installed by scripts/test.sh) against the endpoint:
   * every format streamed, a whole-body read, SSE, and errors as the SDK's own classes.
   */
  @Test
  void theOfficialOpenAiSdkGetsEveryFormatAndItsOwnErrorClasses() throws Exception {
    assumeTrue(sdkInstalled() && Ffmpeg.present(),
        "the openai SDK (npm ci in src/test/openai-sdk) and ffmpeg are installed by scripts/test.sh");
    Path out = Files.createTempDirectory("openai-sdk-");
    JsonObject report = runSdk(node, apiToken, out, "formats");

    assertArrayEquals(referencePcm, Files.readAllBytes(out.resolve("pcm")));
    assertArrayEquals(referencePcm, WavCodec.decode(Files.readAllBytes(out.resolve("wav"))).pcm());
    for (String[] f : new String[][] {{"mp3", "mp3", "24000"}, {"opus", "opus", "48000"}, {"aac", "aac", "24000"},
        {"flac", "flac", "24000"}}) {
      assertDecodesLikeTheReference(f[0], Files.readAllBytes(out.resolve(f[0])), f[1], Integer.parseInt(f[2]));
    }
    assertTrue(report.getJsonObject("formats").getJsonObject("pcm").getInteger("chunks") > 1, report.encode());
    assertEquals(RATE, WavCodec.decode(Files.readAllBytes(out.resolve("whole.wav"))).sampleRate());

    assertArrayEquals(referencePcm, Files.readAllBytes(out.resolve("sse.pcm")));
    assertEquals("speech.audio.done", report.getJsonObject("sse").getJsonObject("last").getString("type"));

    JsonObject errors = report.getJsonObject("errors");
    assertEquals(new JsonObject().put("class", "NotFoundError").put("status", 404).put("code", "model_not_found")
        .put("param", "model").put("type", "invalid_request_error").put("apiError", true).putNull("retryAfter"),
        errors.getJsonObject("model"));
    assertEquals("BadRequestError", errors.getJsonObject("format").getString("class"));
    assertEquals("response_format", errors.getJsonObject("format").getString("param"));
    assertEquals("BadRequestError", errors.getJsonObject("speed").getString("class"));
    assertEquals("AuthenticationError", errors.getJsonObject("key").getString("class"));
    assertEquals(401, errors.getJsonObject("key").getInteger("status"));
    assertEquals("NotFoundError", errors.getJsonObject("models").getString("class"));
    JsonObject unavailable = errors.getJsonObject("unavailable");
    assertEquals("InternalServerError", unavailable.getString("class"), unavailable.encode());
    assertEquals(503, unavailable.getInteger("status"));
    assertEquals("service_unavailable", unavailable.getString("code"));
    assertTrue(unavailable.getBoolean("apiError"), "every SDK error is an APIError");
    assertTrue(report.getJsonArray("models").contains("tts-1"), report.encode());
  }

  /** Runs src/test/openai-sdk/speech.mjs in {@code mode} against {@code on}; its JSON report. */
  private static JsonObject runSdk(Node on, String token, Path out, String mode) throws Exception {
    ProcessBuilder builder = new ProcessBuilder("node", "speech.mjs").directory(SDK.toFile())
        .redirectError(ProcessBuilder.Redirect.INHERIT);
    builder.environment().putAll(Map.of("OPENAI_BASE_URL", "http://127.0.0.1:" + on.httpPort() + "/v1",
        "OPENAI_API_KEY", token, "OUT", out.toString(), "TEXT", TEXT, "MODE", mode));
    Process process = builder.start();
    String stdout = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertTrue(process.waitFor(120, TimeUnit.SECONDS), "the SDK script finished");
    assertEquals(0, process.exitValue(), stdout);
    return new JsonObject(stdout.strip());
  }

  private static boolean sdkInstalled() {
    return Files.isDirectory(SDK.resolve("node_modules/openai"));
  }

  @Test
  void sseStreamsBase64DeltasThenDoneWithUsage() throws Exception {
    HttpResponse<Buffer> response = speech(request("pcm").put("stream_format", "sse"));
    assertEquals(200, response.statusCode());
    assertEquals("text/event-stream", response.getHeader("Content-Type"));
    String[] events = response.bodyAsString().split("\n\n");
    ByteArrayOutputStream audio = new ByteArrayOutputStream();
    for (int i = 0; i < events.length - 1; i++) {
      assertTrue(events[i].startsWith("data: "), events[i]);
      JsonObject delta = new JsonObject(events[i].substring(6));
      assertEquals("speech.audio.delta", delta.getString("type"));
      audio.writeBytes(Base64.getDecoder().decode(delta.getString("audio")));
    }
    assertTrue(events.length > 2, "audio arrives in several deltas");
    JsonObject done = new JsonObject(events[events.length - 1].substring(6));
    assertEquals("speech.audio.done", done.getString("type"));
    JsonObject usage = done.getJsonObject("usage");
    assertEquals(TEXT.length(), usage.getInteger("input_tokens"));
    assertEquals(usage.getInteger("input_tokens") + usage.getInteger("output_tokens"), usage.getInteger("total_tokens"));
    assertArrayEquals(referencePcm, audio.toByteArray());
  }

  @ParameterizedTest
  @ValueSource(strings = {"pcm", "mp3", "opus", "flac"})
  void theFirstBytesLeaveLongBeforeTheReplyIsDone(String format) throws Exception {
    StringBuilder text = new StringBuilder("Streaming test " + UUID.randomUUID() + ".");
    for (int i = 0; i < 12; i++) {
      text.append(" This is sentence number ").append(i).append(" of a reply long enough to take a while.");
    }
    HttpClient client = node.vertx().createHttpClient();
    try {
      List<Long> arrivals = new ArrayList<>();
      long sent = System.nanoTime();
      HttpClientResponse response = client.request(new RequestOptions().setMethod(HttpMethod.POST)
              .setHost("127.0.0.1").setPort(node.httpPort()).setURI("/v1/audio/speech")
              .putHeader("Authorization", "Bearer " + apiToken).putHeader("Content-Type", "application/json"))
          .compose(r -> r.send(new JsonObject().put("model", "espeak").put("input", text.toString())
              .put("voice", "en-us").put("response_format", format).toBuffer()))
          .await(30, TimeUnit.SECONDS);
      assertEquals(200, response.statusCode());
      response.handler(chunk -> arrivals.add(System.nanoTime()));
      response.end().await(60, TimeUnit.SECONDS);
      long done = System.nanoTime();
      assertTrue(arrivals.size() > 12, format + ": many chunks, not one body: " + arrivals.size());
      long firstByte = arrivals.get(0) - sent;
      long total = done - sent;
      assertTrue(firstByte < total / 2, format + ": first bytes after " + firstByte / 1_000_000 + " ms of "
          + total / 1_000_000 + " ms");
    } finally {
      client.close();
    }
  }

  @Test
  void aWebSocketClientAndAnOpenAiClientAtOnceGetTheSamePcm() throws Exception {
    String text = "Both clients at once, " + UUID.randomUUID() + ". Same words, same samples.";
    try (WsProbe ws = new WsProbe(node.vertx(), node.httpPort())) {
      ws.nextOfType("ready");
      var http = WebClient.create(node.vertx()).request(HttpMethod.POST, node.httpPort(), "127.0.0.1",
              "/v1/audio/speech").bearerTokenAuthentication(apiToken)
          .sendJsonObject(new JsonObject().put("model", "tts-1").put("voice", "alloy").put("input", text)
              .put("response_format", "pcm"));
      ws.send(new JsonObject().put("type", "synthesize").put("id", "both").put("text", text)
          .put("provider", "espeak").put("voice", "en-us").put("quality", "fast"));
      byte[] fromWebSocket = ws.collect("both").pcm().getBytes();
      HttpResponse<Buffer> fromOpenAi = http.await(60, TimeUnit.SECONDS);
      assertEquals(200, fromOpenAi.statusCode(), fromOpenAi.bodyAsString());
      assertTrue(fromWebSocket.length > RATE, "at least half a second of speech");
      assertArrayEquals(fromWebSocket, fromOpenAi.body().getBytes());
    }
  }

  @Test
  void clearInstructionsBecomeAnEmotionLikeTheRestApisOwn() throws Exception {
    HttpResponse<Buffer> sad = speech(request("pcm").put("instructions", "Read this very sadly, please."));
    assertEquals(200, sad.statusCode());
    assertFalse(java.util.Arrays.equals(referencePcm, sad.body().getBytes()), "sad prosody differs from neutral");
    HttpResponse<Buffer> rest = http.post("/api/v1/tts").bearerTokenAuthentication(apiToken)
        .putHeader("Accept", "audio/pcm")
        .sendJsonObject(new JsonObject().put("text", TEXT).put("provider", "espeak").put("voice", "en-us")
            .put("emotion", "sad").put("intensity", 0.9).put("quality", "fast"))
        .await(30, TimeUnit.SECONDS);
    assertArrayEquals(rest.body().getBytes(), sad.body().getBytes());
    HttpResponse<Buffer> ambiguous = speech(request("pcm").put("instructions", "Happy but also sad."));
    assertArrayEquals(referencePcm, ambiguous.body().getBytes(), "two emotions: neither is applied");
  }

  @Test
  void nativeVoiceIdsPassThroughInEitherForm() throws Exception {
    HttpResponse<Buffer> byObject = speech(request("pcm").put("model", "espeak").put("voice",
        new JsonObject().put("id", "en-gb")));
    assertEquals(200, byObject.statusCode(), byObject.bodyAsString());
    assertEquals("en-gb", byObject.getHeader("X-TTS-Voice"));
    HttpResponse<Buffer> byName = speech(request("pcm").put("model", "espeak").put("voice", "en-gb"));
    assertArrayEquals(byObject.body().getBytes(), byName.body().getBytes());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{\"model\":\"tts-9\",\"input\":\"Hi\",\"voice\":\"alloy\"}                   | 404 | model    | model_not_found",
      "{\"model\":\"tts-1\",\"input\":\"\",\"voice\":\"alloy\"}                      | 400 | input    | invalid_value",
      "{\"model\":\"tts-1\",\"input\":\"Hi\"}                                        | 400 | voice    | invalid_value",
      "{\"model\":\"tts-1\",\"input\":\"Hi\",\"voice\":\"alloy\",\"response_format\":\"ogg\"} | 400 | response_format | invalid_value",
      "{\"model\":\"tts-1\",\"input\":\"Hi\",\"voice\":\"alloy\",\"speed\":4.5}      | 400 | speed    | invalid_value",
      "{\"model\":\"tts-1\",\"input\":\"Hi\",\"voice\":\"alloy\",\"stream_format\":\"ws\"} | 400 | stream_format | invalid_value",
      "{\"model\":\"espeak\",\"input\":\"Hi\",\"voice\":\"nope\"}                    | 400 |          | invalid_request",
      "{\"model\":\"azure\",\"input\":\"Hi\",\"voice\":\"x\"}                        | 503 |          | service_unavailable",
      "not json                                                                       | 400 |          | invalid_json",
      "[1]                                                                            | 400 |          | invalid_json"})
  void badRequestsGetOpenAisErrorShape(String body, int status, String param, String code) throws Exception {
    HttpResponse<Buffer> response = post(node, apiToken, "application/json", Buffer.buffer(body.trim()));
    assertEquals(status, response.statusCode(), response.bodyAsString());
    JsonObject error = error(response);
    assertEquals(param, error.getString("param"));
    assertEquals(code, error.getString("code"));
    assertEquals(status >= 500 ? "server_error" : "invalid_request_error", error.getString("type"));
  }

  @Test
  void inputOverOpenAisLimitWrongContentTypeAndHugeBodiesAreRefused() throws Exception {
    HttpResponse<Buffer> tooLong = speech(request("pcm").put("input", "a".repeat(4097)));
    assertEquals(400, tooLong.statusCode());
    assertEquals("string_too_long", error(tooLong).getString("code"));
    HttpResponse<Buffer> form = post(node, apiToken, "text/plain", request("pcm").toBuffer());
    assertEquals(400, form.statusCode());
    assertEquals("invalid_content_type", error(form).getString("code"));
    HttpResponse<Buffer> huge = post(node, apiToken, "application/json",
        Buffer.buffer("{\"input\":\"" + "a".repeat(300_000) + "\"}"));
    assertEquals(413, huge.statusCode());
    assertEquals("request_too_large", error(huge).getString("code"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "not-a-token"})
  void missingOrBadTokensAre401InOpenAisShape(String token) throws Exception {
    HttpResponse<Buffer> response = post(node, token.isEmpty() ? null : token, "application/json",
        request("pcm").toBuffer());
    assertEquals(401, response.statusCode());
    assertEquals("Bearer", response.getHeader("WWW-Authenticate"));
    assertEquals("invalid_api_key", error(response).getString("code"));
  }

  @Test
  void modelsAndVoicesAreListedTheOpenAiWay() throws Exception {
    JsonObject models = http.get("/v1/models").bearerTokenAuthentication(apiToken).send()
        .await(10, TimeUnit.SECONDS).bodyAsJsonObject();
    assertEquals("list", models.getString("object"));
    List<String> ids = models.getJsonArray("data").stream().map(m -> ((JsonObject) m).getString("id")).toList();
    assertTrue(ids.containsAll(List.of("tts-1", "tts-1-hd", "gpt-4o-mini-tts", "espeak")), ids.toString());
    JsonObject one = http.get("/v1/models/tts-1").bearerTokenAuthentication(apiToken).send()
        .await(10, TimeUnit.SECONDS).bodyAsJsonObject();
    assertEquals("model", one.getString("object"));
    HttpResponse<Buffer> missing = http.get("/v1/models/nope").bearerTokenAuthentication(apiToken).send()
        .await(10, TimeUnit.SECONDS);
    assertEquals(404, missing.statusCode());
    assertEquals("model_not_found", error(missing).getString("code"));
    JsonArray voices = http.get("/v1/audio/voices").bearerTokenAuthentication(apiToken).send()
        .await(10, TimeUnit.SECONDS).bodyAsJsonObject().getJsonArray("data");
    List<String> voiceIds = voices.stream().map(v -> ((JsonObject) v).getString("id")).toList();
    assertTrue(voiceIds.containsAll(List.of("alloy", "cedar", "en-us")), voiceIds.toString());
  }

  /** Another cluster's {@code openai} provider, pointed at this endpoint, speaks through this cluster's espeak. */
  @Test
  void theOpenAiProviderOfAnotherClusterUsesThisEndpoint() throws Exception {
    Map<String, String> env = TestNodes.env(TestNodes.uniqueClusterName());
    env.put("ESPEAK_ENABLED", "false");
    env.put("OPENAI_BASE_URL", "http://127.0.0.1:" + node.httpPort() + "/v1");
    env.put("OPENAI_API_KEY", apiToken);
    Node client = TestNodes.start(env);
    try {
      String token = TestNodes.devTokens(client.vertx(), client.httpPort()).getString("apiToken");
      HttpResponse<Buffer> response = WebClient.create(client.vertx())
          .request(HttpMethod.POST, client.httpPort(), "127.0.0.1", "/api/v1/tts").bearerTokenAuthentication(token)
          .putHeader("Accept", "audio/pcm")
          .sendJsonObject(new JsonObject().put("text", TEXT).put("provider", "openai").put("voice", "coral")
              .put("quality", "fast"))
          .await(60, TimeUnit.SECONDS);
      assertEquals(200, response.statusCode(), response.bodyAsString());
      assertEquals("openai", response.getHeader("X-TTS-Provider"));
      // tts-1 and coral map to espeak en-us here, as alloy does for the reference.
      assertArrayEquals(referencePcm, response.body().getBytes());
    } finally {
      TestNodes.stop(client);
    }
  }

  /**
   * A node that cannot run ffmpeg still serves mp3, opus and flac (Java encoders) and refuses aac naming the fix; then
   * both limits answer 429 with Retry-After, and the official SDK raises its RateLimitError after honouring it.
   */
  @Test
  void withoutFfmpegOnlyAacNamesTheFixAndBothLimitsGive429WithRetryAfterThatTheSdkHonours() throws Exception {
    Map<String, String> env = TestNodes.env(TestNodes.uniqueClusterName());
    env.put("OPENAI_API_FFMPEG", "/nonexistent/ffmpeg");
    env.put("API_RATE_LIMIT", "8");
    // Five requests of TEXT fit (aac is charged before its format is refused); one of 3 x TEXT never fits after them.
    env.put("CHARACTERS_PER_USER_PER_MINUTE", String.valueOf(TEXT.length() * 5 + 1));
    Node bare = TestNodes.start(env);
    try {
      String token = TestNodes.devTokens(bare.vertx(), bare.httpPort()).getString("apiToken");
      String[][] javaFormats = {{"mp3", "mp3", "24000"}, {"opus", "opus", "48000"}, {"flac", "flac", "24000"}};
      List<byte[]> encoded = new ArrayList<>();
      for (String[] f : javaFormats) {
        HttpResponse<Buffer> response = post(bare, token, "application/json", request(f[0]).toBuffer());
        assertEquals(200, response.statusCode(), f[0] + ": " + response.bodyAsString());
        encoded.add(response.body().getBytes());
      }
      HttpResponse<Buffer> aac = post(bare, token, "application/json", request("aac").toBuffer());
      assertEquals(400, aac.statusCode());
      JsonObject error = error(aac);
      assertEquals("response_format", error.getString("param"));
      assertEquals("unsupported_response_format", error.getString("code"));
      assertTrue(error.getString("message").contains("apt-get install ffmpeg"), error.getString("message"));
      HttpResponse<Buffer> wav = post(bare, token, "application/json", request("wav").toBuffer());
      assertEquals(200, wav.statusCode());
      assertArrayEquals(referencePcm, WavCodec.decode(wav.body().getBytes()).pcm());
      // Three times TEXT: the quota's refill during this test can never have made room for it.
      HttpResponse<Buffer> characters = post(bare, token, "application/json",
          request("pcm").put("input", TEXT.repeat(3)).toBuffer());
      assertEquals(429, characters.statusCode());
      assertTrue(Long.parseLong(characters.getHeader("Retry-After")) >= 1);
      assertTrue(error(characters).getString("message").startsWith("character quota"), characters.bodyAsString());
      HttpResponse<Buffer> requests = null;
      for (int i = 0; i < 5 && (requests == null || requests.statusCode() != 429
          || error(requests).getString("message").startsWith("character quota")); i++) {
        requests = post(bare, token, "application/json", request("pcm").toBuffer());
      }
      assertEquals(429, requests.statusCode());
      assertTrue(error(requests).getString("message").startsWith("too many requests"), requests.bodyAsString());
      assertTrue(Long.parseLong(requests.getHeader("Retry-After")) >= 1);
      assertEquals("rate_limit_exceeded", error(requests).getString("code"));
      assertEquals("requests", error(requests).getString("type"));

      if (sdkInstalled()) {
        JsonObject report = runSdk(bare, token, Files.createTempDirectory("openai-sdk-"), "limits");
        JsonObject limited = report.getJsonObject("errors").getJsonObject("limited");
        assertEquals("RateLimitError", limited.getString("class"), report.encode());
        assertEquals(429, limited.getInteger("status"));
        assertEquals("rate_limit_exceeded", limited.getString("code"));
        assertTrue(Long.parseLong(limited.getString("retryAfter")) >= 1, report.encode());
        // Refused by the request rate, retried once the Retry-After had passed, and then served.
        JsonArray attempts = report.getJsonArray("attempts");
        assertEquals(2, attempts.size(), report.encode());
        assertEquals(429, attempts.getJsonObject(0).getInteger("status"), report.encode());
        assertEquals(200, attempts.getJsonObject(1).getInteger("status"), report.encode());
        long retryAfter = Long.parseLong(attempts.getJsonObject(0).getString("retryAfter"));
        long waited = attempts.getJsonObject(1).getLong("at") - attempts.getJsonObject(0).getLong("at");
        assertTrue(waited >= retryAfter * 1000, "the SDK retried after " + waited + " ms, Retry-After " + retryAfter);
        assertTrue(report.getJsonObject("retried").getInteger("bytes") > RATE / 10, report.encode());
      }
      for (int i = 0; i < javaFormats.length && Ffmpeg.present(); i++) { // the test's own decoder, not the node's
        assertDecodesLikeTheReference(javaFormats[i][0], encoded.get(i), javaFormats[i][1],
            Integer.parseInt(javaFormats[i][2]));
      }
    } finally {
      TestNodes.stop(bare);
    }
  }
}
