package com.ervc.protocol;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** Enum constants as they appear on the wire: lower-case names ("whisper", "balanced"). */
final class WireNames {
  private WireNames() {
  }

  static String of(Enum<?> constant) {
    return constant.name().toLowerCase(Locale.ROOT);
  }

  static <E extends Enum<E>> List<String> all(Class<E> type) {
    return Arrays.stream(type.getEnumConstants()).map(WireNames::of).toList();
  }

  /** The constant whose wire name is {@code value}; an INVALID_REQUEST naming the field and the choices otherwise. */
  static <E extends Enum<E>> E parse(Class<E> type, String field, String value) {
    for (E constant : type.getEnumConstants()) {
      if (of(constant).equals(value)) {
        return constant;
      }
    }
    throw new SpeechException(ErrorCode.INVALID_REQUEST,
        field + " '" + value + "' is not supported; use one of " + String.join("|", all(type)));
  }
}
