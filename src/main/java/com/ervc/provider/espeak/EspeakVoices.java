package com.ervc.provider.espeak;

import com.ervc.protocol.ProviderInfo.Voice;
import java.util.ArrayList;
import java.util.List;

/** Parses the table printed by {@code espeak-ng --voices}. */
final class EspeakVoices {
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
}
