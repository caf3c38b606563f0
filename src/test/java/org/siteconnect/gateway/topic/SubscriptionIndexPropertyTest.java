package org.siteconnect.gateway.topic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.AfterFailureMode;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.statistics.Statistics;

/**
 * {@link SubscriptionIndex}, {@link TopicFilter#matches} and {@link RetainedStore#match} against
 * {@link ReferenceMatcher} on random filters and topics.
 */
class SubscriptionIndexPropertyTest {

  private static final AtomicLong PAIRS_CHECKED = new AtomicLong();

  /** One generated subscription; {@code group} is null for a plain one. */
  record Sub(String filter, String subscriber, String group) {
    String raw() {
      return group == null ? filter : SharedFilter.PREFIX + group + "/" + filter;
    }
  }

  @Provide
  Arbitrary<List<Sub>> subscriptions() {
    Arbitrary<Sub> plain = Combinators.combine(
            TopicGenerators.filters(), Arbitraries.integers().between(0, 5))
        .as((filter, n) -> new Sub(filter, "p" + n, null));
    Arbitrary<Sub> shared = Combinators.combine(
            TopicGenerators.filters(),
            Arbitraries.integers().between(0, 3),
            Arbitraries.of("g0", "g1"))
        .as((filter, n, group) -> new Sub(filter, "m" + n, group));
    return Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(5, plain), net.jqwik.api.Tuple.of(1, shared))
        .list()
        .ofMinSize(1)
        .ofMaxSize(30);
  }

  @Provide
  Arbitrary<List<String>> topics() {
    return TopicGenerators.names().list().ofMinSize(1).ofMaxSize(12);
  }

  @Provide
  Arbitrary<List<String>> filterList() {
    return TopicGenerators.filters().list().ofMinSize(1).ofMaxSize(12);
  }

  @Label(
      "the index delivers to exactly the reference's subscribers, each once, and one member per shared filter")
  @Property(tries = 1000, afterFailure = AfterFailureMode.RANDOM_SEED)
  void indexAgreesWithReference(
      @ForAll("subscriptions") List<Sub> subs, @ForAll("topics") List<String> topics) {
    SubscriptionIndex<String> index = new SubscriptionIndex<>();
    subs.forEach(sub -> index.subscribe(sub.raw(), sub.subscriber()));
    int hits = 0;
    for (String topic : topics) {
      List<String> got = index.match(TopicName.parse(topic));
      Set<String> expectedPlain = new HashSet<>();
      Set<String> matchingSharedFilters = new HashSet<>(); // "group filter"
      Set<String> eligibleMembers = new HashSet<>();
      for (Sub sub : subs) {
        PAIRS_CHECKED.incrementAndGet();
        if (!ReferenceMatcher.matches(sub.filter(), topic)) {
          continue;
        }
        if (sub.group() == null) {
          expectedPlain.add(sub.subscriber());
        } else {
          matchingSharedFilters.add(sub.group() + " " + sub.filter());
          eligibleMembers.add(sub.subscriber());
        }
      }
      List<String> gotPlain = got.stream().filter(s -> s.startsWith("p")).toList();
      List<String> gotShared = got.stream().filter(s -> s.startsWith("m")).toList();
      assertEquals(expectedPlain, new HashSet<>(gotPlain), "plain recipients of " + topic);
      assertEquals(
          gotPlain.size(),
          new HashSet<>(gotPlain).size(),
          "a plain recipient got " + topic + " twice");
      assertEquals(
          matchingSharedFilters.size(),
          gotShared.size(),
          "one member per shared filter for " + topic);
      assertTrue(eligibleMembers.containsAll(gotShared), "shared recipients of " + topic);
      hits += got.isEmpty() ? 0 : 1;
    }
    Statistics.label("topics with at least one recipient").collect(hits > 0);
  }

  @Label("unsubscribing everything, in any order, leaves the index empty and pruned")
  @Property(tries = 300, afterFailure = AfterFailureMode.RANDOM_SEED)
  void churnLeavesNothing(@ForAll("subscriptions") List<Sub> subs) {
    SubscriptionIndex<String> index = new SubscriptionIndex<>();
    subs.forEach(sub -> index.subscribe(sub.raw(), sub.subscriber()));
    List<Sub> reversed = new ArrayList<>(subs);
    java.util.Collections.reverse(reversed);
    reversed.forEach(sub -> index.unsubscribe(sub.raw(), sub.subscriber()));
    assertTrue(index.isEmpty());
    assertEquals(
        0,
        index.exactCount() + index.wildcardCount() + index.sharedCount() + index.subscriberCount());
  }

  @Label("TopicFilter.matches agrees with the reference matcher")
  @Property(tries = 1000, afterFailure = AfterFailureMode.RANDOM_SEED)
  void filterMatchesAgreesWithReference(
      @ForAll("filterList") List<String> filters, @ForAll("topics") List<String> topics) {
    for (String filter : filters) {
      for (String topic : topics) {
        PAIRS_CHECKED.incrementAndGet();
        assertEquals(
            ReferenceMatcher.matches(filter, topic),
            TopicFilter.parse(filter).matches(TopicName.parse(topic)),
            filter + " vs " + topic);
      }
    }
  }

  @Label("RetainedStore.match finds exactly the retained topics the reference matches")
  @Property(tries = 500, afterFailure = AfterFailureMode.RANDOM_SEED)
  void retainedAgreesWithReference(
      @ForAll("topics") List<String> retained, @ForAll("filterList") List<String> filters) {
    RetainedStore<String> store = new RetainedStore<>(100, 10_000);
    retained.forEach(topic -> store.put(TopicName.parse(topic), topic, 1));
    for (String filter : filters) {
      Set<String> expected = new HashSet<>();
      for (String topic : retained) {
        PAIRS_CHECKED.incrementAndGet();
        if (ReferenceMatcher.matches(filter, topic)) {
          expected.add(topic);
        }
      }
      List<String> got = new ArrayList<>();
      store.match(TopicFilter.parse(filter), (name, payload) -> got.add(payload));
      assertEquals(expected, new HashSet<>(got), filter);
      assertEquals(
          got.size(), expected.size(), "a retained message was reported twice for " + filter);
    }
  }

  @AfterContainer
  static void enoughPairs() {
    assertTrue(
        PAIRS_CHECKED.get() >= 10_000,
        "only " + PAIRS_CHECKED.get() + " (filter, topic) pairs checked");
    System.out.println(
        "[topic properties] (filter, topic) pairs checked against the reference: " + PAIRS_CHECKED);
  }
}
