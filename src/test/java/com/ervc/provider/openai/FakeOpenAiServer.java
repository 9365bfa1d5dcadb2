package com.ervc.provider.openai;

import com.ervc.provider.cloud.FakeCloudServer;
import com.ervc.provider.cloud.MultipartForm;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict stand-in for OpenAI's {@code POST /v1/audio/speech}. Every vendor fact it relies on is in
 * docs/providers/openai.md, which cites the vendor sources for each fact.
 */
public final class FakeOpenAiServer extends FakeCloudServer {
  /** The body schema has additionalProperties:false. */
  private static final Set<String> FIELDS = Set.of("model", "input", "voice", "instructions", "response_format", "speed",
      "stream_format");
  private static final Set<String> MODELS = Set.of("tts-1", "tts-1-hd", "gpt-4o-mini-tts", "gpt-4o-mini-tts-2025-12-15");
  /** All 13 built-ins are accepted (the schema enum lists only 10). */
  private static final Set<String> VOICES = Set.of("alloy", "ash", "ballad", "coral", "echo", "fable", "onyx", "nova",
      "sage", "shimmer", "verse", "marin", "cedar");
  /** The subset of tts-1 and tts-1-hd. */
  private static final Set<String> LEGACY_VOICES = Set.of("alloy", "ash", "coral", "echo", "fable", "onyx", "nova",
      "sage", "shimmer");
  private static final Set<String> FORMATS = Set.of("mp3", "opus", "aac", "flac", "wav", "pcm");
  /**
   * Whether instructions sent to tts-1/tts-1-hd is an error is unverified; the strict side (reject) is the
   * default so that a client that sends it fails here.
   */
  public volatile boolean rejectInstructionsForLegacyModels = true;

  /** #custom-voices: uploads of at most 10 MiB; the organisation's limit of 20 custom voices. */
  static final int MAX_UPLOAD_BYTES = 10 * 1024 * 1024;
  public volatile int voiceLimit = 20;
  /**
   * Custom voices are limited to eligible customers. How OpenAI refuses others is not documented; this fake answers
   * 403 in the common error shape (its assumption).
   */
  public volatile boolean customVoicesAllowed = true;
  private static final Pattern CONSENT_PATH = Pattern.compile("/v1/audio/voice_consents/([^/]+)");
  private static final Pattern LANGUAGE = Pattern.compile("[a-z]{2,3}(-[A-Za-z0-9]{2,8})*");
  /** Consents and custom voices made and not deleted, by id, as OpenAI answers them. */
  public final Map<String, JsonObject> consents = new ConcurrentHashMap<>();
  public final Map<String, JsonObject> voices = new ConcurrentHashMap<>();
  /** The audio of each custom voice's sample, by voice id. */
  public final Map<String, byte[]> samples = new ConcurrentHashMap<>();

  private final String apiKey;

  public FakeOpenAiServer(Vertx vertx, String apiKey) {
    super(vertx);
    this.apiKey = apiKey;
  }

  @Override
  protected void handle(HttpServerRequest request, Received r) {
    HttpServerResponse response = request.response();
    // HTTP bearer auth; 401 with the JSON error otherwise.
    if (!("Bearer " + apiKey).equals(r.headers().get("Authorization"))) {
      unauthorized(response);
      return;
    }
    if (r.path().startsWith("/v1/audio/voice")) {
      customVoices(response, r);
      return;
    }
    if (!r.method().equals("POST") || !r.path().equals("/v1/audio/speech")) {
      error(response, 404, "Invalid URL (" + r.method() + " " + r.path() + ")", "invalid_request_error", null, null);
      return;
    }
    String contentType = r.headers().get("Content-Type");
    if (contentType == null || !contentType.startsWith("application/json")) {
      error(response, 400, "Content-Type must be application/json", "invalid_request_error", null, null);
      return;
    }
    JsonObject body;
    try {
      body = r.json();
    } catch (DecodeException | ClassCastException e) {
      error(response, 400, "We could not parse the JSON body of your request.", "invalid_request_error", null, null);
      return;
    }
    String problem = validate(body);
    if (problem != null) {
      String param = problem.substring(0, problem.indexOf(':'));
      error(response, 400, problem, "invalid_request_error", param, null);
      return;
    }
    // The response headers of a real answer.
    MultiMap headers = MultiMap.caseInsensitiveMultiMap()
        .add("Content-Type", "audio/pcm")
        .add("x-request-id", "req_" + Integer.toHexString(body.hashCode()))
        .add("openai-processing-ms", "210")
        .add("x-ratelimit-limit-requests", "500")
        .add("x-ratelimit-remaining-requests", "499")
        .add("x-ratelimit-reset-requests", "120ms");
    answerAudio(response, pcmFor(body.getString("input")), headers);
  }

