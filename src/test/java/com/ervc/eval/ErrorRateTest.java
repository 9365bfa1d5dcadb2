package com.ervc.eval;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ErrorRateTest {

  @Test
  void alignmentCountsEachKindOfError() {
    // "the" deleted, "cat"->"hat" substituted, "away" inserted
    ErrorRate e = ErrorRate.align(List.of("the", "cat", "sat", "down"), List.of("hat", "sat", "down", "away"));
    assertEquals(new ErrorRate(1, 1, 1, 4), e);
    assertEquals(0.75, e.rate(), 1e-12);
  }

  @Test
  void identicalAfterNormalisationIsZero() {
    assertEquals(0, ErrorRate.words("It's easy to tell the depth of a well.", "its easy to tell the depth of a well")
        .rate(), 0.2);
    assertEquals(0, ErrorRate.words("The train leaves at 7:45 from platform 12.",
        "the train leaves at seven forty five from platform twelve").rate());
    assertEquals(0, ErrorRate.characters("Rice is often served in round bowls!", "rice is often served in round bowls")
        .rate());
  }

  @Test
  void emptyHypothesisDeletesEverything() {
    assertEquals(new ErrorRate(0, 4, 0, 4), ErrorRate.words("glue the sheet down", ""));
    assertEquals(1.0, ErrorRate.words("glue the sheet down", "").rate());
  }

  @Test
  void insertionsCanPushTheRateAboveOne() {
    assertEquals(2.0, ErrorRate.words("yes", "no no").rate());
  }

  @Test
  void characterRateCountsLettersAndSpaces() {
    ErrorRate e = ErrorRate.characters("cat", "cut");
    assertEquals(new ErrorRate(1, 0, 0, 3), e);
  }
}
