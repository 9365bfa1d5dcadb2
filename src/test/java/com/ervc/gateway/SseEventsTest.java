package com.ervc.gateway;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SseEventsTest {
  @Test
  void deltasCarryBase64AudioOneEventEach() {
    assertEquals("data: {\"type\":\"speech.audio.delta\",\"audio\":\"AAH/\"}\n\n",
        OpenAiSpeechApi.SseEvents.delta(Buffer.buffer(new byte[] {0, 1, (byte) 0xFF})).toString());
  }

  @Test
  void doneCarriesUsage() {
    assertEquals("data: {\"type\":\"speech.audio.done\",\"usage\":{\"input_tokens\":12,\"output_tokens\":0,"
        + "\"total_tokens\":12}}\n\n", OpenAiSpeechApi.SseEvents.done(12).toString());
  }

  @Test
  void aFailureMidStreamIsAnErrorEventInOpenAisShape() {
    assertEquals("data: {\"error\":{\"message\":\"boom\",\"type\":\"server_error\",\"param\":null,"
        + "\"code\":\"internal_error\"},\"type\":\"error\"}\n\n", OpenAiSpeechApi.SseEvents.error(
            OpenAiError.of(500, com.ervc.protocol.ErrorCode.INTERNAL, "boom")).toString());
  }
}
