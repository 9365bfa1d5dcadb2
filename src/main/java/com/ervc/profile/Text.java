package com.ervc.profile;

import java.security.SecureRandom;

/** Checks on the free text a person types into a profile, and the random tokens profiles use as ids. */
final class Text {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

  private Text() {
  }

  static String safe(String field, String value, int maxChars) {
    return safe(field, value, maxChars, false);
  }

  /**
   * {@code value} stripped, when it is non-empty (or empty is allowed), at most {@code maxChars} long and free of
   * control and bidirectional-override characters, which would let a name pose as another in a list.
   */
  static String safe(String field, String value, int maxChars, boolean mayBeEmpty) {
    if (value == null) {
      throw VoiceProfile.invalid(field + " is required");
    }
    String stripped = value.strip();
    if (stripped.isEmpty() && !mayBeEmpty) {
      throw VoiceProfile.invalid(field + " must not be empty");
    }
    if (stripped.length() > maxChars) {
      throw VoiceProfile.invalid(field + " is longer than " + maxChars + " characters");
    }
    for (int i = 0; i < stripped.length(); i++) {
      char c = stripped.charAt(i);
      boolean lineBreakInText = mayBeEmpty && (c == '\n');
      if ((Character.isISOControl(c) && !lineBreakInText) || (c >= '\u202a' && c <= '\u202e')
          || (c >= '\u2066' && c <= '\u2069')) {
        throw VoiceProfile.invalid(field + " contains a control character (U+"
            + String.format("%04X", (int) c) + ")");
      }
    }
    return stripped;
  }

  static String randomToken(int length) {
    StringBuilder token = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      token.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
    }
    return token.toString();
  }
}
