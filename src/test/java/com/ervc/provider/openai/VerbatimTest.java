package com.ervc.provider.openai;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VerbatimTest {
  @Test
  void caseSpacingAndPunctuationDoNotCount() {
    assertTrue(Verbatim.matches("Great news, your order shipped!", "great news your order shipped."));
    assertTrue(Verbatim.matches("Wait... what?!", "Wait, what?"));
  }

  @Test
  void contractionsMatchTheirLongForm() {
    assertTrue(Verbatim.matches("I am sure it is fine.", "I'm sure it's fine."));
    assertTrue(Verbatim.matches("We will not go; you cannot stay.", "We won't go, you can't stay."));
    assertTrue(Verbatim.matches("They are here and I have seen them.", "They\u2019re here and I\u2019ve seen them."));
    assertTrue(Verbatim.matches("Do not worry.", "Don't worry."));
  }

  @Test
  void addedMissingOrChangedWordsAreAMismatch() {
    assertFalse(Verbatim.matches("Your order shipped.", "Your order shipped. Anything else?"));
    assertFalse(Verbatim.matches("Your order shipped today.", "Your order shipped."));
    assertFalse(Verbatim.matches("Your order shipped.", "Your parcel shipped."));
    assertFalse(Verbatim.matches("John's car.", "John is car."), "a possessive is not expanded");
  }
}
