package com.ervc.provider.onnx;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** Piper's {@code phonemes_to_ids}: BOS, PAD, then each known phoneme's ids followed by PAD, then EOS. */
public final class PhonemeIds {
  public static final String PAD = "_";
  public static final String BOS = "^";
  public static final String EOS = "$";

  private PhonemeIds() {
  }

  /** NFD code points of a phoneme string: each one is a phoneme, spaces included. */
  public static List<String> phonemes(String text) {
    String nfd = Normalizer.normalize(text, Normalizer.Form.NFD);
    List<String> out = new ArrayList<>();
    nfd.codePoints().forEach(cp -> out.add(new String(Character.toChars(cp))));
    return out;
  }

  /**
   * Ids for one sentence. {@code phonemeMap} rewrites a phoneme before the lookup; unknown phonemes are
   * reported to {@code missing} and skipped (no id, no pad).
   */
  public static long[] build(List<String> phonemes, Map<String, long[]> idMap, Map<String, List<String>> phonemeMap,
                             Consumer<String> missing) {
    List<Long> ids = new ArrayList<>();
    long[] pad = idMap.get(PAD);
    add(ids, idMap.get(BOS));
    add(ids, pad);
    for (String phoneme : phonemes) {
      for (String mapped : phonemeMap.getOrDefault(phoneme, List.of(phoneme))) {
        long[] known = idMap.get(mapped);
        if (known == null) {
          missing.accept(mapped);
          continue;
        }
        add(ids, known);
        add(ids, pad);
      }
    }
    add(ids, idMap.get(EOS));
    return ids.stream().mapToLong(Long::longValue).toArray();
  }

  private static void add(List<Long> ids, long[] values) {
    for (long v : values) {
      ids.add(v);
    }
  }
}
