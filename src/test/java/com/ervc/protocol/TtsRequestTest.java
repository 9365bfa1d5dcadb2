package com.ervc.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TtsRequestTest {

  private static final int MAX_TEXT = 10;
  private static final int RATE = 24000;

  private static final String TEXT_REQUIRED = "'text' is required and must be a non-empty string";
  private static final String BAD_VOICE = "'voice' must be a voice id of 1-64 letters, digits or _+-./:";
  private static final String BAD_PROVIDER = "'provider' must be 'auto' or a provider name such as 'espeak'";
  private static final String BAD_INTENSITY = "'intensity' must be a number from 0.0 to 1.0";
  private static final String BAD_SPEED = "'speed' must be a number from 0.25 to 4.0";

  @Test
  void textAloneGetsEveryDefault() {
    TtsRequest request = TtsRequest.parse(new JsonObject().put("text", "Hi."), MAX_TEXT, RATE);

    assertEquals(new TtsRequest("Hi.", "auto", null, Emotion.NEUTRAL, 0.5, QualityTier.BALANCED, 1.0, 0.0, RATE), request);
  }

  @Test
  void everyFieldIsRead() {
    JsonObject fields = new JsonObject().put("text", "Hi.").put("provider", "espeak").put("voice", "en-us+f3")
        .put("emotion", "whisper").put("intensity", 1).put("quality", "high").put("speed", 0.25);

    assertEquals(new TtsRequest("Hi.", "espeak", "en-us+f3", Emotion.WHISPER, 1.0, QualityTier.HIGH, 0.25, 0.0, RATE),
        TtsRequest.parse(fields, MAX_TEXT, RATE));
  }

  @Test
  void textAtTheLimitIsAccepted() {
    assertEquals("x".repeat(MAX_TEXT),
        TtsRequest.parse(new JsonObject().put("text", "x".repeat(MAX_TEXT)), MAX_TEXT, RATE).text());
  }

  static Stream<Arguments> rejected() {
    return Stream.of(
        arguments("text missing", "{}", ErrorCode.INVALID_REQUEST, TEXT_REQUIRED),
        arguments("text blank", "{\"text\":\" \\n\\t \"}", ErrorCode.INVALID_REQUEST, TEXT_REQUIRED),
        arguments("text not a string", "{\"text\":42}", ErrorCode.INVALID_REQUEST, TEXT_REQUIRED),
        arguments("text over the limit", "{\"text\":\"eleven char\"}", ErrorCode.TOO_LARGE,
            "text has 11 characters; the limit is 10"),
        arguments("voice with a space", "{\"text\":\"Hi.\",\"voice\":\"en us\"}", ErrorCode.INVALID_REQUEST, BAD_VOICE),
        arguments("voice of 65 characters", "{\"text\":\"Hi.\",\"voice\":\"" + "v".repeat(65) + "\"}",
            ErrorCode.INVALID_REQUEST, BAD_VOICE),
        arguments("voice not a string", "{\"text\":\"Hi.\",\"voice\":7}", ErrorCode.INVALID_REQUEST, BAD_VOICE),
        arguments("provider upper case", "{\"text\":\"Hi.\",\"provider\":\"ESPEAK\"}", ErrorCode.INVALID_REQUEST,
            BAD_PROVIDER),
        arguments("emotion unknown", "{\"text\":\"Hi.\",\"emotion\":\"Happy\"}", ErrorCode.INVALID_REQUEST,
            "emotion 'Happy' is not supported; use one of neutral|happy|sad|angry|excited|calm|fearful|whisper"),
        arguments("quality unknown", "{\"text\":\"Hi.\",\"quality\":1}", ErrorCode.INVALID_REQUEST,
            "quality '1' is not supported; use one of fast|balanced|high"),
        arguments("intensity 1.5", "{\"text\":\"Hi.\",\"intensity\":1.5}", ErrorCode.INVALID_REQUEST, BAD_INTENSITY),
        arguments("intensity negative", "{\"text\":\"Hi.\",\"intensity\":-0.1}", ErrorCode.INVALID_REQUEST,
            BAD_INTENSITY),
        arguments("speed 0.1", "{\"text\":\"Hi.\",\"speed\":0.1}", ErrorCode.INVALID_REQUEST, BAD_SPEED),
        arguments("speed 5", "{\"text\":\"Hi.\",\"speed\":5}", ErrorCode.INVALID_REQUEST, BAD_SPEED),
        arguments("speed as a word", "{\"text\":\"Hi.\",\"speed\":\"fast\"}", ErrorCode.INVALID_REQUEST, BAD_SPEED));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rejected")
  void parseRejectsWithCodeAndMessage(String description, String json, ErrorCode code, String message) {
    SpeechException e = assertThrows(SpeechException.class,
        () -> TtsRequest.parse(new JsonObject(json), MAX_TEXT, RATE));

    assertEquals(code, e.code());
    assertEquals(message, e.getMessage());
  }

  @Test
  void checkVoiceFieldsAcceptsAnEmptyOrPartialSet() {
    TtsRequest.checkVoiceFields(new JsonObject());
    TtsRequest.checkVoiceFields(new JsonObject().put("emotion", "calm").put("speed", 4.0));
  }

  @Test
  void checkVoiceFieldsNeedsNoText() {
    SpeechException e = assertThrows(SpeechException.class,
        () -> TtsRequest.checkVoiceFields(new JsonObject().put("speed", 4.01)));

    assertEquals(BAD_SPEED, e.getMessage());
  }

  static Stream<TtsRequest> requests() {
    return Stream.of(
        new TtsRequest("Hi.", "auto", null, Emotion.NEUTRAL, 0.5, QualityTier.BALANCED, 1.0, 0.0, 24000),
        new TtsRequest("x".repeat(20_000), "espeak", "en-gb", Emotion.FEARFUL, 0.125, QualityTier.FAST, 3.75, 0.0, 8000),
        new TtsRequest("Middle.", "elevenlabs", "v1", Emotion.SAD, 0.5, QualityTier.HIGH, 1.0, 0.0, 24000)
            .withNeighbours("Before.", "After."),
        new TtsRequest("Hi.", "openai", "coral", Emotion.SAD, 0.9, QualityTier.BALANCED, 1.0, 0.0, 24000)
            .withInstructions("Read this very sadly, with a soft British accent."),
        profileRequest());
  }

  private static final VoiceChoice CLONED = new VoiceChoice("elevenlabs", "remote:elevenlabs:xi1");
  private static final VoiceChoice BASE = new VoiceChoice("elevenlabs", "rachel");

  private static TtsRequest profileRequest() {
    return new TtsRequest("Hi.", "auto", "profile:vp_abcdefghij0123456789", Emotion.NEUTRAL, 0.5,
        QualityTier.BALANCED, 1.0, 0.0, 24000).withProfile("vp_abcdefghij0123456789", 3,
        List.of(CLONED, new VoiceChoice("azure", "remote:azure:spk-1"), BASE), Emotion.CALM, 0.5,
        QualityTier.HIGH, 1.0, 0.0);
  }

  @Test
  void aProfilesAlternativesCrossNodesAndAreDroppedOnceAProviderIsChosen() {
    TtsRequest request = profileRequest();
    assertEquals("elevenlabs", request.provider(), "the first alternative is the request's provider and voice");
    assertEquals("remote:elevenlabs:xi1", request.voice());
    JsonObject json = request.toJson();
    assertEquals(new JsonArray().add(CLONED.toJson()).add(new JsonObject().put("provider", "azure")
        .put("voice", "remote:azure:spk-1")).add(BASE.toJson()), json.getJsonArray("alternatives"));
    assertEquals(request.alternatives(), TtsRequest.fromJson(json).alternatives());
    assertEquals(request.alternatives(), request.withText("Next.").withNeighbours("Hi.", null)
        .withQuality(QualityTier.FAST).alternatives());
    TtsRequest sentence = request.withProvider("azure", "remote:azure:spk-1");
    assertEquals(List.of(), sentence.alternatives(), "a sentence for one provider carries no others' voices");
    assertNull(sentence.toJson().getValue("alternatives"));
    assertNull(new TtsRequest("Hi.", "auto", null, Emotion.NEUTRAL, 0.5, QualityTier.BALANCED, 1.0, 0.0, 24000)
        .toJson().getValue("alternatives"), "absent from requests without a profile");
  }

  @Test
  void aClientCannotGiveAlternatives() {
    JsonObject fields = new JsonObject().put("text", "Hi.").put("alternatives",
        new JsonArray().add(CLONED.toJson()));
    assertEquals(List.of(), TtsRequest.parse(fields, MAX_TEXT, RATE).alternatives(), "a client's field is ignored");
  }

  @Test
  void alternativesAreCheckedOnEveryNode() {
    JsonObject json = profileRequest().toJson();
    assertEquals("'alternatives' are only given with a voice profile ('profile')", assertThrows(SpeechException.class,
        () -> TtsRequest.fromJson(json.copy().put("profile", null))).getMessage());
    assertEquals("the alternative azure remote:elevenlabs:xi1 names another provider's voice",
        assertThrows(SpeechException.class, () -> TtsRequest.fromJson(json.copy().put("alternatives",
            new JsonArray().add(new JsonObject().put("provider", "azure").put("voice", "remote:elevenlabs:xi1")))))
            .getMessage());
    assertEquals("'alternatives' must be an array of {provider, voice} objects", assertThrows(SpeechException.class,
        () -> TtsRequest.fromJson(json.copy().put("alternatives", new JsonArray().add("elevenlabs")))).getMessage());
    assertEquals("each of 'alternatives' names a provider", assertThrows(SpeechException.class,
        () -> TtsRequest.fromJson(json.copy().put("alternatives", new JsonArray().add(new JsonObject()
            .put("provider", "auto").put("voice", "x"))))).getMessage());
    JsonArray nine = new JsonArray();
    for (int i = 0; i < 9; i++) {
      nine.add(BASE.toJson());
    }
    assertEquals("'alternatives' must be an array of at most 8 {provider, voice} objects",
        assertThrows(SpeechException.class, () -> TtsRequest.fromJson(json.copy().put("alternatives", nine)))
            .getMessage());
  }

  @Test
  void instructionsAreTextWithinOpenAisLimitAndSurviveSplittingIntoSentences() {
    TtsRequest request = new TtsRequest("Hi.", "openai", null, Emotion.NEUTRAL, 0.5, QualityTier.BALANCED, 1.0, 0.0,
        24000).withInstructions("Whisper.");
    assertEquals("Whisper.", request.withText("Next.").withNeighbours("Hi.", null).withQuality(QualityTier.FAST)
        .withProvider("openai", "marin").instructions());
    JsonObject json = request.toJson();
    assertEquals("'instructions' must be a string",
        assertThrows(SpeechException.class, () -> TtsRequest.fromJson(json.copy().put("instructions", 5))).getMessage());
    assertEquals("'instructions' has more than 4096 characters", assertThrows(SpeechException.class,
        () -> TtsRequest.fromJson(json.copy().put("instructions", "a".repeat(4097)))).getMessage());
  }

  @Test
  void neighboursMustBeText() {
    JsonObject json = new TtsRequest("Hi.", "auto", null, Emotion.NEUTRAL, 0.5, QualityTier.BALANCED, 1.0, 0.0, 24000)
        .toJson().put("previousText", 5);

    assertEquals("'previousText' must be a string",
        assertThrows(SpeechException.class, () -> TtsRequest.fromJson(json)).getMessage());
  }

  // The node-to-node hop: no text limit applies there, and nothing may be lost.
  @ParameterizedTest
  @MethodSource("requests")
  void jsonRoundTripIsLossless(TtsRequest request) {
    assertEquals(request, TtsRequest.fromJson(request.toJson()));
  }

  @Test
  void fromJsonStillValidates() {
    JsonObject json = new TtsRequest("Hi.", "auto", null, Emotion.NEUTRAL, 0.5, QualityTier.BALANCED, 1.0, 0.0, 24000)
        .toJson();

    SpeechException badRate = assertThrows(SpeechException.class,
        () -> TtsRequest.fromJson(json.copy().put("sampleRate", 7999)));
    SpeechException badSpeed = assertThrows(SpeechException.class,
        () -> TtsRequest.fromJson(json.copy().put("speed", 9.0)));

    assertEquals("'sampleRate' must be 8000-48000", badRate.getMessage());
    assertEquals(BAD_SPEED, badSpeed.getMessage());
  }
}
