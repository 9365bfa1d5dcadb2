package com.ervc.eval;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TextNormalizerTest {

  @Test
  void numbersCurrencyTimesAndYearsAreSpelled() {
    assertEquals("she counted one thousand two hundred fifty birds and three owls",
        TextNormalizer.normalize("She counted 1,250 birds and 3 owls."));
    assertEquals("the lamp costs nineteen point nine nine dollars",
        TextNormalizer.normalize("The lamp costs $19.99"));
    assertEquals("at seven forty five", TextNormalizer.normalize("at 7:45"));
    assertEquals("born in nineteen eighty nine", TextNormalizer.normalize("born in 1989"));
    assertEquals("march three two thousand twenty seven", TextNormalizer.normalize("March 3, 2027"));
    assertEquals("forty two percent", TextNormalizer.normalize("42%"));
  }

  @Test
  void abbreviationsPunctuationAndQuotes() {
    assertEquals("doctor smith lives on elm street", TextNormalizer.normalize("Dr. Smith lives on Elm St."));
    assertEquals("i will be there at noon she said", TextNormalizer.normalize("\"I will be there at noon,\" she said"));
    assertEquals("he called it a temporary fix", TextNormalizer.normalize("He called it a 'temporary' fix"));
    assertEquals("it's the man's fall", TextNormalizer.normalize("It’s the man's fall!"));
  }

  @Test
  void otherLanguagesKeepTheirLetters() {
    assertEquals("der zug fährt um acht uhr ab", TextNormalizer.normalize("Der Zug fährt um acht Uhr ab."));
  }
}
