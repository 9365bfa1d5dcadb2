package com.ervc.eval;

import com.ervc.audio.WavAudio;
import com.ervc.audio.WavCodec;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A strict stand-in for OpenAI's {@code POST /v1/audio/transcriptions} (the API reference's "Create
 * transcription", https://platform.openai.com/docs/api-reference/audio/createTranscription): bearer auth, a
 * {@code multipart/form-data} body with a {@code file} part and a {@code model} field, only the documented fields,
 * {@code language} as ISO-639-1, {@code response_format} and {@code temperature} in range; errors in OpenAI's
 * {@code {"error": {message, type, param, code}}} shape. It "recognises" by answering {@link #text}, and keeps each
 * uploaded file so a test can check the audio that arrived.
 */
final class FakeTranscriptionServer implements AutoCloseable {
  private static final Set<String> FIELDS = Set.of("file", "model", "language", "prompt", "response_format",
      "temperature", "timestamp_granularities[]", "chunking_strategy", "include[]", "stream");
  private static final Set<String> MODELS = Set.of("whisper-1", "gpt-4o-transcribe", "gpt-4o-mini-transcribe");
  private static final Set<String> FORMATS = Set.of("json", "text", "srt", "verbose_json", "vtt");
  private static final Set<String> EXTENSIONS = Set.of("flac", "mp3", "mp4", "mpeg", "mpga", "m4a", "ogg", "wav",
      "webm");

  /** One accepted upload: the form fields and the decoded WAV. */
  record Upload(String model, String language, String responseFormat, String fileName, String contentType,
      WavAudio wav) {
  }

  private final Vertx vertx = Vertx.vertx();
  private final String apiKey;
  private final HttpServer server;
  private final List<Upload> uploads = new ArrayList<>();
  /** Status codes to answer the next requests with instead of a transcription (429 carries Retry-After: 0). */
  final Deque<Integer> failNext = new ArrayDeque<>();
  volatile String text = "the birch canoe slid on the smooth planks";

  FakeTranscriptionServer(String apiKey) throws TimeoutException {
    this.apiKey = apiKey;
    this.server = vertx.createHttpServer().requestHandler(this::handle).listen(0, "127.0.0.1")
        .await(10, TimeUnit.SECONDS);
  }

  String baseUrl() {
    return "http://127.0.0.1:" + server.actualPort() + "/v1";
  }

  synchronized List<Upload> uploads() {
    return List.copyOf(uploads);
  }

  private void handle(HttpServerRequest request) {
    if (!request.method().name().equals("POST") || !request.path().equals("/v1/audio/transcriptions")) {
      error(request, 404, "Invalid URL (" + request.method() + " " + request.path() + ")", null, null);
      return;
    }
    if (!("Bearer " + apiKey).equals(request.getHeader("Authorization"))) {
      error(request, 401, "Incorrect API key provided.", null, "invalid_api_key");
      return;
    }
    String contentType = request.getHeader("Content-Type");
    if (contentType == null || !contentType.startsWith("multipart/form-data") || !contentType.contains("boundary=")) {
      error(request, 400, "Invalid Content-Type header (" + contentType + "), expected multipart/form-data", null,
          null);
      return;
    }
    request.setExpectMultipart(true);
    List<String> fileNames = new ArrayList<>();
    List<String> fileTypes = new ArrayList<>();
    Buffer file = Buffer.buffer();
    request.uploadHandler(upload -> {
      if (!upload.name().equals("file")) {
        fileNames.add("unexpected file part " + upload.name());
      }
      fileNames.add(upload.filename());
      fileTypes.add(upload.contentType());
      upload.handler(file::appendBuffer);
    });
    request.endHandler(v -> answer(request, fileNames, fileTypes, file));
  }

  private void answer(HttpServerRequest request, List<String> fileNames, List<String> fileTypes, Buffer file) {
    var form = request.formAttributes();
    for (String name : form.names()) {
      if (!FIELDS.contains(name) || form.getAll(name).size() > 1 && !name.endsWith("[]")) {
        error(request, 400, "Unrecognized request argument supplied: " + name, name, null);
        return;
      }
    }
    if (fileNames.size() != 1) {
      error(request, 400, "you must provide exactly one file", "file", null);
      return;
    }
    String fileName = fileNames.get(0);
    String extension = fileName.contains(".") ? fileName.substring(fileName.lastIndexOf('.') + 1) : "";
    if (!EXTENSIONS.contains(extension)) {
      error(request, 400, "Invalid file format. Supported formats: " + EXTENSIONS, "file", null);
      return;
    }
    String model = form.get("model");
    if (model == null || !MODELS.contains(model)) {
      error(request, 400, model == null ? "you must provide a model parameter" : "invalid model ID", "model", null);
      return;
    }
    String language = form.get("language");
    if (language != null && !language.matches("[a-z]{2}")) {
      error(request, 400, "Invalid language '" + language + "'. Language parameter must be specified in "
          + "ISO-639-1 format.", "language", null);
      return;
    }
    String format = form.get("response_format") == null ? "json" : form.get("response_format");
    if (!FORMATS.contains(format)) {
      error(request, 400, "Invalid response_format", "response_format", null);
      return;
    }
    String temperature = form.get("temperature");
    if (temperature != null && !(temperature.matches("[0-9.]+") && Double.parseDouble(temperature) <= 1)) {
      error(request, 400, "temperature must be between 0 and 1", "temperature", null);
      return;
    }
    WavAudio wav;
    try {
      wav = WavCodec.decode(file.getBytes());
    } catch (IllegalArgumentException e) {
      error(request, 400, "Audio file might be corrupted or unsupported", "file", "invalid_value");
      return;
    }
    synchronized (this) {
      uploads.add(new Upload(model, language, format, fileName, fileTypes.get(0), wav));
    }
    Integer fail = failNext.poll();
    if (fail != null) {
      request.response().putHeader("Retry-After", "0");
      error(request, fail, fail == 429 ? "Rate limit reached for requests" : "The server had an error",
          null, null);
      return;
    }
    if (!format.equals("json")) {
      request.response().putHeader("Content-Type", "text/plain").end(text);
      return;
    }
    request.response().putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("text", text).encode());
  }

  private static void error(HttpServerRequest request, int status, String message, String param, String code) {
    String type = status == 429 ? "requests" : status >= 500 ? "server_error" : "invalid_request_error";
    request.response().setStatusCode(status).putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("error", new JsonObject().put("message", message).put("type", type)
            .put("param", param).put("code", code)).encode());
  }

  @Override
  public void close() throws TimeoutException {
    server.close().await(10, TimeUnit.SECONDS);
    vertx.close().await(10, TimeUnit.SECONDS);
  }
}
