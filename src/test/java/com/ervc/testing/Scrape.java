package com.ervc.testing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A parsed Prometheus text exposition: samples by name and labels. */
public final class Scrape {
  private record Sample(String name, Map<String, String> labels, double value) {
  }

  private static final Pattern LINE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})?\\s+(\\S+)");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

  private final List<Sample> samples = new ArrayList<>();
  private final String text;

  public Scrape(String text) {
    this.text = text;
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      Matcher m = LINE.matcher(line.trim());
      if (!m.matches()) {
        throw new IllegalArgumentException("not a sample line: " + line);
      }
      Map<String, String> labels = new LinkedHashMap<>();
      if (m.group(3) != null) {
        Matcher l = LABEL.matcher(m.group(3));
        while (l.find()) {
          labels.put(l.group(1), l.group(2));
        }
      }
      samples.add(new Sample(m.group(1), labels, Double.parseDouble(m.group(4))));
    }
  }

  public String text() {
    return text;
  }

  /** Sum of the samples named {@code name} whose labels include all of {@code labels} (k1, v1, k2, v2, ...). */
  public double sum(String name, String... labels) {
    return samples.stream().filter(s -> s.name.equals(name) && matches(s.labels, labels))
        .mapToDouble(Sample::value).sum();
  }

  /** How many samples named {@code name} carry all of {@code labels}. */
  public long count(String name, String... labels) {
    return samples.stream().filter(s -> s.name.equals(name) && matches(s.labels, labels)).count();
  }

  public boolean has(String name, String... labels) {
    return samples.stream().anyMatch(s -> s.name.equals(name) && matches(s.labels, labels));
  }

  public boolean hasFamily(String prefix) {
    return samples.stream().anyMatch(s -> s.name.startsWith(prefix));
  }

  private static boolean matches(Map<String, String> actual, String[] wanted) {
    for (int i = 0; i + 1 < wanted.length; i += 2) {
      if (!wanted[i + 1].equals(actual.get(wanted[i]))) {
        return false;
      }
    }
    return true;
  }
}
