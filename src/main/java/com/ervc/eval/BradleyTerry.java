package com.ervc.eval;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * A rating table from blind pairwise votes: the Bradley–Terry model, P(i beats j) = p_i / (p_i + p_j), fitted by
 * Hunter's MM algorithm (D. R. Hunter, MM algorithms for generalized Bradley–Terry models, Annals of Statistics
 * 32(1), 2004). A tie counts as half a win for each side. Every pair of systems also gets one virtual tie, a weak
 * prior that keeps a system without wins (or without losses) at a finite rating. Ratings are on the Elo scale,
 * 1500 + 400 log10(p_i / geometric mean of p), so 400 points apart means 10:1 odds. The 95 % interval is the rating
 * ± 1.96 standard errors from the observed information (the Hessian of the log-likelihood in log-strengths, whose
 * pseudo-inverse under the sum-zero constraint is the covariance): unlike a percentile bootstrap, it stays wide when
 * a few votes happen to be unanimous.
 */
public final class BradleyTerry {
  /** One vote: {@code winner} is "a", "b" or "tie". */
  public record Vote(String sentence, String a, String b, String winner) {
    public Vote {
      if (!List.of("a", "b", "tie").contains(winner)) {
        throw new IllegalArgumentException("a vote's winner is a, b or tie: " + winner);
      }
      if (a.equals(b)) {
        throw new IllegalArgumentException("a vote compares two different systems: " + a);
      }
    }

    public JsonObject toJson() {
      return new JsonObject().put("sentence", sentence).put("a", a).put("b", b).put("winner", winner);
    }

    public static Vote fromJson(JsonObject j) {
      return new Vote(j.getString("sentence"), j.getString("a"), j.getString("b"), j.getString("winner"));
    }
  }

  /** One system's row of the table. */
  public record Rating(String system, double rating, double low, double high, int wins, int losses, int ties) {
    JsonObject toJson() {
      return new JsonObject().put("system", system).put("rating", rating).put("low", low).put("high", high)
          .put("wins", wins).put("losses", losses).put("ties", ties);
    }
  }

  private static final int ITERATIONS = 2_000;
  private static final double CONVERGED = 1e-9;
  private static final double ELO = 400 / Math.log(10);

  private BradleyTerry() {
  }

  /** The table, best first; empty without votes. */
  public static List<Rating> rank(List<Vote> votes) {
    List<String> systems = new ArrayList<>(new TreeSet<>(votes.stream()
        .flatMap(v -> java.util.stream.Stream.of(v.a(), v.b())).toList()));
    if (systems.isEmpty()) {
      return List.of();
    }
    double[][] wins = wins(systems, votes);
    double[] p = strengths(wins);
    double[] variance = logStrengthVariances(wins, p);
    List<Rating> table = new ArrayList<>();
    for (int s = 0; s < systems.size(); s++) {
      String system = systems.get(s);
      double rating = 1500 + ELO * Math.log(p[s]);
      double half = 1.96 * ELO * Math.sqrt(variance[s]);
      table.add(new Rating(system, rating, rating - half, rating + half,
          (int) votes.stream().filter(v -> won(v, system)).count(),
          (int) votes.stream().filter(v -> won(v, other(v, system))).count(),
          (int) votes.stream().filter(v -> v.winner().equals("tie") && other(v, system) != null).count()));
    }
    table.sort(Comparator.comparingDouble(Rating::rating).reversed());
    return table;
  }

