package com.ervc.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Splits text into sentence-sized chunks for incremental speech synthesis.
 *
 * <p>The first chunk is kept short so that audio can start playing early; later chunks are whole
 * sentences unless a sentence exceeds the maximum chunk size. Instances are immutable and
 * thread-safe.
 */
public final class SentenceSplitter {

  public static final int DEFAULT_FIRST_CHUNK_MAX_CHARS = 80;
  public static final int DEFAULT_MAX_CHUNK_CHARS = 220;

  private static final int MIN_LIMIT_CHARS = 10;
  /** Clause cuts shorter than this would give a clipped, unnatural-sounding first phrase. */
  private static final int MIN_CLAUSE_CHARS = 20;

  private static final Pattern LINE_ENDING = Pattern.compile("\\r\\n?");
  private static final Pattern PARAGRAPH_BREAK = Pattern.compile("\\n\\h*\\n");
  private static final Pattern WHITESPACE = Pattern.compile("[\\h\\v]+");
  /** e.g., i.e., a.m., p.m., U.S.A. — the word before the final dot, so without it. */
  private static final Pattern DOTTED_ABBREVIATION = Pattern.compile("\\p{L}(?:\\.\\p{L})+");
  private static final Pattern SINGLE_CAPITAL = Pattern.compile("\\p{Lu}");
  private static final Pattern INITIAL = Pattern.compile("\\p{Lu}\\.");

  /** Lower-case, without the dot; dotted forms are covered by {@link #DOTTED_ABBREVIATION}. */
  private static final Set<String> ABBREVIATIONS = Set.of(
      "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "vs", "approx", "inc", "ltd", "co", "fig",
      "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec");

  private static final String TERMINATORS = ".!?…。！？";
  private static final String CJK_TERMINATORS = "。！？";
  private static final String CLOSERS = "\"'”’»)]}」』）";
  private static final String OPENERS = "\"'“‘«„([{「『（¿¡";
  private static final String OPENING_QUOTES = "\"'“‘«„¿¡";
  private static final String CLAUSE_PUNCTUATION = ",;:)";
  /** CJK text has no spaces, so these count as boundaries without one. */
  private static final String CJK_CLAUSE_PUNCTUATION = "，；：";
  private static final String DASHES = "—–";

  private final int firstChunkMaxChars;
  private final int maxChunkChars;

  public SentenceSplitter() {
    this(DEFAULT_FIRST_CHUNK_MAX_CHARS, DEFAULT_MAX_CHUNK_CHARS);
  }

  public SentenceSplitter(int firstChunkMaxChars, int maxChunkChars) {
    if (firstChunkMaxChars < MIN_LIMIT_CHARS || maxChunkChars < MIN_LIMIT_CHARS) {
      throw new IllegalArgumentException("chunk limits must be at least " + MIN_LIMIT_CHARS
          + " chars, got firstChunkMaxChars=" + firstChunkMaxChars
          + ", maxChunkChars=" + maxChunkChars);
    }
    if (firstChunkMaxChars > maxChunkChars) {
      throw new IllegalArgumentException("firstChunkMaxChars (" + firstChunkMaxChars
          + ") must not exceed maxChunkChars (" + maxChunkChars + ")");
    }
    this.firstChunkMaxChars = firstChunkMaxChars;
    this.maxChunkChars = maxChunkChars;
  }

  /** Returns the trimmed, non-empty chunks of {@code text} in order; empty for null or blank. */
  public List<String> split(String text) {
    if (text == null || text.isBlank()) {
      return List.of();
    }
    List<String> chunks = new ArrayList<>();
    String unixText = LINE_ENDING.matcher(text).replaceAll("\n");
    for (String paragraph : PARAGRAPH_BREAK.split(unixText)) {
      String normalised = WHITESPACE.matcher(paragraph).replaceAll(" ").trim();
      for (String sentence : sentences(normalised)) {
        addCutToSize(sentence, chunks);
      }
    }
    return List.copyOf(chunks);
  }

  private static List<String> sentences(String paragraph) {
    List<String> sentences = new ArrayList<>();
    int start = 0;
    int i = 0;
    while (i < paragraph.length()) {
      if (TERMINATORS.indexOf(paragraph.charAt(i)) < 0) {
        i++;
        continue;
      }
      int runEnd = skipAll(paragraph, i, TERMINATORS);
      int end = skipAll(paragraph, runEnd, CLOSERS);
      if (endsSentence(paragraph, start, i, runEnd, end)) {
        sentences.add(paragraph.substring(start, end).trim());
        start = end;
      }
      i = end;
    }
    String rest = paragraph.substring(start).trim();
    if (!rest.isEmpty()) {
      sentences.add(rest);
    }
    return sentences;
  }