  /** "param: message", or null when the body is acceptable. */
  private String validate(JsonObject body) {
    for (String field : body.fieldNames()) {
      if (!FIELDS.contains(field)) {
        return field + ": Unrecognized request argument supplied: " + field;
      }
    }
    if (!(body.getValue("model") instanceof String model) || !MODELS.contains(model)) {
      return "model: model is required and must be a known TTS model";
    }
    // Input required, at most 4096 characters.
    if (!(body.getValue("input") instanceof String input) || input.isEmpty()) {
      return "input: input is required";
    }
    if (input.length() > 4096) {
      return "input: string too long. Expected a string with maximum length 4096, but got a string with length "
          + input.length() + " instead.";
    }
    boolean legacy = model.startsWith("tts-1");
    Object voice = body.getValue("voice");
    if (voice instanceof String name) {
      if (!VOICES.contains(name) || (legacy && !LEGACY_VOICES.contains(name))) {
        return "voice: voice '" + name + "' is not supported by " + model;
      }
    } else if (voice instanceof JsonObject custom && custom.getValue("id") instanceof String id) {
      // #custom-voices: {"id": "voice_…"} names a custom voice of the organisation.
      if (custom.size() != 1 || !voices.containsKey(id)) {
        return "voice: custom voice '" + id + "' was not found";
      }
    } else {
      return "voice: voice is required";
    }
    Object instructions = body.getValue("instructions");
    if (instructions != null) {
      if (!(instructions instanceof String text) || text.length() > 4096) {
        return "instructions: must be a string of at most 4096 characters";
      }
      if (legacy && rejectInstructionsForLegacyModels) {
        return "instructions: instructions are not supported by " + model;
      }
    }
    // The response_format enum; only pcm is produced here.
    Object format = body.getValue("response_format", "mp3");
    if (!(format instanceof String f) || !FORMATS.contains(f)) {
      return "response_format: invalid value";
    }
    if (!f.equals("pcm")) {
      return "response_format: this fake only produces pcm";
    }
    Object speed = body.getValue("speed");
    if (speed != null && !(speed instanceof Number n && n.doubleValue() >= 0.25 && n.doubleValue() <= 4.0)) {
      return "speed: must be between 0.25 and 4.0";
    }
    Object stream = body.getValue("stream_format");
    if (stream != null && !"audio".equals(stream) && !("sse".equals(stream) && !legacy)) {
      return "stream_format: not supported for " + model;
    }
    return null;
  }

