package org.siteconnect.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packages form a layered graph: no package may depend, directly or through others, on a package that
 * depends on it. Read from the sources (imports, static imports and fully qualified names), so a cycle fails
 * here with the packages and the files that close it, not in a review months later.
 */
class PackageCyclesTest {
  private static final String ROOT = "org.siteconnect.gateway";
  /** A reference into the project: a sub-package chain followed by a type (or '*' for a wildcard import). */
  private static final Pattern REFERENCE =
      Pattern.compile("\\borg\\.siteconnect\\.gateway((?:\\.[a-z]\\w*)*)\\.(?:[A-Z]|\\*)");

  private static final Pattern PACKAGE =
      Pattern.compile("^\\s*package\\s+([\\w.]+)\\s*;", Pattern.MULTILINE);

  @Test
  void mainSourcesHaveNoPackageCycle() {
    Graph graph = Graph.of(Path.of("src/main/java"));
    assertTrue(graph.edges.size() > 5, "the scan found the packages: " + graph.edges.keySet());
    List<String> cycles = graph.cycles();
    assertTrue(cycles.isEmpty(), "package cycles:\n" + String.join("\n", cycles));
  }

  @Test
  void detectsACycleThroughAFullyQualifiedName(@TempDir Path dir) throws IOException {
    write(
        dir,
        "a/A.java",
        "package org.siteconnect.gateway.a;\nimport org.siteconnect.gateway.b.B;\nclass A {}\n");
    write(
        dir,
        "b/B.java",
        "package org.siteconnect.gateway.b;\n"
            + "class B { Object c = new org.siteconnect.gateway.c.C(); String s = \"org.siteconnect.gateway.x.X\"; }\n");
    write(
        dir,
        "c/C.java",
        "package org.siteconnect.gateway.c;\n/* org.siteconnect.gateway.d.D */\n"
            + "import static org.siteconnect.gateway.a.A.helper;\nclass C {}\n");
    write(
        dir,
        "d/D.java",
        "package org.siteconnect.gateway.d;\nimport org.siteconnect.gateway.a.*;\nclass D {}\n");

    List<String> cycles = Graph.of(dir).cycles();
    assertEquals(1, cycles.size(), cycles::toString);
    // d imports a, but nothing reaches d: the comment in C and the string in B are not references
    assertEquals(
        "a -> b (A.java) -> c (B.java) -> a (C.java)   [all packages in this cycle: [a, b, c]]",
        cycles.get(0));
  }

  private static void write(Path dir, String file, String text) throws IOException {
    Path path = dir.resolve("org/siteconnect/gateway").resolve(file);
    Files.createDirectories(path.getParent());
    Files.writeString(path, text);
  }

  /** Package -> packages it references, with one file per edge to say where the edge comes from. */
  private static final class Graph {
    final Map<String, Map<String, String>> edges = new TreeMap<>();

