package com.ervc.eval;

import java.text.Normalizer;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Brings a reference text and a recogniser's output to one written form before they are compared: lower case,
 * digits and the symbols {@code $ € £ %} spelled out in English words, a few common abbreviations expanded,
 * punctuation other than word-internal apostrophes dropped. A recogniser writes "seven forty five" where the
 * corpus says "7:45", which must not count as an error. English only: other languages are compared after the
 * same lower-casing and punctuation removal, without the number and abbreviation rules.
 */
public final class TextNormalizer {
  private static final String[] ONES = {"zero", "one", "two", "three", "four", "five", "six", "seven", "eight",
      "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
      "nineteen"};
  private static final String[] TENS = {"", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty",
      "ninety"};
  private static final Map<String, String> ABBREVIATIONS = Map.of(
      "dr.", "doctor", "mr.", "mister", "mrs.", "missus", "st.", "street", "a.m.", "a m", "p.m.", "p m",
      "u.s.", "u s", "etc.", "et cetera", "vs.", "versus");
  private static final Pattern CURRENCY = Pattern.compile("([$€£])(\\d[\\d,]*(?:\\.\\d+)?)");
  private static final Pattern TIME = Pattern.compile("\\b(\\d{1,2}):(\\d{2})\\b");
  private static final Pattern NUMBER = Pattern.compile("\\d[\\d,]*(?:\\.\\d+)?");
  /** Years from 1100 to 1999 are read in pairs ("nineteen eighty nine"), as speakers and recognisers say them. */
  private static final Pattern YEAR = Pattern.compile("\\b1[1-9]\\d\\d\\b(?![,.]\\d)");
  private static final Pattern NOT_WORD = Pattern.compile("[^\\p{L}\\p{N}' ]+");
  private static final Pattern STRAY_APOSTROPHE = Pattern.compile("(?<![\\p{L}])'|'(?![\\p{L}])");

  private TextNormalizer() {
  }

  public static String normalize(String text) {
    String s = Normalizer.normalize(text, Normalizer.Form.NFC).toLowerCase(Locale.ROOT).replace('’', '\'');
    for (Map.Entry<String, String> abbreviation : ABBREVIATIONS.entrySet()) {
      s = s.replaceAll("(?<![\\p{L}.])" + Pattern.quote(abbreviation.getKey()), " " + abbreviation.getValue() + " ");
    }
    s = replace(CURRENCY, s, m -> number(m.group(2)) + " " + currencyName(m.group(1)));
    s = replace(TIME, s, m -> number(m.group(1)) + " " + (m.group(2).equals("00") ? "" : number(m.group(2))));
    s = s.replace("%", " percent");
    s = replace(YEAR, s, m -> year(m.group()));
    s = replace(NUMBER, s, m -> number(m.group()));
    s = NOT_WORD.matcher(s).replaceAll(" ");
    s = STRAY_APOSTROPHE.matcher(s).replaceAll(" ");
    return String.join(" ", words0(s));
  }

  public static List<String> words(String text) {
    return words0(normalize(text));
  }

  private static List<String> words0(String normalized) {
    return Arrays.stream(normalized.trim().split("\\s+")).filter(w -> !w.isEmpty()).toList();
  }

  private static String replace(Pattern pattern, String s, java.util.function.Function<MatchResult, String> spelled) {
    return pattern.matcher(s).replaceAll(m -> Matcher.quoteReplacement(" " + spelled.apply(m) + " "));
  }

  private static String currencyName(String symbol) {
    return switch (symbol) {
      case "$" -> "dollars";
      case "€" -> "euros";
      default -> "pounds";
    };
  }

  /** "1,250.5" → "one thousand two hundred fifty point five"; digits after the point are read one by one. */
  static String number(String digits) {
    String plain = digits.replace(",", "");
    int point = plain.indexOf('.');
    String whole = point < 0 ? plain : plain.substring(0, point);
    StringBuilder out = new StringBuilder(whole.length() > 12 ? spellDigits(whole) : integer(Long.parseLong(whole)));
    if (point >= 0) {
      out.append(" point ").append(spellDigits(plain.substring(point + 1)));
    }
    return out.toString();
  }

  private static String year(String digits) {
    int tail = Integer.parseInt(digits.substring(2));
    String head = integer(Integer.parseInt(digits.substring(0, 2)));
    return head + (tail == 0 ? " hundred" : tail < 10 ? " oh " + ONES[tail] : " " + integer(tail));
  }

  private static String spellDigits(String digits) {
    StringBuilder out = new StringBuilder();
    for (char c : digits.toCharArray()) {
      out.append(out.isEmpty() ? "" : " ").append(ONES[c - '0']);
    }
    return out.toString();
  }

  private static String integer(long n) {
    if (n < 20) {
      return ONES[(int) n];
    }
    if (n < 100) {
      return TENS[(int) (n / 10)] + (n % 10 == 0 ? "" : " " + ONES[(int) (n % 10)]);
    }
    if (n < 1000) {
      return ONES[(int) (n / 100)] + " hundred" + (n % 100 == 0 ? "" : " " + integer(n % 100));
    }
    long[] scales = {1_000_000_000L, 1_000_000L, 1_000L};
    String[] names = {" billion", " million", " thousand"};
    for (int i = 0; i < scales.length; i++) {
      if (n >= scales[i]) {
        return integer(n / scales[i]) + names[i] + (n % scales[i] == 0 ? "" : " " + integer(n % scales[i]));
      }
    }
    throw new IllegalStateException("unreachable for " + n);
  }
}