  /**
   * Decides whether the terminator run {@code [runStart, runEnd)}, followed by closing quotes or
   * brackets up to {@code end}, ends the sentence that began at {@code sentenceStart}.
   */
  private static boolean endsSentence(
      String text, int sentenceStart, int runStart, int runEnd, int end) {
    // A chunk of bare punctuation ("...") gives the synthesiser nothing to say.
    if (!containsLetterOrDigit(text, sentenceStart, runStart)) {
      return false;
    }
    String run = text.substring(runStart, runEnd);
    if (containsAny(run, CJK_TERMINATORS)) {
      return true;
    }
    if (end == text.length()) {
      return true;
    }
    // Dots inside a token: decimals, versions, URLs, e-mail addresses, file names.
    if (text.charAt(end) != ' ') {
      return false;
    }
    String nextWord = wordStartingAt(text, end + 1);
    if (run.equals(".")) {
      String word = stripLeading(wordEndingAt(text, runStart), OPENERS);
      String key = word.toLowerCase(Locale.ROOT);
      if (key.equals("etc")) {
        // Often ends a sentence for real, so trust a capitalised next word.
        return startsSentence(nextWord);
      }
      if (key.equals("no")) {
        // "No. 5" is the abbreviation; "No. I won't." is a one-word answer.
        return !Character.isDigit(nextWord.codePointAt(0));
      }
      if (ABBREVIATIONS.contains(key) || DOTTED_ABBREVIATION.matcher(word).matches()) {
        return false;
      }
      if (SINGLE_CAPITAL.matcher(word).matches()) {
        // The pronoun "I" ends sentences often; as an initial it precedes another ("I. M. Pei").
        return word.equals("I") && !INITIAL.matcher(nextWord).matches();
      }
    }
    boolean ambiguous = end > runEnd || isEllipsis(run);
    return !ambiguous || startsSentence(nextWord);
  }

  private void addCutToSize(String sentence, List<String> chunks) {
    String rest = sentence;
    while (true) {
      int limit = chunks.isEmpty() ? firstChunkMaxChars : maxChunkChars;
      if (rest.length() <= limit) {
        chunks.add(rest);
        return;
      }
      int cut = cutPosition(rest, limit);
      if (cut >= rest.length()) {
        chunks.add(rest);
        return;
      }
      chunks.add(rest.substring(0, cut));
      rest = rest.substring(cut).trim();
    }
  }

  /** Returns the index to cut {@code text} at, which is longer than {@code limit}. */
  private static int cutPosition(String text, int limit) {
    int minPiece = Math.min(MIN_CLAUSE_CHARS, limit / 2);
    for (int end = limit; end >= minPiece; end--) {
      if (isClauseBoundary(text, end)) {
        return end;
      }
    }
    int lastSpace = text.lastIndexOf(' ', limit);
    if (lastSpace > 0) {
      return lastSpace;
    }
    // Never cut inside a word, even one longer than the limit.
    int nextSpace = text.indexOf(' ', limit);
    return nextSpace < 0 ? text.length() : nextSpace;
  }

  /** Whether {@code text[0, end)} ends at a clause boundary, keeping the punctuation. */
  private static boolean isClauseBoundary(String text, int end) {
    char last = text.charAt(end - 1);
    if (CJK_CLAUSE_PUNCTUATION.indexOf(last) >= 0) {
      return true;
    }
    if (text.charAt(end) != ' ') {
      return false;
    }
    if (CLAUSE_PUNCTUATION.indexOf(last) >= 0) {
      return true;
    }
    // Only spaced dashes: "well-known" and "1–2" are not clauses.
    return DASHES.indexOf(last) >= 0 && end >= 2 && text.charAt(end - 2) == ' ';
  }

  private static boolean startsSentence(String word) {
    int first = word.codePointAt(0);
    if (Character.isLetter(first)) {
      // Caseless scripts have no lower-case hint, so treat them as a new sentence.
      return !Character.isLowerCase(first);
    }
    return Character.isDigit(first) || OPENING_QUOTES.indexOf(first) >= 0;
  }

  private static boolean isEllipsis(String run) {
    return !run.equals(".") && run.chars().allMatch(c -> c == '.' || c == '…');
  }

  private static int skipAll(String text, int from, String chars) {
    int i = from;
    while (i < text.length() && chars.indexOf(text.charAt(i)) >= 0) {
      i++;
    }
    return i;
  }

  /** Text is whitespace-normalised, so words are separated by exactly one space. */
  private static String wordEndingAt(String text, int end) {
    return text.substring(text.lastIndexOf(' ', end - 1) + 1, end);
  }

  private static String wordStartingAt(String text, int start) {
    int space = text.indexOf(' ', start);
    return text.substring(start, space < 0 ? text.length() : space);
  }

  private static String stripLeading(String word, String chars) {
    return word.substring(skipAll(word, 0, chars));
  }

  private static boolean containsAny(String text, String chars) {
    return text.chars().anyMatch(c -> chars.indexOf(c) >= 0);
  }

  private static boolean containsLetterOrDigit(String text, int from, int to) {
    return text.substring(from, to).codePoints().anyMatch(Character::isLetterOrDigit);
  }
}
