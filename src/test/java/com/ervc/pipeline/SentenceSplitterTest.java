package com.ervc.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SentenceSplitterTest {

  private final SentenceSplitter splitter = new SentenceSplitter();

  static Stream<Arguments> sentences() {
    return Stream.of(
        arguments("two plain sentences", "Hello world. How are you today?",
            List.of("Hello world.", "How are you today?")),
        arguments("no terminator", "No punctuation here", List.of("No punctuation here")),
        arguments("lower-case word after a full stop still splits", "It rained. then it stopped.",
            List.of("It rained.", "then it stopped.")),
        arguments("exclamation before lower case still splits", "Hey! listen to me.",
            List.of("Hey!", "listen to me.")),
        arguments("terminator runs", "Are you serious?! I can't believe it!!! Wow.",
            List.of("Are you serious?!", "I can't believe it!!!", "Wow.")),

        // Abbreviations
        arguments("title, price, time and date", "Dr. Smith paid $3.50 at 5 p.m. on Jan. 3. He left.",
            List.of("Dr. Smith paid $3.50 at 5 p.m. on Jan. 3.", "He left.")),
        arguments("titles before capitalised names",
            "Mr. and Mrs. Brown met Ms. Green, Prof. White and St. John. They talked.",
            List.of("Mr. and Mrs. Brown met Ms. Green, Prof. White and St. John.", "They talked.")),
        arguments("name suffixes", "Sammy Davis Jr. sang with Ken Griffey Sr. Then he danced.",
            List.of("Sammy Davis Jr. sang with Ken Griffey Sr. Then he danced.")),
        arguments("e.g. and i.e.", "Bring fruit, e.g. apples, i.e. something sweet. Thanks.",
            List.of("Bring fruit, e.g. apples, i.e. something sweet.", "Thanks.")),
        arguments("vs., approx., Fig. and No. before a number",
            "Team A vs. Team B drew approx. 500 fans, see Fig. 2 and item No. 7 here. Great game.",
            List.of("Team A vs. Team B drew approx. 500 fans, see Fig. 2 and item No. 7 here.",
                "Great game.")),
        arguments("company suffixes", "Acme Inc. hired Bolt Ltd. and Smith & Co. for the job. It went well.",
            List.of("Acme Inc. hired Bolt Ltd. and Smith & Co. for the job.", "It went well.")),
        arguments("month abbreviations", "It ran from Feb. 2 to Sept. 30 and Dec. 1. Done.",
            List.of("It ran from Feb. 2 to Sept. 30 and Dec. 1.", "Done.")),
        arguments("abbreviation in brackets", "Ask the boss (Mr. Jones) today. He knows.",
            List.of("Ask the boss (Mr. Jones) today.", "He knows.")),
        arguments("a.m. before a capital stays joined", "We open at 9 a.m. Come early.",
            List.of("We open at 9 a.m. Come early.")),
        arguments("etc. before a capital ends the sentence", "We sold apples, pears, etc. Then we went home.",
            List.of("We sold apples, pears, etc.", "Then we went home.")),
        arguments("etc. before lower case stays joined", "Apples, pears, etc. are on sale. Buy some.",
            List.of("Apples, pears, etc. are on sale.", "Buy some.")),
        arguments("No. as an answer", "No. I will not go.", List.of("No.", "I will not go.")),

        // Initials
        arguments("single initials", "J. R. R. Tolkien wrote it. Everyone read it.",
            List.of("J. R. R. Tolkien wrote it.", "Everyone read it.")),
        arguments("dotted acronyms", "The U.S. Army flew to the U.S.A. Last year. Nobody knew.",
            List.of("The U.S. Army flew to the U.S.A. Last year.", "Nobody knew.")),
        arguments("pronoun I ends a sentence", "So did I. Then we left.",
            List.of("So did I.", "Then we left.")),
        arguments("initial I before another initial", "I. M. Pei designed it. It is famous.",
            List.of("I. M. Pei designed it.", "It is famous.")),

        // Dots inside tokens
        arguments("decimals and versions", "Pi is about 3.14 today. Version v2.0.1 shipped.",
            List.of("Pi is about 3.14 today.", "Version v2.0.1 shipped.")),
        arguments("domains, e-mail addresses and file names",
            "Visit example.com or mail a@b.org about config.json now. Thanks!",
            List.of("Visit example.com or mail a@b.org about config.json now.", "Thanks!")),
        arguments("URL with query string at a sentence end", "Go to https://example.com/a.b?x=1. Then log in.",
            List.of("Go to https://example.com/a.b?x=1.", "Then log in.")),
        arguments("number ending a sentence", "The answer is 42. Really.",
            List.of("The answer is 42.", "Really.")),
        arguments("dot without following whitespace", "Hello.World is a name. Yes.",
            List.of("Hello.World is a name.", "Yes.")),

        // Closing quotes and brackets
        arguments("quote then lower case", "\"Stop!\" he said. She stopped.",
            List.of("\"Stop!\" he said.", "She stopped.")),
        arguments("quote then capital", "\"Stop!\" Then he ran.", List.of("\"Stop!\"", "Then he ran.")),
        arguments("curly quotes", "She said “Go.” He went. “Why?” she asked.",
            List.of("She said “Go.”", "He went.", "“Why?” she asked.")),
        arguments("closing bracket", "It works (mostly.) Trust me.",
            List.of("It works (mostly.)", "Trust me.")),
        arguments("quote then digit", "He shouted \"Go!\" 3 times.",
            List.of("He shouted \"Go!\"", "3 times.")),

        // Ellipses
        arguments("ellipsis before lower case", "Well... maybe later.", List.of("Well... maybe later.")),
        arguments("ellipsis before a capital", "Wait... Then it happened.",
            List.of("Wait...", "Then it happened.")),
        arguments("ellipsis before an opening quote", "Wait... \"Who's there?\" she asked.",
            List.of("Wait...", "\"Who's there?\" she asked.")),
        arguments("ellipsis before a digit", "Wait... 42 is the answer.",
            List.of("Wait...", "42 is the answer.")),
        arguments("ellipsis character", "Hmm… okay. Fine… Next step.",
            List.of("Hmm… okay.", "Fine…", "Next step.")),
        arguments("leading punctuation never forms a chunk", "... And then silence.",
            List.of("... And then silence.")),

        // Whitespace and paragraphs
        arguments("whitespace runs collapse", "  Hello\n  world.\tHow\nare   you?  ",
            List.of("Hello world.", "How are you?")),
        arguments("blank line ends a sentence", "Title line\n\nBody text here. More text",
            List.of("Title line", "Body text here.", "More text")),
        arguments("blank line with spaces", "A heading\n \t \nSome text.", List.of("A heading", "Some text.")),
        arguments("several blank lines", "One\n\n\n\nTwo", List.of("One", "Two")),
        arguments("CRLF line break is not a paragraph", "one\r\ntwo", List.of("one two")),
        arguments("CRLF blank line is a paragraph", "First part\r\n\r\nSecond part",
            List.of("First part", "Second part")),

        // CJK
        arguments("CJK full stops need no whitespace", "你好。我很好！你呢？",
            List.of("你好。", "我很好！", "你呢？")),
        arguments("CJK closing quote", "他说：「好的。」然后走了。", List.of("他说：「好的。」", "然后走了。")),
        arguments("CJK then Latin", "こんにちは。Hello there.", List.of("こんにちは。", "Hello there.")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("sentences")
  void splitsIntoSentences(String description, String text, List<String> expected) {
    assertEquals(expected, splitter.split(text));
  }

  static Stream<Arguments> longSentences() {
    return Stream.of(
        arguments("long first sentence cut at the last clause that fits", 80, 220,
            "When the storm finally passed over the harbour, the fishermen returned to their boats,"
                + " checked the nets, and sailed out before dawn. It was calm.",
            List.of("When the storm finally passed over the harbour,",
                "the fishermen returned to their boats, checked the nets, and sailed out before dawn.",
                "It was calm.")),
        arguments("first chunk skips a clause that is too short", 40, 100,
            "Oh, I remember the day we met at the old station, when it rained all day long.",
            List.of("Oh, I remember the day we met at the old", "station, when it rained all day long.")),
        arguments("short first sentence is not cut", 20, 60,
            "Hi there. This second sentence is longer than twenty characters.",
            List.of("Hi there.", "This second sentence is longer than twenty characters.")),
        arguments("later sentence cut at the clause closest to the limit", 20, 60,
            "Hi there. The committee met on Monday, reviewed every proposal in detail, voted twice;"
                + " and then, after a long debate, adjourned.",
            List.of("Hi there.", "The committee met on Monday,",
                "reviewed every proposal in detail, voted twice; and then,",
                "after a long debate, adjourned.")),
        arguments("spaced dashes and closing brackets are clauses", 20, 40,
            "Start now. We waited for hours — nobody came at all – so we left the place (sadly)"
                + " and walked home.",
            List.of("Start now.", "We waited for hours —", "nobody came at all –",
                "so we left the place (sadly)", "and walked home.")),
        arguments("comma inside a number is not a clause", 20, 40,
            "Start now. Around 1,000 people came to the big event, and everyone loved it.",
            List.of("Start now.", "Around 1,000 people came to the big", "event, and everyone loved it.")),
        arguments("no clause: cut at the last whitespace", 20, 40,
            "The quick brown fox jumps over the lazy dog and keeps running far away.",
            List.of("The quick brown fox", "jumps over the lazy dog and keeps", "running far away.")),
        arguments("word longer than the limit is kept whole", 10, 20,
            "Supercalifragilisticexpialidocious is long.",
            List.of("Supercalifragilisticexpialidocious", "is long.")),
        arguments("CJK commas are clauses", 10, 20, "这是一个很长的句子，里面有逗号，还有更多内容。",
            List.of("这是一个很长的句子，", "里面有逗号，还有更多内容。")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("longSentences")
  void cutsLongSentences(
      String description, int firstChunkMaxChars, int maxChunkChars, String text, List<String> expected) {
    assertEquals(expected, new SentenceSplitter(firstChunkMaxChars, maxChunkChars).split(text));
  }

  @Test
  void longFirstSentenceGivesShortFirstChunkAndLosesNothing() {
    String text = "Although   the forecast promised sunshine for the whole weekend,\n the clouds rolled in"
        + " early on Saturday morning; we packed the car anyway, drove to the coast, and spent the"
        + " afternoon watching the waves. Later we went home.";
    String normalised = text.replaceAll("\\s+", " ");

    List<String> chunks = splitter.split(text);

    String first = chunks.get(0);
    assertTrue(first.length() <= SentenceSplitter.DEFAULT_FIRST_CHUNK_MAX_CHARS, first);
    assertTrue(first.length() >= 20, first);
    assertEquals("Although the forecast promised sunshine for the whole weekend,", first);
    assertEquals(normalised, String.join(" ", chunks));
  }

  @Test
  void longSentenceWithoutPunctuationIsCutAtWhitespace() {
    String text = IntStream.range(0, 125).mapToObj(i -> String.format("word%03d", i))
        .collect(Collectors.joining(" ", "", "."));
    assertEquals(1000, text.length());

    List<String> chunks = splitter.split(text);

    assertEquals(text, String.join(" ", chunks));
    assertEquals("word000 word001 word002 word003 word004 word005 word006 word007 word008 word009",
        chunks.get(0));
    for (int i = 1; i < chunks.size(); i++) {
      String chunk = chunks.get(i);
      assertTrue(chunk.length() <= SentenceSplitter.DEFAULT_MAX_CHUNK_CHARS, chunk);
      assertTrue(chunk.matches("word\\d{3}( word\\d{3})*\\.?"), chunk);
      if (i < chunks.size() - 1) {
        // Cut at the last whitespace: one more word would not have fit.
        String nextWord = chunks.get(i + 1).split(" ")[0];
        assertTrue(chunk.length() + 1 + nextWord.length() > SentenceSplitter.DEFAULT_MAX_CHUNK_CHARS, chunk);
      }
    }
  }

  @Test
  void defaultsMatchTheConstants() {
    assertEquals(80, SentenceSplitter.DEFAULT_FIRST_CHUNK_MAX_CHARS);
    assertEquals(220, SentenceSplitter.DEFAULT_MAX_CHUNK_CHARS);
    String text = "a ".repeat(300) + "end.";
    assertEquals(new SentenceSplitter(80, 220).split(text), splitter.split(text));
  }

  static Stream<Arguments> blankTexts() {
    return Stream.of(arguments((String) null), arguments(""), arguments("   "), arguments(" \n\t\r\n "));
  }

  @ParameterizedTest
  @MethodSource("blankTexts")
  void blankTextGivesNoChunks(String text) {
    assertEquals(List.of(), splitter.split(text));
  }

  @Test
  void resultIsImmutable() {
    List<String> chunks = splitter.split("One. Two.");
    assertEquals(List.of("One.", "Two."), chunks);
    assertThrows(UnsupportedOperationException.class, () -> chunks.add("Three."));
  }

  static Stream<Arguments> invalidLimits() {
    return Stream.of(
        arguments(9, 220, "at least 10"),
        arguments(80, 9, "at least 10"),
        arguments(0, 0, "at least 10"),
        arguments(-1, 100, "at least 10"),
        arguments(221, 220, "must not exceed"));
  }

  @ParameterizedTest(name = "first={0}, max={1}")
  @MethodSource("invalidLimits")
  void rejectsInvalidLimits(int firstChunkMaxChars, int maxChunkChars, String messagePart) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new SentenceSplitter(firstChunkMaxChars, maxChunkChars));
    assertTrue(e.getMessage().contains(messagePart), e.getMessage());
  }

  @Test
  void acceptsSmallestAndEqualLimits() {
    assertEquals(List.of("Tiny text", "here."), new SentenceSplitter(10, 10).split("Tiny text here."));
  }
}
