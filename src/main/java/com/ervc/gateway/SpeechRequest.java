package com.ervc.gateway;

import io.vertx.core.json.JsonObject;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * A validated body of {@code POST /v1/audio/speech}, field by field as OpenAI's API reference defines it
 * (docs/openai-compatible.md#request). Unknown fields are ignored, as OpenAI-compatible servers commonly do.
 *
 * @param voiceName the string form of {@code voice}, or null
 * @param voiceId   the {@code {"id": ...}} form of {@code voice}, or null
 */
record SpeechRequest(String model, String input, String voiceName, String voiceId, String instructions,
                     SpeechFormat format, double speed, boolean sse) {
  /** OpenAI's limit on {@code input} and on {@code instructions}. */
  static final int OPENAI_MAX_CHARS = 4096;
  static final double MIN_SPEED = 0.25;
  static final double MAX_SPEED = 4.0;

  /**
   * @param maxInputChars the server's own limit ({@code tts.maxTextChars}); the lower of it and OpenAI's applies
   * @throws OpenAiError 400 naming the field at fault
   */
  static SpeechRequest parse(JsonObject body, int maxInputChars) {
    String model = requiredString(body, "model");
    String input = requiredString(body, "input");
    int limit = Math.min(OPENAI_MAX_CHARS, maxInputChars);
    if (input.length() > limit) {
      throw OpenAiError.invalid("input", "string_too_long",
          "'input' has " + input.length() + " characters; the limit is " + limit);
    }
    Object voice = body.getValue("voice");
    String voiceName = null;
    String voiceId = null;
    if (voice instanceof String name && !name.isBlank()) {
      voiceName = name;
    } else if (voice instanceof JsonObject object && object.getValue("id") instanceof String id && !id.isBlank()) {
      voiceId = id;
    } else {
      throw OpenAiError.invalid("voice", "invalid_value",
          "'voice' is required: a voice name such as \"alloy\" or an object {\"id\": \"...\"}");
    }
    Object instructions = body.getValue("instructions");
    if (instructions != null && !(instructions instanceof String)) {
      throw OpenAiError.invalid("instructions", "invalid_type", "'instructions' must be a string");
    }
    if (instructions instanceof String text && text.length() > OPENAI_MAX_CHARS) {
      throw OpenAiError.invalid("instructions", "string_too_long",
          "'instructions' has " + text.length() + " characters; the limit is " + OPENAI_MAX_CHARS);
    }
    // Blank instructions are none: they neither pick a model that takes instructions nor split the cache.
    String given = instructions instanceof String text && !text.isBlank() ? text : null;
    return new SpeechRequest(model, input, voiceName, voiceId, given, format(body), speed(body), sse(body));
  }

  private static String requiredString(JsonObject body, String field) {
    if (!(body.getValue(field) instanceof String value) || value.isEmpty()) {
      throw OpenAiError.invalid(field, "invalid_value", "'" + field + "' is required and must be a non-empty string");
    }
    return value;
  }

  private static SpeechFormat format(JsonObject body) {
    Object value = body.getValue("response_format");
    if (value == null) {
      return SpeechFormat.MP3;
    }
    SpeechFormat format = value instanceof String s ? SpeechFormat.parse(s) : null;
    if (format == null) {
      throw OpenAiError.invalid("response_format", "invalid_value", "'response_format' must be one of "
          + Arrays.stream(SpeechFormat.values()).map(SpeechFormat::wire).collect(Collectors.joining(", ")));
    }
    return format;
  }

  private static double speed(JsonObject body) {
    Object value = body.getValue("speed");
    if (value == null) {
      return 1.0;
    }
    if (!(value instanceof Number n) || !(n.doubleValue() >= MIN_SPEED && n.doubleValue() <= MAX_SPEED)) {
      throw OpenAiError.invalid("speed", "invalid_value", "'speed' must be a number from 0.25 to 4.0");
    }
    return n.doubleValue();
  }

  private static boolean sse(JsonObject body) {
    Object value = body.getValue("stream_format");
    if (value == null || "audio".equals(value)) {
      return false;
    }
    if ("sse".equals(value)) {
      return true;
    }
    throw OpenAiError.invalid("stream_format", "invalid_value", "'stream_format' must be 'audio' or 'sse'");
  }
}
