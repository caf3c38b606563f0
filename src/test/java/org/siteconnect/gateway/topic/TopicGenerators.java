package org.siteconnect.gateway.topic;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;

/**
 * Random names and filters over a tiny alphabet of levels ({@code a}, {@code b}, empty, {@code $s}, {@code ~p},
 * {@code +}, {@code #}) and at most four levels, so that hits, empty levels and the '$'/'~' rule come up often.
 */
final class TopicGenerators {

  static final List<String> NAME_LEVELS = List.of("a", "b", "", "$s", "~p");
  static final int MAX_DEPTH = 4;

  private TopicGenerators() {}

  static Arbitrary<String> names() {
    return Arbitraries.of(NAME_LEVELS)
        .list()
        .ofMinSize(1)
        .ofMaxSize(MAX_DEPTH)
        .map(levels -> String.join("/", levels))
        .filter(name -> !name.isEmpty());
  }

  static Arbitrary<String> filters() {
    return Arbitraries.of("a", "b", "", "$s", "~p", "+", "#")
        .list()
        .ofMinSize(1)
        .ofMaxSize(MAX_DEPTH)
        .map(TopicGenerators::hashOnlyLast)
        .filter(filter -> !filter.isEmpty());
  }

  /** Every topic name of the alphabet up to {@link #MAX_DEPTH} levels: 5 + 25 + 125 + 625 = 780 names. */
  static List<String> allNames() {
    List<String> names = new ArrayList<>();
    List<String> previous = List.of("");
    for (int depth = 1; depth <= MAX_DEPTH; depth++) {
      List<String> next = new ArrayList<>();
      for (String prefix : previous) {
        for (String level : NAME_LEVELS) {
          next.add(depth == 1 ? level : prefix + "/" + level);
        }
      }
      names.addAll(next);
      previous = next;
    }
    names.removeIf(String::isEmpty);
    return names;
  }

  private static String hashOnlyLast(List<String> levels) {
    List<String> fixed = new ArrayList<>(levels);
    for (int i = 0; i < fixed.size() - 1; i++) {
      if (fixed.get(i).equals("#")) {
        fixed.set(i, "+");
      }
    }
    return fixed.stream().collect(Collectors.joining("/"));
  }
}
