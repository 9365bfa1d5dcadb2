package com.ervc.provider.elevenlabs;

import com.ervc.provider.cloud.FakeCloudServer;
import com.ervc.provider.cloud.MultipartForm;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict stand-in for the ElevenLabs HTTP API. Anchors (#…) refer to sections of docs/providers/elevenlabs.md, which cites
 * the vendor sources for each fact.
 */
public final class FakeElevenLabsServer extends FakeCloudServer {
  public static final String VOICE = "21m00Tcm4TlvDq8ikWAM";
  public static final String OTHER_VOICE = "JBFqnCBsd6RMkjVDRZzb";
  private static final Pattern STREAM = Pattern.compile("/v1/text-to-speech/([^/]+)/stream");
  private static final Pattern VOICE_PATH = Pattern.compile("/v1/voices/([^/]+)");
  private static final String ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  /** #instant-voice-cloning: the account's voice slots; one more is refused with voice_limit_reached. */
  public volatile int voiceLimit = 30;
  /** Voices made through /v1/voices/add and not deleted, by voice_id: the Voice object the list shows. */
  public final Map<String, JsonObject> clonedVoices = new ConcurrentHashMap<>();
  /** #streaming-synthesis: output_format enum (the PCM subset is what this fake can produce). */
  private static final Set<String> FORMATS = Set.of("mp3_22050_32", "mp3_44100_32", "mp3_44100_64", "mp3_44100_96",
      "mp3_44100_128", "mp3_44100_192", "pcm_8000", "pcm_16000", "pcm_22050", "pcm_24000", "pcm_44100", "pcm_48000",
      "ulaw_8000", "alaw_8000", "opus_48000_32", "opus_48000_64", "opus_48000_96", "opus_48000_128", "opus_48000_192");
  /** #models-and-limits: max characters per request. */
  private static final Map<String, Integer> MODEL_LIMITS = Map.of("eleven_flash_v2_5", 40_000, "eleven_flash_v2", 30_000,
      "eleven_turbo_v2_5", 40_000, "eleven_turbo_v2", 30_000, "eleven_multilingual_v2", 10_000, "eleven_v3", 3_000);
  /** #models-and-limits: language_code is enforced only by these; the 2025 spec says others return an error (strict side). */
  private static final Set<String> LANGUAGE_MODELS = Set.of("eleven_flash_v2_5", "eleven_turbo_v2_5");
  /** #errors-and-concurrency: concurrency cap per plan (Free: 4 for Flash/Turbo). */
  public volatile int maxConcurrent = 4;

  private final String apiKey;
  private int inFlight;

  public FakeElevenLabsServer(Vertx vertx, String apiKey) {
    super(vertx);
    this.apiKey = apiKey;
  }

  @Override
  protected void handle(HttpServerRequest request, Received r) {
    HttpServerResponse response = request.response();
    // #authentication-and-response-headers: xi-api-key on every request, 401 invalid_api_key otherwise.
    if (!apiKey.equals(r.headers().get("xi-api-key"))) {
      unauthorized(response);
      return;
    }
    if (r.method().equals("GET") && r.path().equals("/v1/voices")) {
      answerJson(response, voiceList().encode());
      return;
    }
    if (r.method().equals("POST") && r.path().equals("/v1/voices/add")) {
      addVoice(response, r);
      return;
    }
    Matcher voicePath = VOICE_PATH.matcher(r.path());
    if (r.method().equals("DELETE") && voicePath.matches()) {
      if (!clonedVoices.containsKey(voicePath.group(1))) {
        detail(response, 404, "voice_not_found", "A voice with voice_id '" + voicePath.group(1) + "' was not found.");
        return;
      }
      answerJson(response, new JsonObject().put("status", "ok").encode());
      if (response.getStatusCode() == 200) {
        clonedVoices.remove(voicePath.group(1));
      }
      return;
    }
    Matcher stream = STREAM.matcher(r.path());
    if (!r.method().equals("POST") || !stream.matches()) {
      detail(response, 404, "not_found", "no route " + r.method() + " " + r.path());
      return;
    }
    synthesize(request, response, stream.group(1), r);
  }

  private void synthesize(HttpServerRequest request, HttpServerResponse response, String voiceId, Received r) {
    // #errors-and-concurrency: unknown voice -> 404 voice_not_found (newer responses).
    if (!voiceId.equals(VOICE) && !voiceId.equals(OTHER_VOICE) && !clonedVoices.containsKey(voiceId)) {
      detail(response, 404, "voice_not_found", "A voice with voice_id '" + voiceId + "' was not found.");
      return;
    }
    // #streaming-synthesis: output_format from the enum; only PCM can be produced here.
    String format = request.getParam("output_format", "mp3_44100_128");
    if (!FORMATS.contains(format)) {
      validation(response, List.of("query", "output_format"), "value is not a valid enumeration member");
      return;
    }
    if (!format.equals("pcm_24000")) {
      detail(response, 400, "unsupported_in_fake", "this fake only produces pcm_24000");
      return;
    }
    String contentType = r.headers().get("Content-Type");
    if (contentType == null || !contentType.startsWith("application/json")) {
      detail(response, 415, "unsupported_media_type", "expected application/json");
      return;
    }
    JsonObject body;
    try {
      body = r.json();
    } catch (DecodeException | ClassCastException e) {
      validation(response, List.of("body"), "JSON decode error");
      return;
    }
    // #errors-and-concurrency: missing text -> 422 with the FastAPI detail array.
    if (!(body.getValue("text") instanceof String text)) {
      validation(response, List.of("body", "text"), "field required");
      return;
    }
    String model = body.getString("model_id", "eleven_multilingual_v2");
    Integer limit = MODEL_LIMITS.get(model);
    if (limit == null) {
      detail(response, 400, "model_not_found", "unknown model_id " + model);
      return;
    }
    // #models-and-limits: per-model character limits.
    if (text.length() > limit) {
      detail(response, 400, "max_character_limit_exceeded", "text is longer than " + limit + " characters");
      return;
    }
    // #models-and-limits: language_code only for flash/turbo v2.5 (strict 2025 spec).
    if (body.containsKey("language_code") && !LANGUAGE_MODELS.contains(model)) {
      detail(response, 400, "unsupported_language", "language_code is not supported by " + model);
      return;
    }
    String settingsError = checkVoiceSettings(body.getValue("voice_settings"), model);
    if (settingsError != null) {
      detail(response, 400, "invalid_voice_settings", settingsError);
      return;
    }
    synchronized (this) {
      // #errors-and-concurrency: over the plan's concurrency -> 429 too_many_concurrent_requests.
      if (inFlight >= maxConcurrent) {
        rateLimited(response);
        return;
      }
      inFlight++;
    }
    boolean[] counted = {true};
    Runnable release = () -> {
      synchronized (this) {
        if (counted[0]) {
          counted[0] = false;
          inFlight--;
        }
      }
    };
    response.closeHandler(v -> release.run());
    response.endHandler(v -> release.run());
    // #authentication-and-response-headers: the response headers.
    MultiMap headers = MultiMap.caseInsensitiveMultiMap()
        .add("Content-Type", "audio/mpeg")
        .add("request-id", Integer.toHexString(text.hashCode()))
        .add("x-character-count", Integer.toString(text.length()))
        .add("current-concurrent-requests", Integer.toString(inFlight))
        .add("maximum-concurrent-requests", Integer.toString(maxConcurrent));
    answerAudio(response, pcmFor(text), headers);
  }

  /**
   * #instant-voice-cloning: multipart with name (required), files (required, one part per file), optional
   * description, remove_background_noise and labels (a JSON string). FastAPI's 422 for missing fields and for a
   * field sent as text where a file is expected.
   */
  private void addVoice(HttpServerResponse response, Received r) {
    MultipartForm form = r.form();
    if (form == null) {
      validation(response, List.of("body", "files"), "field required");
      return;
    }
    if (form.fields().containsKey("files")) {
      validation(response, List.of("body", "files", 0), "Expected UploadFile, received: <class 'str'>");
      return;
    }
    String name = form.field("name");
    if (name == null || name.isBlank()) {
      validation(response, List.of("body", "name"), "field required");
      return;
    }
    List<MultipartForm.Part> files = form.files("files");
    if (files.isEmpty()) {
      validation(response, List.of("body", "files"), "field required");
      return;
    }
    String noise = form.field("remove_background_noise");
    if (noise != null && !Set.of("true", "false").contains(noise)) {
      validation(response, List.of("body", "remove_background_noise"), "value could not be parsed to a boolean");
      return;
    }
    JsonObject labels = new JsonObject();
    if (form.field("labels") != null) {
      try {
        labels = new JsonObject(form.field("labels"));
      } catch (DecodeException | ClassCastException e) {
        validation(response, List.of("body", "labels"), "labels must be a JSON object string");
        return;
      }
    }
    for (MultipartForm.Part file : files) {
      // Assumption of this fake (the real check is not documented): a file that is not audio is refused.
      if (!isAudio(file.data())) {
        detail(response, 400, "invalid_audio", "File " + file.filename() + " could not be read as audio.");
        return;
      }
    }
    if (clonedVoices.size() >= voiceLimit) {
      detail(response, 400, "voice_limit_reached", "You have reached your maximum amount of custom voices ("
          + voiceLimit + ").");
      return;
    }
    StringBuilder id = new StringBuilder();
    for (int i = 0; i < 20; i++) {
      id.append(ID_ALPHABET.charAt(ThreadLocalRandom.current().nextInt(ID_ALPHABET.length())));
    }
    JsonObject voice = new JsonObject().put("voice_id", id.toString()).put("name", name).put("category", "cloned")
        .put("labels", labels).put("description", form.field("description"))
        .put("available_for_tiers", new JsonArray()).put("settings", null)
        .put("high_quality_base_model_ids", new JsonArray()).put("samples", new JsonArray()).put("is_owner", true)
        .put("is_legacy", false);
    String answer = new JsonObject().put("voice_id", id.toString()).put("requires_verification", false).encode();
    answerJson(response, answer);
    if (response.getStatusCode() == 200) {
      clonedVoices.put(id.toString(), voice);
    }
  }

  /** RIFF/WAVE, an ID3 tag or an MPEG frame sync, OggS, fLaC: what the upload formats start with. */
  private static boolean isAudio(byte[] data) {
    String head = new String(data, 0, Math.min(12, data.length), java.nio.charset.StandardCharsets.ISO_8859_1);
    return head.startsWith("RIFF") && head.startsWith("WAVE", 8) || head.startsWith("ID3") || head.startsWith("OggS")
        || head.startsWith("fLaC") || data.length > 1 && (data[0] & 0xff) == 0xff && (data[1] & 0xe0) == 0xe0;
  }

  /** #voice-settings: stability/similarity_boost/style 0-1, speed 0.7-1.2; v3 stability only 0, 0.5, 1. */
  private static String checkVoiceSettings(Object value, String model) {
    if (value == null) {
      return null;
    }
    if (!(value instanceof JsonObject settings)) {
      return "voice_settings must be an object";
    }
    for (String unit : List.of("stability", "similarity_boost", "style")) {
      Object v = settings.getValue(unit);
      if (v != null && !(v instanceof Number n && n.doubleValue() >= 0 && n.doubleValue() <= 1)) {
        return unit + " must be between 0 and 1";
      }
    }
    Object speed = settings.getValue("speed");
    if (speed != null && !(speed instanceof Number n && n.doubleValue() >= 0.7 && n.doubleValue() <= 1.2)) {
      return "speed must be between 0.7 and 1.2";
    }
    Object boost = settings.getValue("use_speaker_boost");
    if (boost != null && !(boost instanceof Boolean)) {
      return "use_speaker_boost must be a boolean";
    }
    if (model.equals("eleven_v3") && settings.getValue("stability") instanceof Number n
        && !Set.of(0.0, 0.5, 1.0).contains(n.doubleValue())) {
      return "eleven_v3 stability must be 0.0, 0.5 or 1.0";
    }
    return null;
  }

  /** #voices: the voice list, with the required fields. */
  private JsonObject voiceList() {
    JsonArray voices = new JsonArray()
        .add(voice(VOICE, "Rachel", "female", null))
        .add(voice(OTHER_VOICE, "George", "male", "en"));
    clonedVoices.values().forEach(voices::add);
    return new JsonObject().put("voices", voices);
  }

  private static JsonObject voice(String id, String name, String gender, String language) {
    JsonObject labels = new JsonObject().put("accent", "american").put("gender", gender).put("age", "young");
    if (language != null) {
      labels.put("language", language);
    }
    return new JsonObject().put("voice_id", id).put("name", name).put("category", "premade").put("labels", labels)
        .put("description", null).put("available_for_tiers", new JsonArray()).put("settings", null)
        .put("high_quality_base_model_ids", new JsonArray().add("eleven_multilingual_v2").add("eleven_flash_v2_5"))
        .put("samples", null).put("is_owner", false).put("is_legacy", false);
  }

  /** #errors-and-concurrency: {"detail":{"status":…,"message":…}}. */
  private static void detail(HttpServerResponse response, int status, String code, String message) {
    response.setStatusCode(status).putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("detail", new JsonObject().put("status", code).put("message", message)).encode());
  }

  /** #errors-and-concurrency: FastAPI 422 detail array. */
  private static void validation(HttpServerResponse response, List<?> loc, String msg) {
    response.setStatusCode(422).putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("detail", new JsonArray().add(new JsonObject()
            .put("loc", new JsonArray(List.copyOf(loc))).put("msg", msg).put("type", "value_error"))).encode());
  }

  @Override
  protected void unauthorized(HttpServerResponse response) {
    // #errors-and-concurrency: real body; #authentication-and-response-headers: real 401 headers.
    response.putHeader("x-trace-id", "fake-trace");
    detail(response, 401, "invalid_api_key", "Invalid API key");
  }

  @Override
  protected void quota(HttpServerResponse response) {
    // #errors-and-concurrency: quota_exceeded comes as 401.
    detail(response, 401, "quota_exceeded",
        "This request exceeds your quota of 10000. You have 0 credits remaining, while 91 credits are required for this request.");
  }

  @Override
  protected void rateLimited(HttpServerResponse response) {
    // #errors-and-concurrency: real message.
    detail(response, 429, "too_many_concurrent_requests",
        "Too many concurrent requests. Your current subscription is associated with a maximum of " + maxConcurrent
            + " concurrent requests (running in parallel).");
  }

  @Override
  protected void serverError(HttpServerResponse response) {
    // #errors-and-concurrency: 5xx; the body shape is not documented, the common detail object is used.
    detail(response, 500, "internal_error", "We are sorry, something went wrong. You are not charged for this request.");
  }
}
