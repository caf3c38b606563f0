package org.siteconnect.gateway.topic;

/**
 * The wildcard filters of a {@link SubscriptionIndex}, as a trie with one node per filter level. Literal children
 * sit in a {@link StringMap} keyed by level and are looked up, never scanned; the {@code +} and {@code #} children have
 * their own fields. Matching a topic costs O(levels × wildcard branches that exist), independent of how many
 * filters are stored. Nodes that hold nothing are pruned on removal. Not thread-safe.
 */
final class FilterTrie<S> {

  private final Node<S> root = new Node<>();

  /** True if no filter is stored (the root has no children). */
  boolean isEmpty() {
    return root.isEmpty();
  }

  /** The entry for {@code filter}, created with its path if absent. */
  FilterEntry<S> getOrCreate(TopicFilter filter) {
    Node<S> node = root;
    for (int i = 0; i < filter.depth(); i++) {
      node = node.childOrCreate(filter.level(i));
    }
    if (node.entry == null) {
      node.entry = new FilterEntry<>();
    }
    return node.entry;
  }

  /** The entry for {@code filter}, or null. */
  FilterEntry<S> find(TopicFilter filter) {
    Node<S> node = root;
    for (int i = 0; i < filter.depth() && node != null; i++) {
      node = node.child(filter.level(i));
    }
    return node == null ? null : node.entry;
  }

  /** Drops the entry of {@code filter} if it is empty, then every node on its path left holding nothing. */
  void pruneIfEmpty(TopicFilter filter) {
    int depth = filter.depth();
    @SuppressWarnings("unchecked")
    Node<S>[] path = (Node<S>[]) new Node<?>[depth + 1];
    path[0] = root;
    for (int i = 0; i < depth; i++) {
      path[i + 1] = path[i].child(filter.level(i));
      if (path[i + 1] == null) {
        return;
      }
    }
    Node<S> last = path[depth];
    if (last.entry != null && last.entry.isUnused()) {
      last.entry = null;
    }
    for (int i = depth; i > 0 && path[i].isEmpty(); i--) {
      path[i - 1].removeChild(filter.level(i - 1));
    }
  }

  /** Appends the entry of every stored filter that matches {@code topic} to {@code out}. */
  void collect(TopicName topic, MatchedEntries<S> out) {
    collect(root, topic, 0, topic.isReserved(), out);
  }

  private static <S> void collect(Node<S> node, TopicName topic, int level, boolean reservedTopic,
      MatchedEntries<S> out) {
    // MQTT-4.7.2-1: a filter starting with a wildcard never matches a '$' (or, here, '~') topic
    boolean wildcardsAllowed = level > 0 || !reservedTopic;
    if (node.hash != null && wildcardsAllowed) {
      out.add(node.hash.entry); // '#' matches the parent and every sub-level
    }
    if (level == topic.depth()) {
      if (node.entry != null) {
        out.add(node.entry);
      }
      return;
    }
    if (node.literals != null) {
      Node<S> literal = node.literals.get(topic.level(level));
      if (literal != null) {
        collect(literal, topic, level + 1, reservedTopic, out);
      }
    }
    if (node.plus != null && wildcardsAllowed) {
      collect(node.plus, topic, level + 1, reservedTopic, out);
    }
  }

  private static final class Node<S> {
    StringMap<Node<S>> literals;
    Node<S> plus;
    Node<S> hash;
    FilterEntry<S> entry;

    boolean isEmpty() {
      return entry == null && plus == null && hash == null && literals == null;
    }

    Node<S> child(String level) {
      if (level.equals(TopicSyntax.SINGLE_LEVEL)) {
        return plus;
      }
      if (level.equals(TopicSyntax.MULTI_LEVEL)) {
        return hash;
      }
      return literals == null ? null : literals.get(level);
    }

    Node<S> childOrCreate(String level) {
      if (level.equals(TopicSyntax.SINGLE_LEVEL)) {
        return plus == null ? plus = new Node<>() : plus;
      }
      if (level.equals(TopicSyntax.MULTI_LEVEL)) {
        return hash == null ? hash = new Node<>() : hash;
      }
      if (literals == null) {
        literals = new StringMap<>();
      }
      Node<S> child = literals.get(level);
      if (child == null) {
        child = new Node<>();
        literals.put(level, child);
      }
      return child;
    }

    void removeChild(String level) {
      if (level.equals(TopicSyntax.SINGLE_LEVEL)) {
        plus = null;
      } else if (level.equals(TopicSyntax.MULTI_LEVEL)) {
        hash = null;
      } else if (literals != null) {
        literals.remove(level);
        if (literals.isEmpty()) {
          literals = null;
        }
      }
    }
  }
}