  /** wins[i][j]: how often system i beat j, ties as halves, plus the prior's virtual tie. */
  private static double[][] wins(List<String> systems, List<Vote> votes) {
    int n = systems.size();
    Map<String, Integer> index = new LinkedHashMap<>();
    systems.forEach(s -> index.put(s, index.size()));
    double[][] wins = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        wins[i][j] = i == j ? 0 : 0.5;
      }
    }
    for (Vote v : votes) {
      int a = index.get(v.a());
      int b = index.get(v.b());
      switch (v.winner()) {
        case "a" -> wins[a][b] += 1;
        case "b" -> wins[b][a] += 1;
        default -> {
          wins[a][b] += 0.5;
          wins[b][a] += 0.5;
        }
      }
    }
    return wins;
  }

  /** The MM iteration to the maximum-likelihood strengths, normalised to a geometric mean of 1. */
  private static double[] strengths(double[][] wins) {
    int n = wins.length;
    double[] p = new double[n];
    Arrays.fill(p, 1);
    for (int iteration = 0; iteration < ITERATIONS; iteration++) {
      double[] next = new double[n];
      double change = 0;
      for (int i = 0; i < n; i++) {
        double won = 0;
        double denominator = 0;
        for (int j = 0; j < n; j++) {
          if (i != j) {
            won += wins[i][j];
            denominator += (wins[i][j] + wins[j][i]) / (p[i] + p[j]);
          }
        }
        next[i] = won / denominator;
      }
      double logMean = Arrays.stream(next).map(Math::log).average().orElse(0);
      for (int i = 0; i < n; i++) {
        next[i] /= Math.exp(logMean);
        change = Math.max(change, Math.abs(next[i] - p[i]));
      }
      p = next;
      if (change < CONVERGED) {
        break;
      }
    }
    return p;
  }

  /**
   * The variances of the log-strengths: the diagonal of the pseudo-inverse of the information matrix H
   * (H_ii = sum over j of n_ij q_ij, H_ij = -n_ij q_ij, with n_ij comparisons and q_ij = p_i p_j / (p_i + p_j)^2).
   * H's null space is the all-ones vector (only differences are identified), so H+ = (H + J/n)^-1 - J/n.
   */
  private static double[] logStrengthVariances(double[][] wins, double[] p) {
    int n = p.length;
    double[][] h = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        if (i != j) {
          double q = (wins[i][j] + wins[j][i]) * p[i] * p[j] / ((p[i] + p[j]) * (p[i] + p[j]));
          h[i][j] = -q;
          h[i][i] += q;
        }
      }
    }
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        h[i][j] += 1.0 / n;
      }
    }
    double[][] inverse = invert(h);
    double[] variance = new double[n];
    for (int i = 0; i < n; i++) {
      variance[i] = inverse[i][i] - 1.0 / n;
    }
    return variance;
  }

  /**
   * Gauss-Jordan inversion with partial pivoting, written out: the project has no linear-algebra library, and the
   * matrix is small (one row per system) and positive definite.
   */
  private static double[][] invert(double[][] m) {
    int n = m.length;
    double[][] a = new double[n][2 * n];
    for (int i = 0; i < n; i++) {
      System.arraycopy(m[i], 0, a[i], 0, n);
      a[i][n + i] = 1;
    }
    for (int col = 0; col < n; col++) {
      int pivot = col;
      for (int r = col + 1; r < n; r++) {
        if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) {
          pivot = r;
        }
      }
      double[] swap = a[col];
      a[col] = a[pivot];
      a[pivot] = swap;
      double d = a[col][col];
      for (int c = 0; c < 2 * n; c++) {
        a[col][c] /= d;
      }
      for (int r = 0; r < n; r++) {
        if (r != col && a[r][col] != 0) {
          double f = a[r][col];
          for (int c = 0; c < 2 * n; c++) {
            a[r][c] -= f * a[col][c];
          }
        }
      }
    }
    double[][] inverse = new double[n][n];
    for (int i = 0; i < n; i++) {
      System.arraycopy(a[i], n, inverse[i], 0, n);
    }
    return inverse;
  }

  private static boolean won(Vote v, String system) {
    return system != null && (v.winner().equals("a") && v.a().equals(system)
        || v.winner().equals("b") && v.b().equals(system));
  }

  /** The other side of {@code v} when {@code system} is one of its sides, else null. */
  private static String other(Vote v, String system) {
    return v.a().equals(system) ? v.b() : v.b().equals(system) ? v.a() : null;
  }

  static JsonObject toJson(List<Vote> votes) {
    JsonArray table = new JsonArray();
    rank(votes).forEach(r -> table.add(r.toJson()));
    return new JsonObject().put("votes", votes.size()).put("ratings", table);
  }
}
