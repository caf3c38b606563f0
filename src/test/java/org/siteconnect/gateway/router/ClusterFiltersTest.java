package org.siteconnect.gateway.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.siteconnect.gateway.topic.TopicLimits;
import org.siteconnect.gateway.topic.TopicName;

/** The page filters a node announces ({@link LocalFilters}) and keeps of the others ({@link PeerFilters}). */
class ClusterFiltersTest {
  private static final TopicLimits LIMITS = new TopicLimits(256, 8);

  private static Set<String> matching(PeerFilters peers, String topic) {
    Set<String> nodes = new TreeSet<>();
    List<String> all = new ArrayList<>();
    peers.match(TopicName.parse(topic, LIMITS), n -> {
      nodes.add(n);
      all.add(n);
    });
    assertEquals(nodes.size(), all.size(), "each node once: " + all);
    return nodes;
  }

  @Test
  @DisplayName(
      "a filter is announced once while any page uses it, and withdrawn when the last one leaves")
  void countedSet() {
    LocalFilters local = new LocalFilters();
    assertTrue(local.change("public/a", true), "the first change of a turn schedules a delta");
    assertFalse(local.change("public/a", true));
    assertFalse(local.change("public/+", true));
    LocalFilters.Delta first = local.drain();
    assertEquals(1, first.seq());
    assertEquals(Set.of("public/a", "public/+"), Set.copyOf(first.added()));
    assertTrue(local.isAnnounced("public/a"));
    assertTrue(local.change("public/a", false), "one of two pages left");
    assertNull(local.drain(), "still used: nothing to tell");
    local.change("public/a", false);
    local.change("public/b", true);
    local.change("public/b", false);
    LocalFilters.Delta second = local.drain();
    assertEquals(2, second.seq());
    assertEquals(List.of("public/a"), second.removed());
    assertEquals(List.of(), second.added(), "added and removed in one turn: never announced");
    assertEquals(List.of("public/+"), local.announced());
    assertFalse(local.change("public/never", false), "an unknown filter changes nothing");
  }

  @Test
  @DisplayName(
      "a publish matches the nodes whose pages' filters match it, each once; a node leaving is dropped")
  void matchingNodes() {
    PeerFilters peers = new PeerFilters(LIMITS, 100);
    peers.full("B", "member-b", 0, List.of("public/news/#", "public/news/today"));
    peers.full("C", "member-c", 0, List.of("pagesession/s1/chat/+"));
    assertEquals(Set.of("B"), matching(peers, "public/news/today"));
    assertEquals(Set.of("C"), matching(peers, "pagesession/s1/chat/x"));
    assertEquals(Set.of(), matching(peers, "public/weather"));
    assertEquals("C", peers.nodeOfMember("member-c"));
    peers.remove("C");
    assertEquals(Set.of(), matching(peers, "pagesession/s1/chat/x"));
    assertFalse(peers.knows("C"));
  }

  @Test
  @DisplayName(
      "deltas apply in order; a missed one or an unknown node asks for the full set; a stale one is ignored")
  void deltasAndResync() {
    PeerFilters peers = new PeerFilters(LIMITS, 100);
    assertFalse(peers.delta("B", 1, List.of("public/a"), List.of()), "unknown node: resync");
    peers.full("B", "m", 3, List.of("public/a"));
    assertTrue(peers.delta("B", 2, List.of("public/old"), List.of()), "older than the full set");
    assertEquals(Set.of(), matching(peers, "public/old"));
    assertTrue(peers.delta("B", 4, List.of("public/b"), List.of("public/a")));
    assertEquals(Set.of("B"), matching(peers, "public/b"));
    assertEquals(Set.of(), matching(peers, "public/a"));
    assertFalse(peers.delta("B", 6, List.of("public/c"), List.of()), "5 was missed");
    assertEquals(Set.of("B"), matching(peers, "public/c"), "applied all the same");
    peers.full("B", "m", 6, List.of("public/d"));
    assertEquals(Set.of(), matching(peers, "public/b"), "the full set replaces");
    assertEquals(Set.of("B"), matching(peers, "public/d"));
  }

  @Test
  @DisplayName("another node's set is bounded, and invalid filters are refused")
  void bounded() {
    PeerFilters peers = new PeerFilters(LIMITS, 50);
    List<String> burst = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      burst.add("pagesession/s" + i + "/x");
    }
    burst.add("public/#/bad");
    burst.add("a/b/c/d/e/f/g/h/i");
    assertEquals(452, peers.full("B", "m", 0, burst));
    assertEquals(50, peers.filterCount("B"));
    peers.delta("B", 1, burst, List.of());
    assertEquals(50, peers.filterCount("B"), "deltas are bounded too");
    peers.delta("B", 2, List.of(), List.of("pagesession/s0/x"));
    peers.delta("B", 3, List.of("public/new"), List.of());
    assertEquals(Set.of("B"), matching(peers, "public/new"), "room again once one went");
  }
}
