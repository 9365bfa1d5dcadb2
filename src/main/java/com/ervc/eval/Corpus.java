package com.ervc.eval;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * An evaluation corpus: UTF-8 text, one sentence a line as four tab-separated columns {@code id category language
 * text}; blank lines and lines starting with {@code #} are skipped. The built-in one ships in the jar.
 */
public final class Corpus {
  static final String BUILT_IN = "/eval/corpus.tsv";

  private Corpus() {
  }

  public static List<CorpusLine> builtIn() throws IOException {
    try (InputStream in = Corpus.class.getResourceAsStream(BUILT_IN)) {
      if (in == null) {
        throw new IOException("the built-in corpus " + BUILT_IN + " is missing from the class path");
      }
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "built-in corpus");
    }
  }

  public static List<CorpusLine> read(Path file) throws IOException {
    return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
  }

  static List<CorpusLine> parse(String content, String source) {
    List<CorpusLine> lines = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    String[] rows = content.split("\r?\n");
    for (int n = 0; n < rows.length; n++) {
      String row = rows[n];
      if (row.isBlank() || row.startsWith("#")) {
        continue;
      }
      String[] cols = row.split("\t", -1);
      String where = source + " line " + (n + 1);
      if (cols.length != 4 || cols[0].isBlank() || cols[3].isBlank()) {
        throw new IllegalArgumentException(where + ": expected 4 tab-separated columns (id, category, language, "
            + "text), found " + cols.length);
      }
      if (!cols[0].matches("[A-Za-z0-9_.-]{1,64}")) {
        throw new IllegalArgumentException(where + ": id '" + cols[0] + "' must be 1-64 of A-Z a-z 0-9 _ . -");
      }
      if (!ids.add(cols[0])) {
        throw new IllegalArgumentException(where + ": id '" + cols[0] + "' appears twice");
      }
      lines.add(new CorpusLine(cols[0], cols[1].strip(), cols[2].strip().toLowerCase(Locale.ROOT), cols[3].strip()));
    }
    if (lines.isEmpty()) {
      throw new IllegalArgumentException(source + " holds no sentences");
    }
    return List.copyOf(lines);
  }

  public static String primary(String languageTag) {
    int dash = languageTag.indexOf('-');
    return (dash < 0 ? languageTag : languageTag.substring(0, dash)).toLowerCase(Locale.ROOT);
  }
}
