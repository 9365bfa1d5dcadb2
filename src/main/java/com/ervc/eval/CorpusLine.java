package com.ervc.eval;

/** One sentence of an evaluation corpus. {@code language} is a BCP 47 tag such as "en" or "de". */
public record CorpusLine(String id, String category, String language, String text) {
  public CorpusLine {
    if (id.isBlank() || text.isBlank()) {
      throw new IllegalArgumentException("a corpus line needs an id and a text");
    }
  }

  /** "en" of "en-us": what a voice's language must share to read this line. */
  public String primaryLanguage() {
    return Corpus.primary(language);
  }
}
