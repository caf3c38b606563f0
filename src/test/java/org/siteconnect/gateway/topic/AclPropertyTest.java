package org.siteconnect.gateway.topic;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.AfterFailureMode;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/** {@link Acl#contains} is sound: a contained filter never reaches a topic its pattern does not. */
class AclPropertyTest {

  /** Every topic of the generators' alphabet up to four levels, so "every topic" is checked, not sampled. */
  private static final List<String> ALL_NAMES = TopicGenerators.allNames();

  @Provide
  Arbitrary<String> filters() {
    return TopicGenerators.filters();
  }

  @Label("if P contains F, every topic F matches is matched by P (random pairs)")
  @Property(tries = 2000, afterFailure = AfterFailureMode.RANDOM_SEED)
  void containmentIsSound(@ForAll("filters") String pattern, @ForAll("filters") String filter) {
    boolean contains = Acl.contains(TopicFilter.parse(pattern), TopicFilter.parse(filter));
    Statistics.label("contains").collect(contains);
    if (contains) {
      assertCovers(pattern, filter);
    }
  }

  @Label("a pattern contains its own specialisations, and they are sound")
  @Property(tries = 1000, afterFailure = AfterFailureMode.RANDOM_SEED)
  void containsSpecialisations(@ForAll("filters") String pattern, @ForAll long seed) {
    String filter = specialise(pattern, new Random(seed));
    assertTrue(
        Acl.contains(TopicFilter.parse(pattern), TopicFilter.parse(filter)),
        pattern + " ⊇ " + filter);
    assertCovers(pattern, filter);
  }

  private static void assertCovers(String pattern, String filter) {
    for (String topic : ALL_NAMES) {
      if (ReferenceMatcher.matches(filter, topic)) {
        assertTrue(
            ReferenceMatcher.matches(pattern, topic),
            pattern + " contains " + filter + " but misses " + topic);
      }
    }
  }

  /** Narrows a pattern: '+' to itself or an ordinary literal; a last '#' to itself, '+/#', a literal or nothing. */
  private static String specialise(String pattern, Random random) {
    String[] levels = pattern.split("/", -1);
    List<String> out = new ArrayList<>();
    for (int i = 0; i < levels.length; i++) {
      String level = levels[i];
      if (level.equals("+")) {
        out.add(List.of("+", "a", "").get(random.nextInt(3)));
      } else if (level.equals("#")) {
        switch (random.nextInt(4)) {
          case 0 -> out.add("#");
          case 1 -> {
            out.add("+");
            out.add("#");
          }
          case 2 -> out.add("b");
          default -> {
            if (i == 0) {
              out.add("a"); // a filter cannot be empty
            }
          }
        }
      } else {
        out.add(level);
      }
    }
    String filter = String.join("/", out);
    return filter.isEmpty() ? pattern : filter; // "/#" minus its '#' would be the empty string
  }
}
