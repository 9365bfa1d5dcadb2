package com.ervc.eval;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChartsTest {
  private static final Pattern RECT = Pattern.compile("<rect x=\"([0-9.]+)\" y=\"[0-9]+\" width=\"([0-9.]+)\"[^>]*"
      + "fill=\"(#[0-9a-f]+)\"");

  /** Bars are as long as their values, from one zero line; negative ones go left; a missing value has no bar. */
  @Test
  void barsAreProportionalFromZero() {
    String svg = Charts.bars("Shift <test>", "st", "%+.1f", List.of(new Charts.Bar("happy", 2, false),
        new Charts.Bar("sad", -1, true), new Charts.Bar("calm", Double.NaN, false)));
    assertTrue(svg.startsWith("<svg class=\"chart\"") && svg.endsWith("</svg>"), svg);
    assertTrue(svg.contains("Shift &lt;test&gt; (st)"), "escaped title");
    Matcher m = RECT.matcher(svg);
    assertTrue(m.find());
    double happyX = Double.parseDouble(m.group(1));
    double happyWidth = Double.parseDouble(m.group(2));
    assertEquals("#69c", m.group(3));
    assertTrue(m.find());
    double sadX = Double.parseDouble(m.group(1));
    double sadWidth = Double.parseDouble(m.group(2));
    assertEquals("#d66", m.group(3), "flagged");
    assertEquals(2 * sadWidth, happyWidth, 0.2);
    assertEquals(happyX, sadX + sadWidth, 0.2, "both start at the zero line");
    assertTrue(!m.find(), "no bar for NaN");
    assertTrue(svg.contains(">+2.0<") && svg.contains(">-1.0<") && svg.contains(">–<"));
  }

  @Test
  void stripsShowEveryValueAndTheMedianAndP95() {
    String svg = Charts.strips("TTFA", "ms", List.of(new Charts.Strip("cell", new double[] {100, 50, 200, 400})));
    assertEquals(4, svg.split("<circle").length - 1);
    assertTrue(svg.contains(">100 / 400<"), svg);
  }
}
