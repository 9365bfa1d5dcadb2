package com.ervc.provider.azure;

import com.ervc.provider.cloud.FakeCloudServer;
import com.ervc.provider.cloud.MultipartForm;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict stand-in for Azure AI Speech's REST text to speech. Anchors (#…) refer to sections of
 * docs/providers/azure.md, which cites the vendor sources for each fact.
 */
public final class FakeAzureSpeechServer extends FakeCloudServer {
  private static final String SYNTHESIS_NS = "http://www.w3.org/2001/10/synthesis";
  /** #ssml: both spellings of the mstts namespace are accepted by the service. */
  private static final Set<String> MSTTS_NS = Set.of("https://www.w3.org/2001/mstts", "http://www.w3.org/2001/mstts");
  /** #synthesis-request: the streamable raw PCM formats and the RIFF one at 24 kHz (the ones this fake can produce). */
  private static final Set<String> KNOWN_FORMATS = Set.of("raw-8khz-16bit-mono-pcm", "raw-16khz-16bit-mono-pcm",
      "raw-22050hz-16bit-mono-pcm", "raw-24khz-16bit-mono-pcm", "raw-44100hz-16bit-mono-pcm", "raw-48khz-16bit-mono-pcm",
      "riff-24khz-16bit-mono-pcm", "audio-24khz-48kbitrate-mono-mp3", "ogg-24khz-16bit-mono-opus");
  /** #styles-per-voice; the HD variant has no StyleList (#voice-list: absent when a voice has none). */
  static final Map<String, List<String>> VOICES = Map.of(
      "en-US-JennyNeural", List.of("assistant", "chat", "customerservice", "newscast", "angry", "cheerful", "sad",
          "excited", "friendly", "terrified", "shouting", "unfriendly", "whispering", "hopeful"),
      "en-US-AvaNeural", List.of("angry", "fearful", "sad"),
      "en-US-Ava:DragonHDLatestNeural", List.of(),
      "en-GB-RyanNeural", List.of("chat", "cheerful", "sad", "whispering"),
      "pt-BR-FranciscaNeural", List.of("calm"));

  /** What one synthesis asked for, read from its SSML. */
  public record Spoken(String lang, String voice, String style, String styleDegree, String rate, String pitch,
                       String volume, String text, int voiceElements, String speakerProfileId) {
  }

  /** #personal-voice: base model voices that speak personal voices. */
  private static final Set<String> BASE_MODELS = Set.of("DragonLatestNeural", "PhoenixLatestNeural", "PhoenixV2Neural");
  /** #personal-voice: the api-versions of the custom voice API's pages. */
  private static final Set<String> API_VERSIONS = Set.of("2023-12-01-preview", "2024-02-01-preview", "2026-01-01");
  private static final Pattern RESOURCE = Pattern.compile("/customvoice/(consents|personalvoices)/([A-Za-z0-9._-]{1,250})");
  private static final Pattern LOCALE = Pattern.compile("[a-z]{2,3}-[A-Z]{2}");
  /** The personal voice project the operator made (#personal-voice: projects are created once, by PUT). */
  public static final String PROJECT = "ervc-personal-voices";
  /** Consents and personal voices, by id, as the service shows them. */
  public final Map<String, JsonObject> consents = new ConcurrentHashMap<>();
  public final Map<String, JsonObject> personalVoices = new ConcurrentHashMap<>();
  /** Status reads before a resource is Succeeded (NotStarted, then Running). */
  public volatile int readsUntilDone = 2;
  /** When set, the next consent ends Failed with this reason (e.g. the speaker did not read the statement). */
  public volatile String failConsentWith;

  private final String apiKey;
  /** Makes synthesis refuse the tokens this fake issues (#endpoints-and-authentication: tokens are bound to the host that issued them). */
  public volatile boolean refuseTokens;
  private final List<String> tokens = Collections.synchronizedList(new ArrayList<>());
  private final List<Spoken> spoken = Collections.synchronizedList(new ArrayList<>());

  public FakeAzureSpeechServer(Vertx vertx, String apiKey) {
    super(vertx);
    this.apiKey = apiKey;
  }

  public List<Spoken> spoken() {
    return List.copyOf(spoken);
  }

  public int tokensIssued() {
    return tokens.size();
  }

