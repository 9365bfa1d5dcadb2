package com.ervc.gateway;

import com.ervc.protocol.ErrorCode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.vertx.core.json.JsonObject;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ClientCommandTest {

  private static final String ID_128 = "x".repeat(128);
  private static final String ID_129 = "x".repeat(129);

  static Stream<Arguments> accepted() {
    return Stream.of(
        arguments("synthesize keeps every field but type and id",
            "{\"type\":\"synthesize\",\"id\":\"r1\",\"text\":\"Hi.\",\"emotion\":\"sad\"}",
            new ClientCommand.Synthesize("r1", new JsonObject().put("text", "Hi.").put("emotion", "sad"))),
        arguments("synthesize with a 128-character id",
            "{\"type\":\"synthesize\",\"id\":\"" + ID_128 + "\",\"text\":\"Hi.\"}",
            new ClientCommand.Synthesize(ID_128, new JsonObject().put("text", "Hi."))),
        arguments("cancel", "{\"type\":\"cancel\",\"id\":\"r1\"}", new ClientCommand.Cancel("r1")),
        arguments("settings keeps every field but type",
            "{\"type\":\"settings\",\"emotion\":\"happy\",\"speed\":1.5,\"voice\":\"en-us\"}",
            new ClientCommand.Settings(new JsonObject().put("emotion", "happy").put("speed", 1.5).put("voice", "en-us"))),
        arguments("ping", "{\"type\":\"ping\"}", new ClientCommand.Ping()),
        arguments("ping ignores an id", "{\"type\":\"ping\",\"id\":7}", new ClientCommand.Ping()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("accepted")
  void parsesValidMessages(String description, String text, ClientCommand expected) {
    assertEquals(expected, ClientCommand.parse(text));
  }

  static Stream<Arguments> rejected() {
    return Stream.of(
        arguments("bad JSON", "{\"type\":", null, ErrorCode.INVALID_REQUEST, "message is not a JSON object"),
        arguments("JSON array", "[{\"type\":\"ping\"}]", null, ErrorCode.INVALID_REQUEST,
            "message is not a JSON object"),
        arguments("JSON null", "null", null, ErrorCode.INVALID_REQUEST, "message is not a JSON object"),
        // Once the id is readable, the error is tied to it so the client can match it up.
        arguments("missing type", "{\"id\":\"r1\"}", "r1", ErrorCode.INVALID_REQUEST, "'type' is required"),
        arguments("non-string type", "{\"type\":3,\"id\":\"r1\"}", "r1", ErrorCode.INVALID_REQUEST,
            "'type' is required"),
        arguments("unknown type keeps the id", "{\"type\":\"dance\",\"id\":\"r9\"}", "r9", ErrorCode.INVALID_REQUEST,
            "unknown message type 'dance'; expected synthesize, cancel, settings, ping or auth"),
        arguments("synthesize without id", "{\"type\":\"synthesize\",\"text\":\"Hi.\"}", null,
            ErrorCode.INVALID_REQUEST, "'id' is required"),
        arguments("synthesize with numeric id", "{\"type\":\"synthesize\",\"id\":42,\"text\":\"Hi.\"}", null,
            ErrorCode.INVALID_REQUEST, "'id' must be a string of 1-128 characters"),
        arguments("synthesize with empty id", "{\"type\":\"synthesize\",\"id\":\"\",\"text\":\"Hi.\"}", null,
            ErrorCode.INVALID_REQUEST, "'id' must be a string of 1-128 characters"),
        arguments("synthesize with 129-character id",
            "{\"type\":\"synthesize\",\"id\":\"" + ID_129 + "\",\"text\":\"Hi.\"}", null,
            ErrorCode.INVALID_REQUEST, "'id' must be a string of 1-128 characters"),
        arguments("cancel without id", "{\"type\":\"cancel\"}", null, ErrorCode.INVALID_REQUEST, "'id' is required"),
        arguments("settings with unknown key", "{\"type\":\"settings\",\"volume\":3}", null,
            ErrorCode.INVALID_REQUEST,
            "unknown setting 'volume'; settable: voice, provider, emotion, intensity, quality, speed, pitch"),
        arguments("settings with bad emotion", "{\"type\":\"settings\",\"emotion\":\"grumpy\"}", null,
            ErrorCode.INVALID_REQUEST,
            "emotion 'grumpy' is not supported; use one of neutral|happy|sad|angry|excited|calm|fearful|whisper"),
        arguments("settings with bad quality", "{\"type\":\"settings\",\"quality\":\"ultra\"}", null,
            ErrorCode.INVALID_REQUEST, "quality 'ultra' is not supported; use one of fast|balanced|high"),
        arguments("settings with speed out of range", "{\"type\":\"settings\",\"speed\":9}", null,
            ErrorCode.INVALID_REQUEST, "'speed' must be a number from 0.25 to 4.0"),
        arguments("settings with intensity out of range", "{\"type\":\"settings\",\"intensity\":1.01}", null,
            ErrorCode.INVALID_REQUEST, "'intensity' must be a number from 0.0 to 1.0"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rejected")
  void rejectsInvalidMessagesWithCodeAndId(String description, String text, String id, ErrorCode code,
                                          String message) {
    ClientCommand.Rejected rejected = assertThrows(ClientCommand.Rejected.class, () -> ClientCommand.parse(text));

    assertEquals(code, rejected.code);
    assertEquals(id, rejected.id);
    assertEquals(message, rejected.getMessage());
  }
}
