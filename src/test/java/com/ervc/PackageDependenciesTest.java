package com.ervc;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The package graph of src/main/java has no cycles (every sub-package is a node of its own) and only the
 * composition root {@code com.ervc.node} may depend on {@code com.ervc.node}. Dependencies are read from the
 * sources: imports (static ones too) and fully qualified names in code.
 */
class PackageDependenciesTest {
  private static final Path MAIN = Path.of("src/main/java");
  private static final String ROOT = "com.ervc.node";
  private static final Pattern PACKAGE = Pattern.compile("^package\\s+([\\w.]+)\\s*;", Pattern.MULTILINE);
  /** A reference to a class of the project: its package is everything before the first capitalised part. */
  private static final Pattern REFERENCE = Pattern.compile("\\b(com\\.ervc(?:\\.[a-z_][a-z0-9_]*)*)\\.[A-Z]");
  private static final Pattern COMMENTS_AND_STRINGS = Pattern.compile("//[^\\n]*|/\\*.*?\\*/|\"(?:\\\\.|[^\"\\\\])*\"",
      Pattern.DOTALL);

  @Test
  void thePackageGraphHasNoCycle() {
    Map<String, Set<String>> graph = packageGraph();
    assertTrue(graph.size() > 10, "the scan found the packages: " + graph.keySet());
    List<Set<String>> cycles = cycles(graph);
    assertTrue(cycles.isEmpty(), "package cycles (each set depends on itself through its members): " + cycles
        + "\ngraph: " + graph);
  }

  @Test
  void onlyTheCompositionRootDependsOnIt() {
    Map<String, Set<String>> graph = packageGraph();
    assertTrue(graph.containsKey(ROOT));
    List<String> offenders = graph.entrySet().stream()
        .filter(e -> !e.getKey().equals(ROOT) && e.getValue().contains(ROOT)).map(Map.Entry::getKey).toList();
    assertEquals(List.of(), offenders, "packages that import the composition root " + ROOT);
  }

  @Test
  void theCycleSearchFindsCyclesThroughSubPackages() {
    Map<String, Set<String>> graph = new TreeMap<>();
    graph.put("a", Set.of("a.b"));
    graph.put("a.b", Set.of("c"));
    graph.put("c", Set.of("a"));
    graph.put("d", Set.of("a"));
    assertEquals(List.of(Set.of("a", "a.b", "c")), cycles(graph));
    graph.put("c", Set.of());
    assertTrue(cycles(graph).isEmpty());
  }

  @Test
  void referencesInCommentsAndStringsDoNotCount() {
    Set<String> found = references("""
        package com.ervc.x;
        import com.ervc.y.Thing;
        import static com.ervc.z.Other.VALUE;
        // see com.ervc.w.Ignored
        class A { String s = "com.ervc.v.Ignored"; com.ervc.u.Used u; }
        """);
    assertEquals(Set.of("com.ervc.y", "com.ervc.z", "com.ervc.u"), found);
    assertFalse(found.contains("com.ervc.w"));
  }

  /** Package → the other project packages its classes use. */
  private static Map<String, Set<String>> packageGraph() {
    Map<String, Set<String>> graph = new TreeMap<>();
    try (Stream<Path> files = Files.walk(MAIN)) {
      files.filter(f -> f.toString().endsWith(".java")).forEach(file -> {
        String source = read(file);
        Matcher pkg = PACKAGE.matcher(source);
        assertTrue(pkg.find(), file + " has no package declaration");
        Set<String> uses = graph.computeIfAbsent(pkg.group(1), p -> new TreeSet<>());
        references(source).stream().filter(used -> !used.equals(pkg.group(1))).forEach(uses::add);
      });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return graph;
  }

  private static Set<String> references(String source) {
    Set<String> found = new TreeSet<>();
    Matcher m = REFERENCE.matcher(COMMENTS_AND_STRINGS.matcher(source).replaceAll(" "));
    while (m.find()) {
      found.add(m.group(1));
    }
    Matcher own = PACKAGE.matcher(source);
    if (own.find()) {
      found.remove(own.group(1));
    }
    return found;
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Strongly connected components with more than one package, or a package that uses itself (Tarjan). */
  static List<Set<String>> cycles(Map<String, Set<String>> graph) {
    Map<String, Integer> index = new HashMap<>();
    Map<String, Integer> low = new HashMap<>();
    Deque<String> stack = new ArrayDeque<>();
    Set<String> onStack = new TreeSet<>();
    List<Set<String>> found = new ArrayList<>();
    for (String start : new TreeSet<>(graph.keySet())) {
      if (!index.containsKey(start)) {
        connect(start, graph, index, low, stack, onStack, found);
      }
    }
    return found;
  }

  private static void connect(String node, Map<String, Set<String>> graph, Map<String, Integer> index,
      Map<String, Integer> low, Deque<String> stack, Set<String> onStack, List<Set<String>> found) {
    index.put(node, index.size());
    low.put(node, index.get(node));
    stack.push(node);
    onStack.add(node);
    for (String next : graph.getOrDefault(node, Set.of())) {
      if (!index.containsKey(next)) {
        connect(next, graph, index, low, stack, onStack, found);
        low.put(node, Math.min(low.get(node), low.get(next)));
      } else if (onStack.contains(next)) {
        low.put(node, Math.min(low.get(node), index.get(next)));
      }
    }
    if (low.get(node).equals(index.get(node))) {
      Set<String> component = new TreeSet<>();
      String member;
      do {
        member = stack.pop();
        onStack.remove(member);
        component.add(member);
      } while (!member.equals(node));
      if (component.size() > 1 || graph.getOrDefault(node, Set.of()).contains(node)) {
        found.add(component);
      }
    }
  }
}
