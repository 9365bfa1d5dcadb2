package com.ervc;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The documentation holds together: every relative link in the README and the pages under docs/ names a file that
 * exists and, with {@code #anchor}, a heading of that page; the README stays a short entry point that sends readers
 * to docs/ instead of becoming the manual again.
 */
class DocsLinksTest {
  private static final int README_MAX_LINES = 200;
  private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
  private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s+(.+?)\\s*$", Pattern.MULTILINE);
  private static final Pattern FENCED = Pattern.compile("```.*?```", Pattern.DOTALL);

  @Test
  void everyRelativeLinkReachesAFileAndHeading() {
    List<String> broken = new ArrayList<>();
    Map<Path, Set<String>> anchors = new TreeMap<>();
    for (Path page : pages()) {
      Matcher link = LINK.matcher(read(page));
      while (link.find()) {
        String target = link.group(1);
        if (target.matches("^[a-z]+:.*")) {
          continue;
        }
        int hash = target.indexOf('#');
        String file = hash < 0 ? target : target.substring(0, hash);
        Path folder = page.getParent() == null ? Path.of("") : page.getParent();
        Path resolved = file.isEmpty() ? page : folder.resolve(file).normalize();
        if (!Files.exists(resolved)) {
          broken.add(page + ": " + target + " (no such file)");
        } else if (hash >= 0 && resolved.toString().endsWith(".md")
            && !anchors.computeIfAbsent(resolved, DocsLinksTest::headingAnchors).contains(target.substring(hash + 1))) {
          broken.add(page + ": " + target + " (no such heading)");
        }
      }
    }
    assertEquals(List.of(), broken);
  }

  @Test
  void theReadmeStaysShort() {
    long lines = read(Path.of("README.md")).lines().count();
    assertTrue(lines <= README_MAX_LINES, "README.md has " + lines + " lines; manuals belong in docs/");
  }

  @Test
  void anchorsFollowGitHubsRule() {
    assertEquals(Set.of("the-two-commands", "cloud-providers-azure-openai", "whats-new"),
        headingAnchors("# The two commands\n## Cloud providers (Azure, OpenAI)\n```\n# not a heading\n```\n### What's new"));
  }

  /** GitHub's anchors: lower case, punctuation other than '-' and '_' dropped, spaces made '-'; code blocks skipped. */
  private static Set<String> headingAnchors(Path page) {
    return headingAnchors(read(page));
  }

  private static Set<String> headingAnchors(String markdown) {
    Matcher heading = HEADING.matcher(FENCED.matcher(markdown).replaceAll(""));
    return heading.results()
        .map(m -> m.group(1).toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}_\\- ]", "").replace(' ', '-'))
        .collect(Collectors.toSet());
  }

  private static List<Path> pages() {
    try (Stream<Path> docs = Files.walk(Path.of("docs"))) {
      List<Path> pages = new ArrayList<>(docs.filter(p -> p.toString().endsWith(".md")).sorted().toList());
      pages.add(Path.of("README.md"));
      return pages;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String read(Path page) {
    try {
      return Files.readString(page);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
