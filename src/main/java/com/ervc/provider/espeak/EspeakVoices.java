package com.ervc.provider.espeak;

import com.ervc.protocol.ProviderInfo.Voice;
import java.util.ArrayList;
import java.util.List;

/** Parses the table printed by {@code espeak-ng --voices}. */
final class EspeakVoices {
  private static final String VARIANT_FOLDER = "!v/";

  private EspeakVoices() {
  }

  /**
   * Columns: Pty, Language, Age/Gender, VoiceName, File, Other languages. The language code is the voice id
   * clients use ({@code -v en-us}).
   */
  static List<Voice> parse(String listing) {
    List<Voice> voices = new ArrayList<>();
    for (String line : listing.split("\\R")) {
      String[] cols = line.trim().split("\\s+");
      if (cols.length < 5 || !cols[0].matches("\\d+")) {
        continue;
      }
      String language = cols[1];
      String gender = cols[2].contains("/") ? cols[2].substring(cols[2].indexOf('/') + 1) : "";
      voices.add(new Voice(language, cols[3].replace('_', ' ').trim(), language, gender.isEmpty() || gender.equals("-") ? null : gender));
    }
    return List.copyOf(voices);
  }

  /**
   * The variant names of {@code espeak-ng --voices=variant}: the file column without its {@code !v/} folder, as
   * {@code -v <voice>+<variant>} takes it. A file name with a space (one ships, "Mr serious") cannot be written
   * in a voice id and is left out.
   */
  static List<String> parseVariants(String listing) {
    List<String> variants = new ArrayList<>();
    for (String line : listing.split("\\R")) {
      String[] cols = line.trim().split("\\s+");
      if (cols.length < 5 || !cols[0].matches("\\d+") || !cols[4].startsWith(VARIANT_FOLDER)
          || cols.length > 5 && !cols[5].startsWith("(")) {
        continue;
      }
      String variant = cols[4].substring(VARIANT_FOLDER.length());
      if (variant.matches("[A-Za-z0-9_\\-]+")) {
        variants.add(variant);
      }
    }
    return List.copyOf(variants);
  }
}
