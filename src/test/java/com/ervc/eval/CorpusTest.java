package com.ervc.eval;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CorpusTest {

  @Test
  void theBuiltInCorpusHasEveryCategoryTheDocsName() throws Exception {
    List<CorpusLine> lines = Corpus.builtIn();
    Set<String> categories = lines.stream().map(CorpusLine::category).collect(Collectors.toSet());
    assertEquals(Set.of("harvard", "numbers", "dates", "currency", "abbreviations", "questions", "exclamations",
        "long", "quotes", "foreign"), categories);
    assertEquals(20, lines.stream().filter(l -> l.category().equals("harvard")).count());
    assertTrue(lines.stream().anyMatch(l -> l.primaryLanguage().equals("de")));
  }

  @Test
  void operatorFilesParseAndBadLinesAreRefusedWithTheirLineNumber() {
    List<CorpusLine> lines = Corpus.parse("# mine\n\na1\tgreeting\ten-GB\tGood morning.\r\n", "mine.tsv");
    assertEquals(List.of(new CorpusLine("a1", "greeting", "en-gb", "Good morning.")), lines);
    assertEquals("en", lines.get(0).primaryLanguage());
    IllegalArgumentException columns = assertThrows(IllegalArgumentException.class,
        () -> Corpus.parse("x\ty\n", "f.tsv"));
    assertEquals("f.tsv line 1: expected 4 tab-separated columns (id, category, language, text), found 2",
        columns.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Corpus.parse("a\tc\ten\tone\na\tc\ten\ttwo\n", "f"));
    assertThrows(IllegalArgumentException.class, () -> Corpus.parse("a b\tc\ten\tone\n", "f"));
    assertThrows(IllegalArgumentException.class, () -> Corpus.parse("# only a comment\n", "f"));
  }
}