  @Override
  protected void handle(HttpServerRequest request, Received r) {
    HttpServerResponse response = request.response();
    if (r.method().equals("POST") && r.path().equals("/sts/v1.0/issueToken")) {
      // #endpoints-and-authentication: the key in Ocp-Apim-Subscription-Key, an empty body; the answer is the raw token.
      if (!apiKey.equals(r.headers().get("Ocp-Apim-Subscription-Key"))) {
        unauthorized(response);
        return;
      }
      String token = "eyJ" + UUID.randomUUID();
      tokens.add(token);
      response.putHeader("Content-Type", "text/plain").end(token);
      return;
    }
    // #synthesis-request: key or a bearer token from issueToken; 401 with the gateway JSON otherwise.
    String bearer = r.headers().get("Authorization");
    boolean keyOk = apiKey.equals(r.headers().get("Ocp-Apim-Subscription-Key"));
    boolean tokenOk = !refuseTokens && bearer != null && bearer.startsWith("Bearer ") && tokens.contains(bearer.substring(7));
    if (!keyOk && !tokenOk) {
      unauthorized(response);
      return;
    }
    if (r.path().startsWith("/customvoice/")) {
      customVoice(response, r);
    } else if (r.method().equals("GET") && r.path().equals("/cognitiveservices/voices/list")) {
      answerJson(response, voiceList().encode());
    } else if (r.method().equals("POST") && r.path().equals("/cognitiveservices/v1")) {
      synthesize(response, r);
    } else {
      response.setStatusCode(404).end();
    }
  }

  private void synthesize(HttpServerResponse response, Received r) {
    // #synthesis-request: Content-Type must be application/ssml+xml (415 otherwise).
    String contentType = r.headers().get("Content-Type");
    if (contentType == null || !contentType.startsWith("application/ssml+xml")) {
      response.setStatusCode(415).end();
      return;
    }
    // #synthesis-request: unknown output format and missing User-Agent are 400 (User-Agent is required, under 255 characters).
    String format = r.headers().get("X-Microsoft-OutputFormat");
    String agent = r.headers().get("User-Agent");
    if (format == null || !KNOWN_FORMATS.contains(format) || agent == null || agent.isBlank() || agent.length() >= 255) {
      response.setStatusCode(400).end();
      return;
    }
    if (!format.equals("raw-24khz-16bit-mono-pcm")) {
      response.setStatusCode(400).end("this fake only produces raw-24khz-16bit-mono-pcm");
      return;
    }
    Spoken parsed = parse(r.body());
    if (parsed == null) {
      // #errors-and-limits: a 400 for bad SSML usually has an empty body.
      response.setStatusCode(400).end();
      return;
    }
    spoken.add(parsed);
    answerAudio(response, pcmFor(parsed.text()), MultiMap.caseInsensitiveMultiMap().add("Content-Type", "audio/x-wav"));
  }

  /** #ssml checks with a real XML parser; null when the service would answer 400. */
  private Spoken parse(Buffer body) {
    Document doc;
    try {
      DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
      factory.setNamespaceAware(true);
      factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      DocumentBuilder builder = factory.newDocumentBuilder();
      builder.setErrorHandler(null);
      doc = builder.parse(new InputSource(new StringReader(body.toString())));
    } catch (Exception malformed) {
      return null;
    }
    Element speak = doc.getDocumentElement();
    if (!"speak".equals(speak.getLocalName()) || !SYNTHESIS_NS.equals(speak.getNamespaceURI())
        || !"1.0".equals(speak.getAttribute("version"))
        || speak.getAttributeNS(XMLConstants.XML_NS_URI, "lang").isEmpty()) {
      return null;
    }
    List<Element> voices = new ArrayList<>();
    for (Node child = speak.getFirstChild(); child != null; child = child.getNextSibling()) {
      if (child instanceof Element e) {
        // #ssml: only voice (and a few others) may sit under speak; prosody there is rejected.
        if (!"voice".equals(e.getLocalName())) {
          return null;
        }
        voices.add(e);
      }
    }
    NodeList voiceTags = doc.getElementsByTagNameNS(SYNTHESIS_NS, "voice");
    // #ssml: at most 50 voice/audio tags; at least one voice.
    if (voices.isEmpty() || voiceTags.getLength() > 50) {
      return null;
    }
    Element voice = voices.get(0);
    String name = voice.getAttribute("name");
    String speaker = null;
    if (BASE_MODELS.contains(name)) {
      // #personal-voice: a base model speaks a personal voice, named by its speakerProfileId in mstts:ttsembedding.
      Element embedding = first(voice, "ttsembedding");
      if (embedding == null || !MSTTS_NS.contains(embedding.getNamespaceURI())) {
        return null;
      }
      speaker = embedding.getAttribute("speakerProfileId");
      String wanted = speaker;
      if (personalVoices.values().stream().noneMatch(v -> wanted.equals(v.getString("speakerProfileId")))) {
        return null;
      }
    } else if (!VOICES.containsKey(name)) {
      return null; // #what-the-fake-server-checks (not confirmed by the vendor): an unknown voice is a 400
    }
    Element express = first(voice, "express-as");
    if (express != null && !MSTTS_NS.contains(express.getNamespaceURI())) {
      return null;
    }
    Element prosody = first(voice, "prosody");
    // #ssml: an unknown style is no error, the voice speaks neutrally; so the fake reports what it would use.
    String style = express == null || !VOICES.getOrDefault(name, List.of()).contains(express.getAttribute("style")) ? null
        : express.getAttribute("style");
    return new Spoken(speak.getAttributeNS(XMLConstants.XML_NS_URI, "lang"), name, style,
        express == null ? null : attr(express, "styledegree"),
        prosody == null ? null : attr(prosody, "rate"), prosody == null ? null : attr(prosody, "pitch"),
        prosody == null ? null : attr(prosody, "volume"), voice.getTextContent(), voiceTags.getLength(), speaker);
  }

