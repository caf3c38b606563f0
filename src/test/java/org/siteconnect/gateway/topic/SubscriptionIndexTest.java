package org.siteconnect.gateway.topic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.siteconnect.gateway.topic.TopicSyntaxTest.assertRule;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Subscribe, unsubscribe and fan-out through {@link SubscriptionIndex} (DESIGN §3.3). */
class SubscriptionIndexTest {

  private final SubscriptionIndex<String> index = new SubscriptionIndex<>();

  @Test
  @DisplayName("an exact subscription receives its topic and nothing else")
  void exact() {
    assertTrue(index.subscribe("chat/room1", "alice"));
    assertEquals(List.of("alice"), recipients("chat/room1"));
    assertEquals(List.of(), recipients("chat/room2"));
    assertEquals(List.of(), recipients("chat"));
    assertEquals(1, index.exactCount());
    assertEquals(0, index.wildcardCount());
  }

  @Test
  @DisplayName("subscribing twice to the same filter is a no-op that returns false")
  void idempotent() {
    assertTrue(index.subscribe("a/b", "alice"));
    assertFalse(index.subscribe("a/b", "alice"));
    assertFalse(index.subscribe(TopicFilter.parse("a/b"), "alice"));
    assertTrue(index.subscribe("a/+", "alice"));
    assertFalse(index.subscribe("a/+", "alice"));
    assertEquals(1, index.exactCount());
    assertEquals(1, index.wildcardCount());
    assertEquals(1, index.subscriberCount());
    assertEquals(List.of("alice"), recipients("a/b"));
  }

  @Test
  @DisplayName("wildcard subscriptions receive every topic they match")
  void wildcard() {
    index.subscribe("chat/+/in", "plus");
    index.subscribe("chat/#", "hash");
    index.subscribe("#", "everything");
    assertEquals(Set.of("plus", "hash", "everything"), Set.copyOf(recipients("chat/room1/in")));
    assertEquals(Set.of("hash", "everything"), Set.copyOf(recipients("chat")));
    assertEquals(Set.of("everything"), Set.copyOf(recipients("other")));
    assertEquals(List.of(), recipients("$SYS/load"));
    assertEquals(3, index.wildcardCount());
  }

  @Test
  @DisplayName("a subscriber with several matching filters gets each message exactly once")
  void dedupe() {
    for (String filter : List.of("a/b", "a/+", "a/#", "#", "+/b")) {
      index.subscribe(filter, "alice");
    }
    index.subscribe("a/+", "bob");
    index.subscribe("a/b", "carol");
    List<String> got = recipients("a/b");
    assertEquals(3, got.size(), got.toString());
    assertEquals(Set.of("alice", "bob", "carol"), Set.copyOf(got));
  }

  @Test
  @DisplayName("dedupe also holds when more than eight filters match one topic")
  void dedupeManyLists() {
    List<String> filters = List.of(
        "#",
        "a/#",
        "a/b/#",
        "a/b/c/#",
        "a/b/c/d/#",
        "a/b/c/d",
        "+/b/c/d",
        "a/+/c/d",
        "a/b/+/d",
        "a/b/c/+",
        "+/+/c/d",
        "+/+/+/+");
    for (int i = 0; i < filters.size(); i++) {
      index.subscribe(filters.get(i), "alice");
      index.subscribe(filters.get(i), "sub" + i);
    }
    List<String> got = recipients("a/b/c/d");
    assertEquals(filters.size() + 1, got.size(), got.toString());
    assertEquals(filters.size() + 1, Set.copyOf(got).size());
  }

  @Test
  @DisplayName(
      "each shared group gives a message to one member, round robin: 3 members, 9 messages, 3 each")
  void sharedRoundRobin() {
    for (String member : List.of("m1", "m2", "m3")) {
      assertTrue(index.subscribe("$share/workers/jobs/+", member));
    }
    index.subscribe("jobs/#", "auditor");
    Map<String, Integer> received = new HashMap<>();
    for (int i = 0; i < 9; i++) {
      index.match(TopicName.parse("jobs/" + i), s -> received.merge(s, 1, Integer::sum));
    }
    assertEquals(Map.of("m1", 3, "m2", 3, "m3", 3, "auditor", 9), received);
    assertEquals(3, index.sharedCount());
    assertEquals(1, index.wildcardCount());
  }

