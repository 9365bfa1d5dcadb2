package com.ervc.eval;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The report's charts as inline SVG written here (inside HTML, so without a namespace declaration), so that
 * report.html stays one self-contained file with no script and nothing fetched (no charting library or CDN). Two
 * kinds: horizontal bars from a zero line (negative values, such as loudness or a downward shift, extend to the
 * left) and a dot strip per row for distributions.
 */
final class Charts {
  /** One row: a label and its value (NaN: no bar, shown as "–"); {@code flagged} draws it in the warning colour. */
  record Bar(String label, double value, boolean flagged) {
  }

  /** One row of a strip chart: every value as a dot, with the median and 95th percentile marked. */
  record Strip(String label, double[] values) {
  }

  private static final int LABEL = 330;
  private static final int PLOT = 380;
  private static final int ROW = 18;
  private static final int TOP = 22;
  private static final int VALUE = 70;

  private Charts() {
  }

  static String bars(String title, String unit, String format, List<Bar> rows) {
    double low = Math.min(0, rows.stream().mapToDouble(Bar::value).filter(Double::isFinite).min().orElse(0));
    double high = Math.max(0, rows.stream().mapToDouble(Bar::value).filter(Double::isFinite).max().orElse(0));
    if (high == low) {
      high = low + 1;
    }
    StringBuilder s = open(title, unit, rows.size());
    double zero = x(0, low, high);
    for (int i = 0; i < rows.size(); i++) {
      Bar bar = rows.get(i);
      int y = TOP + i * ROW;
      label(s, bar.label(), y);
      if (Double.isFinite(bar.value())) {
        double end = x(bar.value(), low, high);
        s.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>",
            Math.min(zero, end), y + 3, Math.max(1, Math.abs(end - zero)), ROW - 6,
            bar.flagged() ? "#d66" : "#69c"));
      }
      text(s, LABEL + PLOT + 6, y + ROW - 5, "start",
          Double.isFinite(bar.value()) ? String.format(Locale.ROOT, format, bar.value()) : "–");
    }
    s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#333\"/>", zero,
        TOP, zero, TOP + rows.size() * ROW));
    axis(s, low, high, rows.size());
    return s.append("</svg>").toString();
  }

  static String strips(String title, String unit, List<Strip> rows) {
    double high = rows.stream().flatMapToDouble(r -> Arrays.stream(r.values())).filter(Double::isFinite).max()
        .orElse(1);
    double low = 0;
    StringBuilder s = open(title, unit, rows.size());
    for (int i = 0; i < rows.size(); i++) {
      Strip row = rows.get(i);
      int y = TOP + i * ROW;
      label(s, row.label(), y);
      double[] sorted = Arrays.stream(row.values()).filter(Double::isFinite).sorted().toArray();
      for (double v : sorted) {
        s.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%d\" r=\"2.5\" fill=\"#69c\" "
            + "fill-opacity=\"0.6\"/>", x(v, low, high), y + ROW / 2));
      }
      double p50 = CellSummary.percentile(sorted, 50);
      double p95 = CellSummary.percentile(sorted, 95);
      if (Double.isFinite(p50)) {
        for (double p : new double[] {p50, p95}) {
          s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\" "
              + "stroke-width=\"2\"/>", x(p, low, high), y + 2, x(p, low, high), y + ROW - 2,
              p == p50 ? "#333" : "#d66"));
        }
        text(s, LABEL + PLOT + 6, y + ROW - 5, "start", String.format(Locale.ROOT, "%.0f / %.0f", p50, p95));
      }
    }
    axis(s, low, high, rows.size());
    return s.append("</svg>").toString();
  }

  private static StringBuilder open(String title, String unit, int rows) {
    int width = LABEL + PLOT + VALUE + 20;
    int height = TOP + rows * ROW + 24;
    StringBuilder s = new StringBuilder();
    s.append(String.format(Locale.ROOT, "<svg class=\"chart\" width=\"%d\" "
        + "height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"%s\" font-family=\"sans-serif\" "
        + "font-size=\"11\">", width, height, width, height, Report.esc(title)));
    text(s, 0, 14, "start", title + " (" + unit + ")");
    return s;
  }

  private static void label(StringBuilder s, String label, int y) {
    String shown = label.length() > 52 ? label.substring(0, 51) + "…" : label;
    text(s, LABEL - 6, y + ROW - 5, "end", shown);
  }

  private static void axis(StringBuilder s, double low, double high, int rows) {
    int y = TOP + rows * ROW;
    s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#999\"/>", LABEL, y,
        LABEL + PLOT, y));
    text(s, LABEL, y + 14, "start", number(low));
    text(s, LABEL + PLOT, y + 14, "end", number(high));
  }

  private static String number(double v) {
    return Math.abs(v) >= 100 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.3g", v);
  }

  private static void text(StringBuilder s, double x, double y, String anchor, String text) {
    s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\">%s</text>", x, y, anchor,
        Report.esc(text)));
  }

  private static double x(double v, double low, double high) {
    return LABEL + (v - low) / (high - low) * PLOT;
  }
}