  private static Element first(Element within, String localName) {
    NodeList all = within.getElementsByTagNameNS("*", localName);
    return all.getLength() == 0 ? null : (Element) all.item(0);
  }

  private static String attr(Element e, String name) {
    return e.hasAttribute(name) ? e.getAttribute(name) : null;
  }

  /** #voice-list: the voices/list schema (SampleRateHertz and WordsPerMinute are strings; StyleList absent when empty). */
  private static JsonArray voiceList() {
    JsonArray list = new JsonArray();
    VOICES.keySet().stream().sorted().forEach(name -> {
      String locale = name.substring(0, 5);
      JsonObject voice = new JsonObject().put("Name", "Microsoft Server Speech Text to Speech Voice (" + locale + ", " + name + ")")
          .put("DisplayName", name.substring(6).replace("Neural", "")).put("LocalName", name.substring(6))
          .put("ShortName", name).put("Gender", name.contains("Ryan") ? "Male" : "Female").put("Locale", locale)
          .put("SampleRateHertz", "24000").put("VoiceType", "Neural").put("Status", "GA").put("WordsPerMinute", "152");
      if (!VOICES.get(name).isEmpty()) {
        voice.put("StyleList", new JsonArray(VOICES.get(name)));
      }
      list.add(voice);
    });
    return list;
  }

  /**
   * #personal-voice: POST a consent (multipart projectId, voiceTalentName, companyName, locale, audiodata), POST a
   * personal voice (multipart projectId, consentId, audiodata…), GET either to poll its status, DELETE either.
   */
  private void customVoice(HttpServerResponse response, Received r) {
    String query = r.query() == null ? "" : r.query();
    if (!API_VERSIONS.contains(queryParam(query, "api-version"))) {
      customVoiceError(response, 400, "InvalidRequest", "The api-version query parameter is missing or unsupported.");
      return;
    }
    Matcher path = RESOURCE.matcher(r.path());
    if (!path.matches()) {
      customVoiceError(response, 404, "NotFound", "Resource not found.");
      return;
    }
    boolean consent = path.group(1).equals("consents");
    Map<String, JsonObject> resources = consent ? consents : personalVoices;
    String id = path.group(2);
    switch (r.method()) {
      case "GET" -> {
        JsonObject found = resources.get(id);
        if (found == null) {
          customVoiceError(response, 404, "NotFound", "No " + path.group(1) + " with id " + id + ".");
          return;
        }
        int reads = found.getInteger("_reads", 0) + 1;
        found.put("_reads", reads);
        if (!found.getString("status").equals("Failed")) {
          found.put("status", reads >= readsUntilDone ? "Succeeded" : "Running");
        }
        JsonObject shown = found.copy();
        shown.remove("_reads");
        answerJson(response, shown.encode());
      }
      case "DELETE" -> {
        if (!resources.containsKey(id)) {
          customVoiceError(response, 404, "NotFound", "No " + path.group(1) + " with id " + id + ".");
          return;
        }
        if (consent && personalVoices.values().stream().anyMatch(v -> id.equals(v.getString("consentId")))) {
          customVoiceError(response, 400, "BadRequest", "The consent is used by a personal voice; delete it first.");
          return;
        }
        resources.remove(id);
        response.setStatusCode(204).end();
      }
      case "POST" -> create(response, r, consent, id);
      default -> customVoiceError(response, 405, "MethodNotAllowed", "Method not allowed.");
    }
  }

