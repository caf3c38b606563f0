package org.siteconnect.gateway.topic;

/**
 * The wildcard filters of a {@link SubscriptionIndex}, as a trie with one node per filter level. Each node is a
 * {@link StringMap} of its literal children, so a level is looked up by hash, never scanned; the {@code +} child
 * has its own field, and a filter ending in {@code #} is stored in its parent node's {@code hashEntry} (a {@code #}
 * is always last, so it needs no node of its own). Matching a topic costs O(levels × wildcard branches that
 * exist), independent of how many filters are stored. Nodes left holding nothing are pruned. Not thread-safe.
 */
final class FilterTrie<S> {

  private final Node<S> root = new Node<>();

  /** True if no filter is stored (the root has no children). */
  boolean isEmpty() {
    return root.holdsNothing();
  }

  /** The entry for {@code filter}, created with its path if absent. */
  FilterEntry<S> getOrCreate(TopicFilter filter) {
    Node<S> node = root;
    for (int i = 0; i < pathLength(filter); i++) {
      node = node.childOrCreate(filter.level(i));
    }
    if (endsWithHash(filter)) {
      return node.hashEntry == null ? node.hashEntry = new FilterEntry<>() : node.hashEntry;
    }
    return node.entry == null ? node.entry = new FilterEntry<>() : node.entry;
  }

  /** The entry for {@code filter}, or null. */
  FilterEntry<S> find(TopicFilter filter) {
    Node<S> node = root;
    for (int i = 0; i < pathLength(filter) && node != null; i++) {
      node = node.child(filter.level(i));
    }
    if (node == null) {
      return null;
    }
    return endsWithHash(filter) ? node.hashEntry : node.entry;
  }

  /** Drops the entry of {@code filter} if it is unused, then every node on its path left holding nothing. */
  void pruneIfUnused(TopicFilter filter) {
    int length = pathLength(filter);
    @SuppressWarnings("unchecked")
    Node<S>[] path = (Node<S>[]) new Node<?>[length + 1];
    path[0] = root;
    for (int i = 0; i < length; i++) {
      path[i + 1] = path[i].child(filter.level(i));
      if (path[i + 1] == null) {
        return;
      }
    }
    Node<S> last = path[length];
    if (endsWithHash(filter)) {
      if (last.hashEntry != null && last.hashEntry.isUnused()) {
        last.hashEntry = null;
      }
    } else if (last.entry != null && last.entry.isUnused()) {
      last.entry = null;
    }
    for (int i = length; i > 0 && path[i].holdsNothing(); i--) {
      path[i - 1].removeChild(filter.level(i - 1));
    }
  }

  /** Appends the entry of every stored filter that matches {@code topic} to {@code out}. */
  void collect(TopicName topic, MatchedEntries<S> out) {
    collect(root, topic, 0, topic.isReserved(), out);
  }

  private static <S> void collect(
      Node<S> node, TopicName topic, int level, boolean reservedTopic, MatchedEntries<S> out) {
    // MQTT-4.7.2-1: a filter starting with a wildcard never matches a '$' (or, here, '~') topic
    boolean wildcardsAllowed = level > 0 || !reservedTopic;
    if (node.hashEntry != null && wildcardsAllowed) {
      out.add(node.hashEntry); // '#' matches the parent level and every sub-level
    }
    if (level == topic.depth()) {
      if (node.entry != null) {
        out.add(node.entry);
      }
      return;
    }
    Node<S> literal = node.get(topic.level(level));
    if (literal != null) {
      collect(literal, topic, level + 1, reservedTopic, out);
    }
    if (node.plus != null && wildcardsAllowed) {
      collect(node.plus, topic, level + 1, reservedTopic, out);
    }
  }

  private static boolean endsWithHash(TopicFilter filter) {
    return filter.level(filter.depth() - 1).equals(TopicSyntax.MULTI_LEVEL);
  }

  /** The number of nodes below the root on the filter's path: a last {@code #} has none of its own. */
  private static int pathLength(TopicFilter filter) {
    return endsWithHash(filter) ? filter.depth() - 1 : filter.depth();
  }

  /** One filter level: the map of its literal children, plus the '+' child and the entries ending here. */
  private static final class Node<S> extends StringMap<Node<S>> {
    Node<S> plus;
    /** Filters whose last level is this node. */
    FilterEntry<S> entry;
    /** Filters whose last level is a '#' below this node. */
    FilterEntry<S> hashEntry;

    boolean holdsNothing() {
      return entry == null && hashEntry == null && plus == null && isEmpty();
    }

    Node<S> child(String level) {
      return level.equals(TopicSyntax.SINGLE_LEVEL) ? plus : get(level);
    }

    Node<S> childOrCreate(String level) {
      if (level.equals(TopicSyntax.SINGLE_LEVEL)) {
        return plus == null ? plus = new Node<>() : plus;
      }
      Node<S> child = get(level);
      if (child == null) {
        child = new Node<>();
        put(level, child);
      }
      return child;
    }

    void removeChild(String level) {
      if (level.equals(TopicSyntax.SINGLE_LEVEL)) {
        plus = null;
      } else {
        remove(level);
      }
    }
  }
}
