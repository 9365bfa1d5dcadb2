package com.ervc.eval;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OpenAiTranscriberTest {
  private static final String KEY = "sk-test-eval";
  private static FakeTranscriptionServer server;

  @BeforeAll
  static void start() throws Exception {
    server = new FakeTranscriptionServer(KEY);
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  @BeforeEach
  void reset() {
    server.failNext.clear();
  }

  private static OpenAiTranscriber transcriber(String key, String model) {
    return new OpenAiTranscriber(URI.create(server.baseUrl()), key, model, "en");
  }

  /** The clip goes up as a 16 kHz mono WAV in the documented form; the answer's text is the transcript. */
  @Test
  void aClipIsUploadedAsTheApiAsksAndItsTextReturned() throws Exception {
    int before = server.uploads().size();
    short[] tone = Signals.tone(220, 0.3, 1.5);
    assertEquals("the birch canoe slid on the smooth planks", transcriber(KEY, "whisper-1").transcribe(tone,
        Signals.RATE));
    FakeTranscriptionServer.Upload upload = server.uploads().get(before);
    assertEquals("whisper-1", upload.model());
    assertEquals("en", upload.language());
    assertEquals("json", upload.responseFormat());
    assertEquals("clip.wav", upload.fileName());
    assertEquals("audio/wav", upload.contentType());
    assertEquals(16_000, upload.wav().sampleRate());
    assertEquals(1, upload.wav().channels());
    assertEquals(24_000, upload.wav().frameCount(), 2, "1.5 s at 16 kHz");
  }

  @Test
  void aRateLimitAndAServerErrorAreRetried() throws Exception {
    int before = server.uploads().size();
    server.failNext.add(429);
    server.failNext.add(503);
    assertEquals("the birch canoe slid on the smooth planks",
        transcriber(KEY, "gpt-4o-mini-transcribe").transcribe(Signals.tone(220, 0.3, 0.5), Signals.RATE));
    assertEquals(before + 3, server.uploads().size());
  }

  @Test
  void errorsNameWhatTheServerSaid() {
    short[] tone = Signals.tone(220, 0.3, 0.5);
    IOException badKey = assertThrows(IOException.class, () -> transcriber("sk-wrong", "whisper-1")
        .transcribe(tone, Signals.RATE));
    assertTrue(badKey.getMessage().endsWith("answered 401: Incorrect API key provided."), badKey.getMessage());
    IOException noKey = assertThrows(IOException.class, () -> transcriber(null, "whisper-1")
        .transcribe(tone, Signals.RATE));
    assertTrue(noKey.getMessage().contains("401"), noKey.getMessage());
    IOException badModel = assertThrows(IOException.class, () -> transcriber(KEY, "whisper-9")
        .transcribe(tone, Signals.RATE));
    assertTrue(badModel.getMessage().endsWith("answered 400: invalid model ID"), badModel.getMessage());
    server.failNext.addAll(List.of(500, 500, 500));
    IOException down = assertThrows(IOException.class, () -> transcriber(KEY, "whisper-1")
        .transcribe(tone, Signals.RATE));
    assertTrue(down.getMessage().endsWith("answered 500: The server had an error"), down.getMessage());
    assertTrue(server.failNext.isEmpty(), "three attempts");
  }

  /** --recogniser picks the implementation; the key comes from the environment, never the command line. */
  @Test
  void theRecogniserIsChosenByConfiguration() throws Exception {
    assertNull(EvalMain.transcriber(EvalMain.parse(new String[] {"--recogniser", "none"}), Map.of()));
    assertInstanceOf(PocketsphinxTranscriber.class, EvalMain.transcriber(EvalMain.parse(new String[0]), Map.of()));
    Transcriber command = EvalMain.transcriber(EvalMain.parse(new String[] {"--recogniser", "command",
        "--recogniser-command", "whisper-cli -nt -f {wav}", "--recogniser-language", "de"}), Map.of());
    assertEquals("command (whisper-cli -nt -f {wav})", command.name());
    assertEquals("de", command.language());
    Transcriber openai = EvalMain.transcriber(EvalMain.parse(new String[] {"--recogniser", "openai",
        "--recogniser-url", server.baseUrl(), "--recogniser-model", "gpt-4o-transcribe"}),
        Map.of("EVAL_RECOGNISER_API_KEY", KEY, "OPENAI_API_KEY", "sk-other"));
    assertEquals("the birch canoe slid on the smooth planks", openai.transcribe(Signals.tone(220, 0.3, 0.5),
        Signals.RATE));
    assertEquals("gpt-4o-transcribe", server.uploads().get(server.uploads().size() - 1).model());
    assertThrows(IllegalArgumentException.class, () -> EvalMain.transcriber(EvalMain.parse(
        new String[] {"--recogniser", "command"}), Map.of()));
    assertThrows(IllegalArgumentException.class, () -> EvalMain.transcriber(EvalMain.parse(
        new String[] {"--recogniser", "vosk"}), Map.of()));
    assertThrows(IllegalArgumentException.class, () -> EvalMain.transcriber(EvalMain.parse(
        new String[] {"--recogniser", "openai", "--recogniser-url", "ftp://x"}), Map.of()));
  }
}
