package org.siteconnect.gateway.router;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.siteconnect.gateway.topic.InvalidTopicException;
import org.siteconnect.gateway.topic.SubscriptionIndex;
import org.siteconnect.gateway.topic.TopicFilter;
import org.siteconnect.gateway.topic.TopicLimits;
import org.siteconnect.gateway.topic.TopicName;

/**
 * What the pages of every other node subscribe to (DESIGN §9): one set of filters per node, kept from a full
 * copy and then numbered deltas, matched against a publish made here so it is forwarded only to the nodes that
 * have a page for it. Each node's set is bounded (its sessions times the subscriptions one session may hold):
 * a node cannot be made to hold an unbounded set by another's clients.
 * Not thread-safe: owned by the router's event loop.
 */
final class PeerFilters {

  /** One other node: its Hazelcast member id (to notice it leave), its filters, the last delta applied. */
  private static final class Peer {
    final String member;
    final Set<String> filters = new HashSet<>();
    long seq;

    Peer(String member) {
      this.member = member;
    }
  }

  private final SubscriptionIndex<String> index;
  private final TopicLimits limits;
  private final int maxFiltersPerNode;
  private final Map<String, Peer> peers = new HashMap<>();

  PeerFilters(TopicLimits limits, int maxFiltersPerNode) {
    this.index = new SubscriptionIndex<>(limits);
    this.limits = limits;
    this.maxFiltersPerNode = maxFiltersPerNode;
  }

  boolean knows(String node) {
    return peers.containsKey(node);
  }

  Set<String> nodes() {
    return peers.keySet();
  }

  /** The node whose Hazelcast member id this is, or null. */
  String nodeOfMember(String member) {
    for (Map.Entry<String, Peer> e : peers.entrySet()) {
      if (e.getValue().member.equals(member)) {
        return e.getKey();
      }
    }
    return null;
  }

  /**
   * A node's whole set as of its delta {@code seq} (it joined, or it answers a resync): replaces what was known.
   *
   * @return how many filters were refused (invalid, or past the node's bound)
   */
  int full(String node, String member, long seq, Collection<String> filters) {
    remove(node);
    Peer peer = new Peer(member);
    peer.seq = seq;
    peers.put(node, peer);
    int refused = 0;
    for (String filter : filters) {
      refused += add(node, peer, filter) ? 0 : 1;
    }
    return refused;
  }

  /**
   * A delta from a known node. Applied even after a gap (adds and removes are idempotent); the answer says
   * whether a full copy must be asked for: the node is unknown, or a delta was missed.
   *
   * @return false when the caller must ask {@code node} for its full set
   */
  boolean delta(String node, long seq, Collection<String> added, Collection<String> removed) {
    Peer peer = peers.get(node);
    if (peer == null) {
      return false;
    }
    if (seq <= peer.seq) {
      return true; // already in the full copy that overtook it
    }
    boolean inOrder = seq == peer.seq + 1;
    peer.seq = seq;
    for (String filter : removed) {
      if (peer.filters.remove(filter)) {
        index.unsubscribe(filter, node);
      }
    }
    for (String filter : added) {
      add(node, peer, filter);
    }
    return inOrder;
  }

  private boolean add(String node, Peer peer, String filter) {
    if (peer.filters.contains(filter)) {
      return true;
    }
    if (peer.filters.size() >= maxFiltersPerNode) {
      return false;
    }
    try {
      index.subscribe(TopicFilter.parse(filter, limits), node);
    } catch (InvalidTopicException e) {
      return false;
    }
    peer.filters.add(filter);
    return true;
  }

  /** The node left the cluster: nothing is forwarded to it any more. */
  void remove(String node) {
    if (peers.remove(node) != null) {
      index.unsubscribeAll(node);
    }
  }

  /** Each node with a page whose filter matches {@code topic}, once. */
  void match(TopicName topic, Consumer<String> node) {
    index.match(topic, node);
  }

  int filterCount(String node) {
    Peer peer = peers.get(node);
    return peer == null ? 0 : peer.filters.size();
  }
}
