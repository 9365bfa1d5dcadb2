package com.ervc.eval;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The regression gate: compares each cell of a run with the same cell of a baseline run and lists every gated
 * measure that got worse by more than its tolerance. A tolerance is absolute ({@code wer=0.05}: five points of
 * WER) or relative ({@code ttfaP95Ms=20%}); for loudness and duration, lower is worse. A baseline cell missing
 * from the run is a regression too; new cells are not compared.
 */
public final class Gate {
  /** How much worse a measure may get. */
  public record Tolerance(double amount, boolean relative) {
    static Tolerance parse(String text) {
      String t = text.strip();
      boolean relative = t.endsWith("%");
      try {
        double amount = Double.parseDouble(relative ? t.substring(0, t.length() - 1) : t);
        if (amount < 0 || !Double.isFinite(amount)) {
          throw new IllegalArgumentException("a tolerance must be a finite number >= 0: " + text);
        }
        return new Tolerance(relative ? amount / 100 : amount, relative);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("a tolerance is a number or a percentage, e.g. 0.05 or 20%: " + text);
      }
    }

    @Override
    public String toString() {
      return relative ? fmt(amount * 100) + "%" : fmt(amount);
    }
  }

  /** The defaults: any new failure, click or repeat; 5 points of WER or CER; TTFA p95 +20 %; ... */
  public static final Map<String, Tolerance> DEFAULTS = defaults();

  private final Map<String, Tolerance> tolerances;

  public Gate(Map<String, Tolerance> tolerances) {
    tolerances.keySet().forEach(k -> {
      if (!CellSummary.GATED.containsKey(k)) {
        throw new IllegalArgumentException("unknown measure '" + k + "'; the gate knows " + CellSummary.GATED.keySet());
      }
    });
    this.tolerances = Collections.unmodifiableMap(new LinkedHashMap<>(tolerances));
  }

  /** DEFAULTS with the given {@code measure=tolerance} overrides applied. */
  public static Gate withOverrides(List<String> overrides) {
    Map<String, Tolerance> t = new LinkedHashMap<>(DEFAULTS);
    for (String o : overrides) {
      int eq = o.indexOf('=');
      if (eq < 1) {
        throw new IllegalArgumentException("a threshold is measure=tolerance, e.g. wer=0.05 or ttfaP95Ms=20%: " + o);
      }
      t.put(o.substring(0, eq).strip(), Tolerance.parse(o.substring(eq + 1)));
    }
    return new Gate(t);
  }

  /** Every regression of {@code run} against {@code baseline}, one readable line each; empty when it passes. */
  public List<String> regressions(Map<String, CellSummary> baseline, Map<String, CellSummary> run) {
    List<String> found = new ArrayList<>();
    baseline.forEach((key, before) -> {
      CellSummary after = run.get(key);
      if (after == null) {
        found.add(key + ": missing from the run");
        return;
      }
      tolerances.forEach((measure, tolerance) -> {
        double was = before.measure(measure);
        double is = after.measure(measure);
        if (!Double.isFinite(was)) {
          return;
        }
        boolean higherIsWorse = CellSummary.GATED.get(measure);
        double slack = tolerance.relative() ? Math.abs(was) * tolerance.amount() : tolerance.amount();
        double limit = higherIsWorse ? was + slack : was - slack;
        boolean worse = !Double.isFinite(is) || (higherIsWorse ? is > limit : is < limit);
        if (worse) {
          found.add(String.format(Locale.ROOT, "%s: %s %s -> %s (tolerance %s)", key, measure, fmt(was),
              Double.isFinite(is) ? fmt(is) : "none", tolerance));
        }
      });
    });
    return found;
  }

  private static Map<String, Tolerance> defaults() {
    Map<String, Tolerance> d = new LinkedHashMap<>();
    d.put("failed", new Tolerance(0, false));
    d.put("wer", new Tolerance(0.05, false));
    d.put("cer", new Tolerance(0.05, false));
    d.put("ttfaP95Ms", new Tolerance(0.2, true));
    d.put("clippedRatio", new Tolerance(0.001, false));
    d.put("longestSilenceSec", new Tolerance(0.5, false));
    d.put("clicks", new Tolerance(0, false));
    d.put("joinClicks", new Tolerance(0, false));
    d.put("repeatedWindows", new Tolerance(0, false));
    d.put("loudnessLufs", new Tolerance(3, false));
    d.put("durationSec", new Tolerance(0.2, true));
    d.put("speedErrorPercent", new Tolerance(5, false));
    d.put("pitchErrorPercent", new Tolerance(10, false));
    return d;
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, "%.4g", v);
  }
}