  @Test
  @DisplayName("two groups on the same filter each deliver once; an exact shared filter works too")
  void sharedGroups() {
    index.subscribe("$share/a/orders", "a1");
    index.subscribe("$share/a/orders", "a2");
    index.subscribe("$share/b/orders", "b1");
    List<String> got = recipients("orders");
    assertEquals(2, got.size(), got.toString());
    assertTrue(got.contains("b1"));
    assertTrue(got.contains("a1") ^ got.contains("a2"));
    assertEquals(3, index.sharedCount());
    assertEquals(0, index.exactCount());
  }

  @Test
  @DisplayName(
      "shared subscriptions can be made from a SharedFilter or a '$share/' TopicFilter, and removed")
  void sharedForms() {
    assertTrue(index.subscribeShared(SharedFilter.parse("$share/g/x/#"), "m1"));
    assertFalse(index.subscribe(TopicFilter.parse("$share/g/x/#"), "m1"));
    assertFalse(index.subscribe("$share/g/x/#", "m1"));
    assertEquals(1, index.sharedCount());
    assertFalse(index.unsubscribe("x/#", "m1"));
    assertTrue(index.unsubscribe("$share/g/x/#", "m1"));
    assertEquals(List.of(), recipients("x/y"));
    assertTrue(index.isEmpty());
  }

  @Test
  @DisplayName(
      "unsubscribe removes one subscription, returns false if absent and rejects invalid filters")
  void unsubscribe() {
    index.subscribe("a/+", "alice");
    index.subscribe("a/b", "alice");
    assertTrue(index.unsubscribe("a/+", "alice"));
    assertFalse(index.unsubscribe("a/+", "alice"));
    assertFalse(index.unsubscribe("a/b", "bob"));
    assertFalse(index.unsubscribe("never/subscribed", "alice"));
    assertEquals(List.of("alice"), recipients("a/b"));
    assertEquals(List.of(), recipients("a/c"));
    assertRule("hash-not-last", () -> index.unsubscribe("a/#/b", "alice"));
    assertRule("bad-share", () -> index.unsubscribe("$share/g", "alice"));
    assertRule("wildcard-not-whole-level", () -> index.subscribe("a+", "alice"));
    assertEquals(1, index.exactCount());
    assertEquals(0, index.wildcardCount());
  }

  @Test
  @DisplayName("unsubscribeAll removes every subscription of one subscriber and returns how many")
  void unsubscribeAll() {
    index.subscribe("a/b", "alice");
    index.subscribe("a/#", "alice");
    index.subscribe("$share/g/a/b", "alice");
    index.subscribe("a/b", "bob");
    assertEquals(3, index.unsubscribeAll("alice"));
    assertEquals(0, index.unsubscribeAll("alice"));
    assertEquals(List.of("bob"), recipients("a/b"));
    assertEquals(1, index.exactCount());
    assertEquals(0, index.wildcardCount());
    assertEquals(0, index.sharedCount());
    assertEquals(1, index.subscriberCount());
    assertEquals(1, index.unsubscribeAll("bob"));
    assertTrue(index.isEmpty());
  }

  @Test
  @DisplayName(
      "a filter starting with a wildcard never matches '$' or '~' topics; a '$' filter does")
  void reservedTopics() {
    index.subscribe("#", "hash");
    index.subscribe("+/x", "plus");
    index.subscribe("$SYS/#", "sys");
    index.subscribe("~pagesession/+", "session");
    assertEquals(List.of("sys"), recipients("$SYS/x"));
    assertEquals(List.of(), recipients("~/x"));
    assertEquals(List.of("session"), recipients("~pagesession/x"));
    assertEquals(Set.of("hash", "plus"), Set.copyOf(recipients("a/x")));
  }

