package com.ervc.eval;

import java.util.Arrays;
import java.util.List;

/**
 * Word and character error rates: the Levenshtein alignment of a hypothesis against a reference, counted as
 * substitutions, deletions and insertions over the reference length. Above 1.0 is possible (many insertions).
 */
public record ErrorRate(int substitutions, int deletions, int insertions, int referenceLength) {

  public double rate() {
    if (referenceLength == 0) {
      return substitutions + deletions + insertions == 0 ? 0 : 1;
    }
    return (double) (substitutions + deletions + insertions) / referenceLength;
  }

  /** WER of two texts after {@link TextNormalizer#normalize}. */
  public static ErrorRate words(String reference, String hypothesis) {
    return align(TextNormalizer.words(reference), TextNormalizer.words(hypothesis));
  }

  /** CER of two texts after normalisation, spaces between words counted as characters. */
  public static ErrorRate characters(String reference, String hypothesis) {
    return align(chars(TextNormalizer.normalize(reference)), chars(TextNormalizer.normalize(hypothesis)));
  }

  private static List<String> chars(String text) {
    return text.codePoints().mapToObj(Character::toString).toList();
  }

  /** Minimum edit alignment; ties prefer a substitution, then a deletion, so counts are deterministic. */
  static ErrorRate align(List<String> ref, List<String> hyp) {
    int n = ref.size();
    int m = hyp.size();
    // cost[i][j] and the edit counts of the best path into (i, j)
    int[][] cost = new int[n + 1][m + 1];
    int[][][] counts = new int[n + 1][m + 1][];
    for (int i = 0; i <= n; i++) {
      for (int j = 0; j <= m; j++) {
        if (i == 0 && j == 0) {
          counts[0][0] = new int[3];
          continue;
        }
        int best = Integer.MAX_VALUE;
        int[] from = null;
        int edit = -1;
        if (i > 0 && j > 0) {
          boolean same = ref.get(i - 1).equals(hyp.get(j - 1));
          best = cost[i - 1][j - 1] + (same ? 0 : 1);
          from = counts[i - 1][j - 1];
          edit = same ? -1 : 0;
        }
        if (i > 0 && cost[i - 1][j] + 1 < best) {
          best = cost[i - 1][j] + 1;
          from = counts[i - 1][j];
          edit = 1;
        }
        if (j > 0 && cost[i][j - 1] + 1 < best) {
          best = cost[i][j - 1] + 1;
          from = counts[i][j - 1];
          edit = 2;
        }
        cost[i][j] = best;
        int[] c = Arrays.copyOf(from, 3);
        if (edit >= 0) {
          c[edit]++;
        }
        counts[i][j] = c;
      }
    }
    int[] c = counts[n][m];
    return new ErrorRate(c[0], c[1], c[2], n);
  }
}