  private void create(HttpServerResponse response, Received r, boolean consent, String id) {
    MultipartForm form = r.form();
    if (form == null) {
      customVoiceError(response, 415, "UnsupportedMediaType", "Expected multipart/form-data.");
      return;
    }
    List<String> required = consent ? List.of("projectId", "voiceTalentName", "companyName", "locale")
        : List.of("projectId", "consentId");
    for (String field : required) {
      if (form.field(field) == null || form.field(field).isBlank()) {
        customVoiceError(response, 400, "BadRequest", "The " + field + " property is required.");
        return;
      }
    }
    List<MultipartForm.Part> audio = form.files("audiodata");
    if (audio.isEmpty() || consent && audio.size() != 1) {
      customVoiceError(response, 400, "BadRequest", consent ? "Exactly one audiodata file is required."
          : "At least one audiodata file is required.");
      return;
    }
    if (!PROJECT.equals(form.field("projectId"))) {
      customVoiceError(response, 404, "NotFound", "No project with id " + form.field("projectId") + ".");
      return;
    }
    if (consent ? consents.containsKey(id) : personalVoices.containsKey(id)) {
      customVoiceError(response, 409, "Conflict", "A resource with id " + id + " already exists.");
      return;
    }
    // #personal-voice: wav (or mp3) prompts; this fake checks for a RIFF header.
    for (MultipartForm.Part file : audio) {
      if (file.data().length < 4 || !new String(file.data(), 0, 4, java.nio.charset.StandardCharsets.ISO_8859_1)
          .equals("RIFF")) {
        customVoiceError(response, 400, "BadRequest", "The audio file " + file.filename() + " is not a supported "
            + "format (wav or mp3 at 16, 24, 44.1 or 48 kHz).");
        return;
      }
    }
    String now = java.time.Instant.now().toString();
    JsonObject made = new JsonObject().put("id", id).put("projectId", PROJECT).put("status", "NotStarted")
        .put("createdDateTime", now).put("lastActionDateTime", now);
    if (consent) {
      if (!LOCALE.matcher(form.field("locale")).matches()) {
        customVoiceError(response, 400, "BadRequest", "The locale " + form.field("locale") + " is not supported.");
        return;
      }
      made.put("voiceTalentName", form.field("voiceTalentName")).put("companyName", form.field("companyName"))
          .put("locale", form.field("locale"));
      String failure = failConsentWith;
      if (failure != null) {
        failConsentWith = null;
        made.put("status", "Failed").put("properties", new JsonObject().put("failureReason", failure));
      }
    } else {
      JsonObject used = consents.get(form.field("consentId"));
      if (used == null || !"Succeeded".equals(used.getString("status"))) {
        customVoiceError(response, 400, "BadRequest", "The consent " + form.field("consentId")
            + " does not exist or has not succeeded.");
        return;
      }
      made.put("consentId", form.field("consentId")).put("speakerProfileId", UUID.randomUUID().toString());
    }
    response.setStatusCode(201).putHeader("Operation-Id", UUID.randomUUID().toString());
    answerJson(response, made.encode());
    if (response.getStatusCode() == 201) {
      (consent ? consents : personalVoices).put(id, made);
    }
  }

  private static String queryParam(String query, String name) {
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0 && pair.substring(0, eq).equals(name)) {
        return pair.substring(eq + 1);
      }
    }
    return null;
  }

  /** The custom voice API's error shape: {"error":{"code","message"}}. */
  private static void customVoiceError(HttpServerResponse response, int status, String code, String message) {
    response.setStatusCode(status).putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("error", new JsonObject().put("code", code).put("message", message)).encode());
  }

  @Override
  protected void unauthorized(HttpServerResponse response) {
    // #errors-and-limits: real gateway 401 body.
    response.setStatusCode(401).putHeader("Content-Type", "application/json").end(new JsonObject().put("error",
        new JsonObject().put("code", "401").put("message", "Access denied due to invalid subscription key or wrong API "
            + "endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API "
            + "endpoint for your resource.")).encode());
  }

  @Override
  protected void quota(HttpServerResponse response) {
    // #errors-and-limits: Azure's quota signal is not documented; this is the Cognitive Services gateway's error shape.
    response.setStatusCode(403).putHeader("Content-Type", "application/json").end(new JsonObject().put("error",
        new JsonObject().put("code", "403").put("message", "Out of call volume quota for SpeechServices F0 pricing tier."))
        .encode());
  }

  @Override
  protected void rateLimited(HttpServerResponse response) {
    // #errors-and-limits: 429 for quota or rate; Retry-After is unverified (the caller adds it, the client must not need it).
    response.setStatusCode(429).end();
  }

  @Override
  protected void serverError(HttpServerResponse response) {
    // #errors-and-limits: 503 server-side problem.
    response.setStatusCode(503).end();
  }
}
