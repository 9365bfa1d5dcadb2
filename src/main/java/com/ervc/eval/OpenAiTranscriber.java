package com.ervc.eval;

import com.ervc.audio.Pcm16;
import com.ervc.audio.Resampler;
import com.ervc.audio.WavCodec;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

/**
 * An OpenAI-compatible transcription endpoint: {@code POST {base}/audio/transcriptions} as
 * {@code multipart/form-data} with the parts {@code file} (the clip as a 16 kHz WAV, {@code clip.wav},
 * {@code audio/wav}), {@code model}, {@code language}, {@code response_format=json} and {@code temperature=0};
 * the answer's {@code text} is the transcript. {@code base} follows the OpenAI SDKs' base URL, {@code /v1}
 * included: {@code https://api.openai.com/v1}, or a local server speaking the same API (faster-whisper-server,
 * whisper.cpp's server, LocalAI, vLLM). A 429 or 5xx answer is retried twice, after its {@code Retry-After}
 * (at most 30 s) or 2 s; other errors end the run with the server's {@code error.message}.
 */
public final class OpenAiTranscriber implements Transcriber {
  static final int UPLOAD_RATE = 16_000;
  private static final int ATTEMPTS = 3;
  private static final Duration TIMEOUT = Duration.ofSeconds(120);

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final URI endpoint;
  private final String apiKey;
  private final String model;
  private final String language;

  /** @param apiKey sent as a bearer token; null or empty for a local server that needs none */
  public OpenAiTranscriber(URI base, String apiKey, String model, String language) {
    String b = base.toString();
    this.endpoint = URI.create((b.endsWith("/") ? b : b + "/") + "audio/transcriptions");
    this.apiKey = apiKey == null || apiKey.isEmpty() ? null : apiKey;
    this.model = model;
    this.language = language;
  }

  @Override
  public String name() {
    return "openai-compatible " + model + " (" + endpoint + ")";
  }

  @Override
  public String language() {
    return language;
  }

  @Override
  public String transcribe(short[] pcm, int sampleRate) throws IOException, InterruptedException {
    short[] audio = sampleRate == UPLOAD_RATE ? pcm : Resampler.resample(pcm, sampleRate, UPLOAD_RATE);
    String boundary = "ervc-" + UUID.randomUUID();
    byte[] body = multipart(boundary, WavCodec.encode(Pcm16.toLittleEndian(audio), UPLOAD_RATE, 1));
    HttpRequest.Builder request = HttpRequest.newBuilder(endpoint).timeout(TIMEOUT)
        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
        .header("Accept", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (apiKey != null) {
      request.header("Authorization", "Bearer " + apiKey);
    }
    for (int attempt = 1; ; attempt++) {
      HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      int status = response.statusCode();
      if (status == 200) {
        try {
          String text = new JsonObject(response.body()).getString("text");
          if (text == null) {
            throw new IOException(endpoint + " answered without a text: " + abbreviate(response.body()));
          }
          return text.strip();
        } catch (DecodeException | ClassCastException e) {
          throw new IOException(endpoint + " answered something other than a JSON transcription: "
              + abbreviate(response.body()), e);
        }
      }
      boolean retryable = status == 429 || status >= 500;
      if (!retryable || attempt == ATTEMPTS) {
        throw new IOException(endpoint + " answered " + status + ": " + errorMessage(response.body()));
      }
      Thread.sleep(retryDelayMillis(response.headers().firstValue("Retry-After")));
    }
  }

  /**
   * The form, written out: the JDK's HTTP client (what this tool uses) has no multipart encoder, and the five
   * parts are fixed.
   */
  byte[] multipart(String boundary, byte[] wav) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(wav.length + 1024);
    part(out, boundary, "Content-Disposition: form-data; name=\"file\"; filename=\"clip.wav\"\r\n"
        + "Content-Type: audio/wav", wav);
    field(out, boundary, "model", model);
    field(out, boundary, "language", language);
    field(out, boundary, "response_format", "json");
    field(out, boundary, "temperature", "0");
    out.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
    return out.toByteArray();
  }

  private static void field(ByteArrayOutputStream out, String boundary, String name, String value) {
    part(out, boundary, "Content-Disposition: form-data; name=\"" + name + "\"",
        value.getBytes(StandardCharsets.UTF_8));
  }

  private static void part(ByteArrayOutputStream out, String boundary, String headers, byte[] content) {
    out.writeBytes(("--" + boundary + "\r\n" + headers + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
    out.writeBytes(content);
    out.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
  }

  static long retryDelayMillis(Optional<String> retryAfter) {
    try {
      return retryAfter.map(s -> Math.min(30_000L, Math.max(0L, Long.parseLong(s.strip()) * 1000))).orElse(2_000L);
    } catch (NumberFormatException e) {
      return 2_000L;
    }
  }

  /** OpenAI's {"error": {"message": ...}}, or the start of whatever else came back. */
  private static String errorMessage(String body) {
    try {
      JsonObject error = new JsonObject(body).getJsonObject("error");
      if (error != null && error.getString("message") != null) {
        return error.getString("message");
      }
    } catch (DecodeException | ClassCastException e) {
      // not JSON: shown as it is below
    }
    return abbreviate(body);
  }

  private static String abbreviate(String body) {
    return body.length() > 300 ? body.substring(0, 300) + "..." : body;
  }
}
