package com.ervc.provider.onnx;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits text into clauses the way espeak-ng does (a run of {@code .?!,:;} followed by white space or the end)
 * and keeps each clause's terminator, which Debian's espeak-ng 1.51 cannot report (no
 * {@code espeak_TextToPhonemesWithTerminator}). Like Piper, the last clause without punctuation ends with a
 * period (espeak reports end of text as a full stop).
 */
public final class Clauses {
  private static final String PUNCTUATION = ".?!,:;";

  /** One clause: its text without the terminator, the punctuation Piper appends, and whether a sentence ends. */
  public record Clause(String text, char terminator, boolean sentenceEnd) {
    /** What Piper appends after the clause's phonemes: the mark, plus a space after , : ; */
    public String suffix() {
      return sentenceEnd ? String.valueOf(terminator) : terminator + " ";
    }
  }

  private Clauses() {
  }

  public static List<Clause> split(String text) {
    List<Clause> clauses = new ArrayList<>();
    int start = 0;
    int i = 0;
    while (i < text.length()) {
      if (PUNCTUATION.indexOf(text.charAt(i)) >= 0) {
        int end = i;
        while (end < text.length() && PUNCTUATION.indexOf(text.charAt(end)) >= 0) {
          end++;
        }
        if (end == text.length() || Character.isWhitespace(text.charAt(end))) {
          add(clauses, text.substring(start, i), text.charAt(end - 1));
          start = end;
        }
        i = end;
      } else {
        i++;
      }
    }
    add(clauses, text.substring(start), '.');
    return clauses;
  }

  private static void add(List<Clause> clauses, String text, char terminator) {
    if (!text.isBlank()) {
      clauses.add(new Clause(text.strip(), terminator, terminator == '.' || terminator == '?' || terminator == '!'));
    }
  }
}
