package org.siteconnect.gateway.topic;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The last retained message of each topic (MQTT 3.1.1 §3.3.1.3; DESIGN §3.2), with caps on the number of messages
 * and their total size. Topics are kept in a trie with one node per level, so finding the retained messages for a
 * new subscription walks only the branches its filter can match instead of scanning every retained topic.
 *
 * <p><b>Not thread-safe</b>: use from one thread (a Vert.x event loop); a {@link #match} sink must not modify the
 * store.
 *
 * @param <P> the payload, e.g. an already-encoded buffer
 */
public final class RetainedStore<P> {

  /** What {@link #put} did. */
  public enum Result {
    /** The payload is now the topic's retained message. */
    STORED,
    /** The topic has no retained message any more (a zero-byte payload, MQTT-3.3.1-10). */
    CLEARED,
    /** Nothing changed: storing would exceed the message cap. */
    REJECTED_COUNT,
    /** Nothing changed: storing would exceed the byte cap. */
    REJECTED_BYTES
  }

  private final int maxMessages;
  private final long maxBytes;
  private final Node<P> root = new Node<>();
  private int count;
  private long bytes;

  /**
   * @param maxMessages the most retained messages held at once
   * @param maxBytes    the most payload bytes held at once (as reported by {@code sizeBytes} in {@link #put})
   */
  public RetainedStore(int maxMessages, long maxBytes) {
    if (maxMessages < 0 || maxBytes < 0) {
      throw new IllegalArgumentException(
          "retained caps must not be negative: " + maxMessages + ", " + maxBytes);
    }
    this.maxMessages = maxMessages;
    this.maxBytes = maxBytes;
  }

  /**
   * Stores {@code payload} as the retained message of {@code topic}, replacing the previous one, or clears it if
   * {@code sizeBytes} is 0. A rejected put changes nothing (the previous message stays).
   *
   * @param sizeBytes the payload's encoded size; 0 clears the topic (MQTT-3.3.1-10, MQTT-3.3.1-11)
   */
  public Result put(TopicName topic, P payload, int sizeBytes) {
    if (sizeBytes < 0) {
      throw new IllegalArgumentException("sizeBytes must not be negative: " + sizeBytes);
    }
    if (sizeBytes == 0) {
      clear(topic); // MQTT-3.3.1-10: remove; MQTT-3.3.1-11: a zero-byte message is never stored
      return Result.CLEARED;
    }
    Objects.requireNonNull(payload, "payload");
    Node<P> existing = find(topic);
    boolean replaces = existing != null && existing.topic != null;
    long newCount = count + (replaces ? 0 : 1);
    long newBytes = bytes + sizeBytes - (replaces ? existing.sizeBytes : 0);
    if (newCount > maxMessages) {
      return Result.REJECTED_COUNT;
    }
    if (newBytes > maxBytes) {
      return Result.REJECTED_BYTES;
    }
    Node<P> node = existing != null ? existing : findOrCreate(topic);
    node.topic = topic;
    node.payload = payload;
    node.sizeBytes = sizeBytes;
    count = (int) newCount;
    bytes = newBytes;
    return Result.STORED;
  }

  /** The retained payload of {@code topic}, if any. */
  public Optional<P> get(TopicName topic) {
    Node<P> node = find(topic);
    return node == null || node.topic == null ? Optional.empty() : Optional.of(node.payload);
  }

  /**
   * Hands every retained message whose topic {@code filter} matches to {@code sink}. A filter whose first level
   * is a wildcard skips topics whose first level starts with {@code $} or {@code ~} (MQTT-4.7.2-1, extended).
   */
  public void match(TopicFilter filter, BiConsumer<TopicName, P> sink) {
    match(root, filter, 0, sink);
  }

  /** Every retained message, reserved topics included (a snapshot for a joining cluster node). */
  public void forEach(BiConsumer<TopicName, P> sink) {
    root.emitSubtree(sink);
  }

  /** The number of retained messages. */
  public int count() {
    return count;
  }

  /** The total {@code sizeBytes} of the retained messages. */
  public long bytes() {
    return bytes;
  }

  /** True if no trie node is left below the root. For tests. */
  boolean isEmpty() {
    return root.isEmpty();
  }

  private static <P> void match(
      Node<P> node, TopicFilter filter, int level, BiConsumer<TopicName, P> sink) {
    if (level == filter.depth()) {
      node.emit(sink);
      return;
    }
    String pattern = filter.level(level);
    boolean skipReserved = level == 0; // MQTT-4.7.2-1 applies to the first level only
    if (pattern.equals(TopicSyntax.MULTI_LEVEL)) {
      node.emit(sink); // '#' matches the parent level too
      node.forEachChild(skipReserved, child -> child.emitSubtree(sink));
    } else if (pattern.equals(TopicSyntax.SINGLE_LEVEL)) {
      node.forEachChild(skipReserved, child -> match(child, filter, level + 1, sink));
    } else if (node.children != null) {
      Node<P> child = node.children.get(pattern);
      if (child != null) {
        match(child, filter, level + 1, sink);
      }
    }
  }

  private Node<P> find(TopicName topic) {
    Node<P> node = root;
    for (int i = 0; i < topic.depth() && node != null; i++) {
      node = node.children == null ? null : node.children.get(topic.level(i));
    }
    return node;
  }

  private Node<P> findOrCreate(TopicName topic) {
    Node<P> node = root;
    for (int i = 0; i < topic.depth(); i++) {
      if (node.children == null) {
        node.children = new HashMap<>(4);
      }
      node = node.children.computeIfAbsent(topic.level(i), level -> new Node<>());
    }
    return node;
  }

  /** Removes the topic's message and prunes the nodes left empty. */
  private void clear(TopicName topic) {
    int depth = topic.depth();
    @SuppressWarnings("unchecked")
    Node<P>[] path = (Node<P>[]) new Node<?>[depth + 1];
    path[0] = root;
    for (int i = 0; i < depth; i++) {
      Map<String, Node<P>> children = path[i].children;
      path[i + 1] = children == null ? null : children.get(topic.level(i));
      if (path[i + 1] == null) {
        return;
      }
    }
    Node<P> node = path[depth];
    if (node.topic == null) {
      return;
    }
    count--;
    bytes -= node.sizeBytes;
    node.topic = null;
    node.payload = null;
    node.sizeBytes = 0;
    for (int i = depth; i > 0 && path[i].isEmpty(); i--) {
      path[i - 1].children.remove(topic.level(i - 1));
      if (path[i - 1].children.isEmpty()) {
        path[i - 1].children = null;
      }
    }
  }

  /** One topic level; holds a message if {@code topic} is set. */
  private static final class Node<P> {
    HashMap<String, Node<P>> children;
    TopicName topic;
    P payload;
    int sizeBytes;

    boolean isEmpty() {
      return topic == null && children == null;
    }

    void emit(BiConsumer<TopicName, P> sink) {
      if (topic != null) {
        sink.accept(topic, payload);
      }
    }

    void emitSubtree(BiConsumer<TopicName, P> sink) {
      emit(sink);
      forEachChild(false, child -> child.emitSubtree(sink));
    }

    void forEachChild(boolean skipReserved, Consumer<Node<P>> action) {
      if (children == null) {
        return;
      }
      for (Map.Entry<String, Node<P>> child : children.entrySet()) {
        if (!(skipReserved && TopicSyntax.isReservedFirstLevel(child.getKey()))) {
          action.accept(child.getValue());
        }
      }
    }
  }
}