    static Graph of(Path sourceRoot) {
      Graph graph = new Graph();
      try (Stream<Path> files = Files.walk(sourceRoot)) {
        files.filter(f -> f.toString().endsWith(".java")).sorted().forEach(graph::add);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return graph;
    }

    private void add(Path file) {
      String code;
      try {
        code = codeOnly(Files.readString(file));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      Matcher declared = PACKAGE.matcher(code);
      if (!declared.find()) {
        return;
      }
      String from = shortName(declared.group(1));
      Map<String, String> targets = edges.computeIfAbsent(from, k -> new TreeMap<>());
      Matcher ref = REFERENCE.matcher(code);
      while (ref.find()) {
        String to = shortName(ROOT + ref.group(1));
        if (!to.equals(from)) {
          targets.putIfAbsent(to, file.getFileName().toString());
        }
      }
    }

    private static String shortName(String pkg) {
      return pkg.equals(ROOT)
          ? "(root)"
          : pkg.startsWith(ROOT + ".") ? pkg.substring(ROOT.length() + 1) : pkg;
    }

    /** One line per strongly connected component of more than one package, naming a cycle inside it. */
    List<String> cycles() {
      List<String> found = new ArrayList<>();
      for (Set<String> component : components()) {
        if (component.size() > 1) {
          found.add(describeCycle(component));
        }
      }
      return found;
    }

    /** Tarjan's strongly connected components. */
    private List<Set<String>> components() {
      Map<String, Integer> index = new TreeMap<>();
      Map<String, Integer> low = new TreeMap<>();
      Deque<String> stack = new ArrayDeque<>();
      Set<String> onStack = new TreeSet<>();
      List<Set<String>> result = new ArrayList<>();
      for (String start : nodes()) {
        if (!index.containsKey(start)) {
          strongConnect(start, index, low, stack, onStack, result);
        }
      }
      return result;
    }

    private void strongConnect(
        String v,
        Map<String, Integer> index,
        Map<String, Integer> low,
        Deque<String> stack,
        Set<String> onStack,
        List<Set<String>> result) {
      index.put(v, index.size());
      low.put(v, index.get(v));
      stack.push(v);
      onStack.add(v);
      for (String w : edges.getOrDefault(v, Map.of()).keySet()) {
        if (!index.containsKey(w)) {
          strongConnect(w, index, low, stack, onStack, result);
          low.put(v, Math.min(low.get(v), low.get(w)));
        } else if (onStack.contains(w)) {
          low.put(v, Math.min(low.get(v), index.get(w)));
        }
      }
      if (low.get(v).equals(index.get(v))) {
        Set<String> component = new TreeSet<>();
        String w;
        do {
          w = stack.pop();
          onStack.remove(w);
          component.add(w);
        } while (!w.equals(v));
        result.add(component);
      }
    }

    private Set<String> nodes() {
      Set<String> nodes = new TreeSet<>(edges.keySet());
      edges.values().forEach(targets -> nodes.addAll(targets.keySet()));
      return nodes;
    }

    /** A shortest path back to the component's first package: "a -> b (A.java) -> a (B.java)", each edge with a file making it. */
    private String describeCycle(Set<String> component) {
      String start = component.iterator().next();
      Map<String, String> parent = new TreeMap<>();
      Deque<String> queue = new ArrayDeque<>(List.of(start));
      String last = null;
      while (!queue.isEmpty() && last == null) {
        String v = queue.poll();
        for (String w : edges.getOrDefault(v, Map.of()).keySet()) {
          if (w.equals(start)) {
            last = v;
            break;
          }
          if (component.contains(w) && !parent.containsKey(w)) {
            parent.put(w, v);
            queue.add(w);
          }
        }
      }
      List<String> path = new ArrayList<>();
      for (String v = last; v != null && !v.equals(start); v = parent.get(v)) {
        path.add(0, v);
      }
      path.add(0, start);
      path.add(start);
      StringBuilder text = new StringBuilder(start);
      for (int i = 1; i < path.size(); i++) {
        text.append(" -> ")
            .append(path.get(i))
            .append(" (")
            .append(edges.get(path.get(i - 1)).get(path.get(i)))
            .append(')');
      }
      return text.append("   [all packages in this cycle: ")
          .append(component)
          .append(']')
          .toString();
    }
  }

  /** The source with comments removed and string, text-block and char literals emptied. */
  static String codeOnly(String source) {
    StringBuilder out = new StringBuilder(source.length());
    int i = 0;
    int n = source.length();
    while (i < n) {
      char c = source.charAt(i);
      if (source.startsWith("//", i)) {
        while (i < n && source.charAt(i) != '\n') {
          i++;
        }
      } else if (source.startsWith("/*", i)) {
        int end = source.indexOf("*/", i + 2);
        i = end < 0 ? n : end + 2;
        out.append(' ');
      } else if (source.startsWith("\"\"\"", i)) {
        int end = source.indexOf("\"\"\"", i + 3);
        while (end > 0 && source.charAt(end - 1) == '\\') {
          end = source.indexOf("\"\"\"", end + 1);
        }
        i = end < 0 ? n : end + 3;
        out.append("\"\"");
      } else if (c == '"' || c == '\'') {
        i++;
        while (i < n && source.charAt(i) != c) {
          i += source.charAt(i) == '\\' ? 2 : 1;
        }
        i++;
        out.append(c).append(c);
      } else {
        out.append(c);
        i++;
      }
    }
    return out.toString();
  }
}
