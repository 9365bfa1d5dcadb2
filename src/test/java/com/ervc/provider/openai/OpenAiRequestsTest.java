package com.ervc.provider.openai;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class OpenAiRequestsTest {
  @Test
  void splitsAtSpacesBelowTheLimit() {
    assertEquals(List.of("aaa bbb", "ccc"), OpenAiRequests.split("aaa bbb ccc", 8));
    assertEquals(List.of("short"), OpenAiRequests.split("short", 8));
  }

  @Test
  void aWordLongerThanTheLimitIsCutWithoutSplittingASurrogatePair() {
    String text = "abc\uD83D\uDE00def";
    List<String> pieces = OpenAiRequests.split(text, 4);

    assertEquals(List.of("abc", "\uD83D\uDE00de", "f"), pieces);
    assertEquals(text, String.join("", pieces));
  }
}