  /**
   * #custom-voices: POST /v1/audio/voice_consents (multipart name, language, recording), POST /v1/audio/voices
   * (multipart name, consent, audio_sample), DELETE /v1/audio/voice_consents/{id}.
   */
  private void customVoices(HttpServerResponse response, Received r) {
    if (!customVoicesAllowed) {
      error(response, 403, "Custom voices are not available for this organization.", "invalid_request_error", null,
          null);
      return;
    }
    Matcher consentPath = CONSENT_PATH.matcher(r.path());
    if (r.method().equals("DELETE") && consentPath.matches()) {
      String id = consentPath.group(1);
      if (!consents.containsKey(id)) {
        error(response, 404, "No voice consent found with id '" + id + "'.", "invalid_request_error", null, null);
        return;
      }
      answerJson(response, new JsonObject().put("id", id).put("object", "audio.voice_consent").put("deleted", true)
          .encode());
      if (response.getStatusCode() == 200) {
        consents.remove(id);
      }
      return;
    }
    boolean consent = r.path().equals("/v1/audio/voice_consents");
    if (!r.method().equals("POST") || !consent && !r.path().equals("/v1/audio/voices")) {
      error(response, 404, "Invalid URL (" + r.method() + " " + r.path() + ")", "invalid_request_error", null, null);
      return;
    }
    MultipartForm form = r.form();
    if (form == null) {
      error(response, 400, "Invalid Content-Type header, expected multipart/form-data.", "invalid_request_error",
          null, null);
      return;
    }
    String fileField = consent ? "recording" : "audio_sample";
    for (String field : consent ? List.of("name", "language") : List.of("name", "consent")) {
      if (form.field(field) == null || form.field(field).isBlank()) {
        error(response, 400, "Missing required parameter: '" + field + "'.", "invalid_request_error", field,
            "missing_required_parameter");
        return;
      }
    }
    List<MultipartForm.Part> files = form.files(fileField);
    if (files.size() != 1) {
      error(response, 400, files.isEmpty() ? "Missing required parameter: '" + fileField + "'."
          : "Expected one file for '" + fileField + "'.", "invalid_request_error", fileField,
          files.isEmpty() ? "missing_required_parameter" : null);
      return;
    }
    MultipartForm.Part file = files.get(0);
    if (file.data().length > MAX_UPLOAD_BYTES) {
      error(response, 400, fileField + " is larger than 10 MiB.", "invalid_request_error", fileField, null);
      return;
    }
    // Assumption of this fake: audio it cannot read is refused (the real check is not documented).
    if (!new String(file.data(), 0, Math.min(4, file.data().length), java.nio.charset.StandardCharsets.ISO_8859_1)
        .equals("RIFF")) {
      error(response, 400, "The audio file could not be decoded or its format is not supported.",
          "invalid_request_error", fileField, null);
      return;
    }
    long now = System.currentTimeMillis() / 1000;
    if (consent) {
      if (!LANGUAGE.matcher(form.field("language")).matches()) {
        error(response, 400, "Invalid language: expected a BCP 47 tag.", "invalid_request_error", "language", null);
        return;
      }
      String id = "cons_" + UUID.randomUUID().toString().replace("-", "");
      JsonObject made = new JsonObject().put("object", "audio.voice_consent").put("id", id)
          .put("name", form.field("name")).put("language", form.field("language")).put("created_at", now);
      answerJson(response, made.encode());
      if (response.getStatusCode() == 200) {
        consents.put(id, made);
      }
      return;
    }
    if (!consents.containsKey(form.field("consent"))) {
      error(response, 400, "Voice consent '" + form.field("consent") + "' was not found.", "invalid_request_error",
          "consent", null);
      return;
    }
    if (voices.size() >= voiceLimit) {
      error(response, 400, "Your organization has reached its limit of " + voiceLimit + " custom voices.",
          "invalid_request_error", null, null);
      return;
    }
    String id = "voice_" + UUID.randomUUID().toString().replace("-", "");
    JsonObject made = new JsonObject().put("object", "audio.voice").put("id", id).put("name", form.field("name"))
        .put("created_at", now);
    answerJson(response, made.encode());
    if (response.getStatusCode() == 200) {
      voices.put(id, made);
      samples.put(id, file.data());
    }
  }

  /** {"error":{"message","type","param","code"}}, all four keys present. */
  static void error(HttpServerResponse response, int status, String message, String type, String param, String code) {
    response.setStatusCode(status).putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("error", new JsonObject().put("message", message).put("type", type)
            .put("param", param).put("code", code)).encode());
  }

  @Override
  protected void unauthorized(HttpServerResponse response) {
    // A real 401: the message echoes part of the key it got.
    error(response, 401, "Incorrect API key provided: " + apiKey.substring(0, 5) + "***"
        + ". You can find your API key at https://platform.openai.com/account/api-keys.", "invalid_request_error",
        null, "invalid_api_key");
  }

  @Override
  protected void quota(HttpServerResponse response) {
    // Out of credit is a 429 without Retry-After; not retryable.
    error(response, 429, "You exceeded your current quota, please check your plan and billing details.",
        "insufficient_quota", null, "insufficient_quota");
  }

  @Override
  protected void rateLimited(HttpServerResponse response) {
    // rate_limit_exceeded with the x-ratelimit-* headers (Retry-After is added by the caller).
    response.putHeader("x-ratelimit-limit-requests", "500").putHeader("x-ratelimit-remaining-requests", "0")
        .putHeader("x-ratelimit-reset-requests", "6m0s");
    error(response, 429, "Rate limit reached for gpt-4o-mini-tts in organization org-fake on requests per min (RPM): "
        + "Limit 500, Used 500, Requested 1.", "requests", null, "rate_limit_exceeded");
  }

  @Override
  protected void serverError(HttpServerResponse response) {
    // The overloaded shape (third-party reports).
    error(response, 500, "The server had an error while processing your request.", "server_error", null, null);
  }
}