  @Test
  @DisplayName("one publish fans out to 10,000 subscribers of one exact topic, each once")
  void fanOut() {
    List<String> subscribers =
        IntStream.range(0, 10_000).mapToObj(i -> "page-" + i).toList();
    subscribers.forEach(s -> index.subscribe("site/42/broadcast", s));
    List<String> got = recipients("site/42/broadcast");
    assertEquals(10_000, got.size());
    assertEquals(Set.copyOf(subscribers), Set.copyOf(got));

    for (int i = 0; i < 10_000; i += 2) {
      assertTrue(index.unsubscribe("site/42/broadcast", "page-" + i));
    }
    got = recipients("site/42/broadcast");
    assertEquals(5_000, got.size());
    assertTrue(got.stream().allMatch(s -> Integer.parseInt(s.substring(5)) % 2 == 1));
    assertEquals(5_000, index.exactCount());
    assertEquals(5_000, index.subscriberCount());
  }

  @Test
  @DisplayName(
      "after 10,000 random subscribes and their unsubscribes nothing is left: counts 0, trie pruned")
  void noLeakAfterChurn() {
    Random random = new Random(42);
    List<String[]> subscriptions = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      String filter = randomFilter(random);
      if (random.nextInt(10) == 0) {
        filter = "$share/g" + random.nextInt(3) + "/" + filter;
      }
      String subscriber = "s" + random.nextInt(500);
      if (index.subscribe(filter, subscriber)) {
        subscriptions.add(new String[] {filter, subscriber});
      }
    }
    assertTrue(index.exactCount() > 0 && index.wildcardCount() > 0 && index.sharedCount() > 0);
    assertEquals(
        subscriptions.size(), index.exactCount() + index.wildcardCount() + index.sharedCount());
    java.util.Collections.shuffle(subscriptions, random);
    for (String[] subscription : subscriptions) {
      assertTrue(index.unsubscribe(subscription[0], subscription[1]), subscription[0]);
    }
    assertCountsZeroAndPruned();
  }

  @Test
  @DisplayName("unsubscribeAll after churn leaves nothing either")
  void noLeakAfterUnsubscribeAll() {
    Random random = new Random(7);
    for (int i = 0; i < 10_000; i++) {
      index.subscribe(randomFilter(random), "s" + random.nextInt(100));
    }
    int removed = 0;
    for (int s = 0; s < 100; s++) {
      removed += index.unsubscribeAll("s" + s);
    }
    assertTrue(removed > 0);
    assertCountsZeroAndPruned();
  }

  @Test
  @DisplayName("a sink may match again, but must not change subscriptions during match")
  void changesDuringMatch() {
    index.subscribe("a", "alice");
    index.subscribe("b", "bob");
    List<String> nested = new ArrayList<>();
    index.match(TopicName.parse("a"), s -> index.match(TopicName.parse("b"), nested::add));
    assertEquals(List.of("bob"), nested);
    assertThrows(
        IllegalStateException.class,
        () -> index.match(TopicName.parse("a"), s -> index.unsubscribe("a", s)));
    assertEquals(List.of("alice"), recipients("a"), "the failed change left the index intact");
  }

  @Test
  @DisplayName("string filters are parsed with the index's limits")
  void limits() {
    SubscriptionIndex<String> small = new SubscriptionIndex<>(new TopicLimits(8, 2));
    assertTrue(small.subscribe("a/b", "alice"));
    assertRule("too-deep", () -> small.subscribe("a/b/c", "alice"));
    assertRule("too-long", () -> small.subscribe("abcdefghi", "alice"));
  }

  private void assertCountsZeroAndPruned() {
    assertEquals(0, index.exactCount());
    assertEquals(0, index.wildcardCount());
    assertEquals(0, index.sharedCount());
    assertEquals(0, index.subscriberCount());
    assertTrue(index.isEmpty(), "no map entries or trie nodes left");
  }

  private List<String> recipients(String topic) {
    return index.match(TopicName.parse(topic));
  }

  static String randomFilter(Random random) {
    int depth = 1 + random.nextInt(5);
    String[] levels = {"a", "b", "c", "", "+", "$s", "~p"};
    String filter = IntStream.range(0, depth)
        .mapToObj(i -> levels[random.nextInt(levels.length)])
        .collect(Collectors.joining("/"));
    if (random.nextInt(5) == 0) {
      filter = filter + "/#";
    }
    return filter.isEmpty() ? "#" : filter;
  }

  @Test
  @DisplayName(
      "equal filters subscribed by several subscribers are kept as one object (canonical), exact and wildcard,"
          + " until the last of them goes")
  void canonicalFilters() {
    for (String text : List.of("site/a/b", "site/+/b", "site/#")) {
      TopicFilter first = TopicFilter.parse(text);
      TopicFilter second = TopicFilter.parse(text);
      assertSame(second, index.canonical(second), "nothing stored yet: the filter itself");
      assertTrue(index.subscribe(first, "p1"));
      assertSame(first, index.canonical(second));
      assertTrue(index.subscribe(index.canonical(second), "p2"));
      assertTrue(
          index.subscribe(second, "p3")); // a caller that did not ask canonical() still works
      assertTrue(index.unsubscribe(text, "p1"));
      assertSame(first, index.canonical(TopicFilter.parse(text)), "p2 and p3 still hold it");
      assertEquals(Set.of("p2", "p3"), Set.copyOf(index.match(TopicName.parse("site/a/b"))));
      assertTrue(index.unsubscribe(text, "p2"));
      assertTrue(index.unsubscribe(text, "p3"));
      TopicFilter third = TopicFilter.parse(text);
      assertSame(third, index.canonical(third), "gone with its last subscriber");
      assertTrue(index.isEmpty());
    }
  }

  @Test
  @DisplayName(
      "a subscriber with more subscriptions than fit its small array (a peer node's thousands) keeps every one,"
          + " and loses each exactly once")
  void manySubscriptionsOfOneSubscriber() {
    int n = 3 * SubscriptionIndex.ARRAY_MAX + 1;
    for (int i = 0; i < n; i++) {
      assertTrue(index.subscribe("t/" + i, "node"));
      assertTrue(index.subscribe("w/" + i + "/+", "node"));
      assertFalse(index.subscribe("t/" + i, "node"), "a repeat is still refused");
    }
    index.subscribe("$share/g/t/0", "node");
    assertEquals(2 * n, index.exactCount() + index.wildcardCount());
    for (int i = 0; i < n; i += 2) {
      assertTrue(index.unsubscribe("t/" + i, "node"));
      assertFalse(index.unsubscribe("t/" + i, "node"));
    }
    for (int i = 1; i < n; i++) {
      List<String> expected = i % 2 == 0 ? List.of() : List.of("node");
      assertEquals(expected, index.match(TopicName.parse("t/" + i)), "t/" + i);
      assertEquals(List.of("node"), index.match(TopicName.parse("w/" + i + "/x")));
    }
    assertEquals(List.of("node"), index.match(TopicName.parse("t/0")), "the shared one stayed");
    assertEquals(n / 2 + n + 1, index.unsubscribeAll("node"));
    assertTrue(index.isEmpty());
  }

  @Test
  @DisplayName(
      "a small subscriber: removing from the front, middle and end of its array keeps the others")
  void smallSubscriberRemovals() {
    for (String f : List.of("a", "b", "c", "d", "e")) {
      index.subscribe(f, "page");
    }
    index.subscribe("$share/g/c", "page");
    assertTrue(index.unsubscribe("c", "page"));
    assertTrue(index.unsubscribe("a", "page"));
    assertTrue(index.unsubscribe("e", "page"));
    assertFalse(index.unsubscribe("e", "page"));
    for (String f : List.of("b", "c", "d")) {
      assertEquals(List.of("page"), index.match(TopicName.parse(f)), f);
    }
    assertEquals(List.of(), index.match(TopicName.parse("a")));
    assertEquals(3, index.unsubscribeAll("page"));
    assertTrue(index.isEmpty());
  }
}
