package com.ervc.provider.onnx;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Text to IPA phonemes as Piper's espeak phonemizer produces them, one string per sentence, with the clause
 * punctuation Piper appends ({@code "həlˈoʊ wˈɜːld."}). espeak-ng runs through {@link Ipa} (a process here).
 */
public final class EspeakPhonemizer {
  private static final Pattern LANGUAGE_FLAG = Pattern.compile("\\([^)]+\\)");

  /** espeak-ng's IPA for a text: one line per clause, punctuation dropped. Blocking. */
  @FunctionalInterface
  public interface Ipa {
    List<String> lines(String voice, String text);
  }

  private final Ipa ipa;

  public EspeakPhonemizer(Ipa ipa) {
    this.ipa = ipa;
  }

  public List<String> sentences(String text, String voice) {
    List<Clauses.Clause> clauses = Clauses.split(text);
    List<String> lines = ipa.lines(voice, String.join(" ", clauses.stream().map(c -> c.text() + c.terminator()).toList()));
    if (lines.size() != clauses.size()) {
      // espeak split differently (an abbreviation, a very long clause): ask per clause so each keeps its mark.
      lines = clauses.stream().map(c -> String.join(" ", ipa.lines(voice, c.text()))).toList();
    }
    List<String> sentences = new ArrayList<>();
    StringBuilder sentence = new StringBuilder();
    for (int i = 0; i < clauses.size(); i++) {
      Clauses.Clause clause = clauses.get(i);
      sentence.append(LANGUAGE_FLAG.matcher(lines.get(i)).replaceAll("").strip()).append(clause.suffix());
      if (clause.sentenceEnd()) {
        sentences.add(sentence.toString());
        sentence.setLength(0);
      }
    }
    if (!sentence.isEmpty()) {
      sentences.add(sentence.toString().strip());
    }
    return sentences;
  }
}
