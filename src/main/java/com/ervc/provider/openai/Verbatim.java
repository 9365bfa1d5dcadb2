package com.ervc.provider.openai;

import java.text.Normalizer;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether a Realtime transcript says what was sent. A realtime model may reword ("I'm" for "I am"), leave out or
 * add words; differences of case, punctuation, spacing and the common English contractions do not count.
 */
public final class Verbatim {
  private static final Pattern CONTRACTION = Pattern.compile("\\b([a-z]+)'(t|m|re|ve|ll|d|s)\\b");
  /** Contractions whose first part changes or whose 's means "is"; others just split ("don't" → "do not"). */
  private static final Map<String, String> WHOLE = Map.ofEntries(Map.entry("won't", "will not"),
      Map.entry("can't", "can not"), Map.entry("shan't", "shall not"), Map.entry("ain't", "is not"),
      Map.entry("let's", "let us"), Map.entry("it's", "it is"), Map.entry("that's", "that is"),
      Map.entry("what's", "what is"), Map.entry("there's", "there is"), Map.entry("here's", "here is"),
      Map.entry("he's", "he is"), Map.entry("she's", "she is"), Map.entry("who's", "who is"),
      Map.entry("where's", "where is"));
  private static final Map<String, String> SUFFIX = Map.of("t", "", "m", " am", "re", " are", "ve", " have",
      "ll", " will", "d", " would");

  private Verbatim() {
  }

  public static boolean matches(String sent, String transcript) {
    return normalise(sent).equals(normalise(transcript));
  }

  /** Lower case, contractions spelled out, "cannot" as "can not", punctuation gone, single spaces. */
  static String normalise(String text) {
    String lower = Normalizer.normalize(text, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT)
        .replace('\u2019', '\'').replace('\u2018', '\'');
    Matcher m = CONTRACTION.matcher(lower);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String whole = WHOLE.get(m.group());
      String expanded;
      if (whole != null) {
        expanded = whole;
      } else if (m.group(2).equals("t") && m.group(1).endsWith("n")) {
        expanded = m.group(1).substring(0, m.group(1).length() - 1) + " not";
      } else if (m.group(2).equals("s")) {
        expanded = m.group(1) + "s"; // a possessive, or a "has"/"is" that both sides must spell alike
      } else {
        expanded = m.group(1) + SUFFIX.get(m.group(2));
      }
      m.appendReplacement(out, Matcher.quoteReplacement(expanded));
    }
    m.appendTail(out);
    return out.toString().replace("cannot", "can not").replaceAll("[^\\p{L}\\p{N}]+", " ").trim();
  }
}
