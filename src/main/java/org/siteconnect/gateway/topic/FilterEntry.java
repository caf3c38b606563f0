package org.siteconnect.gateway.topic;

import java.util.HashMap;
import java.util.function.Consumer;

/**
 * Everyone subscribed to one filter: plain subscribers (each gets every message) and shared-subscription groups
 * (one member per group gets each message, round robin). The plain subscribers are this list itself, which saves
 * the hot path one object to chase. Not thread-safe.
 */
final class FilterEntry<S> extends SubscriberList<S> {

  private HashMap<String, SharedGroup<S>> groups;

  /**
   * The filter object of the first subscription made here: later subscribers to an equal filter keep this one
   * (and its value string and levels) instead of their own copy ({@link SubscriptionIndex#canonical}, issue 22).
   */
  TopicFilter filter;

  /** True if there are neither plain subscribers nor groups. */
  boolean isUnused() {
    return isEmpty() && groups == null;
  }

  boolean hasGroups() {
    return groups != null;
  }

  boolean addShared(String group, S subscriber) {
    if (groups == null) {
      groups = new HashMap<>(4);
    }
    return groups.computeIfAbsent(group, name -> new SharedGroup<>()).add(subscriber);
  }

  boolean removeShared(String group, S subscriber) {
    SharedGroup<S> members = groups == null ? null : groups.get(group);
    if (members == null || !members.remove(subscriber)) {
      return false;
    }
    if (members.isEmpty()) {
      groups.remove(group);
      if (groups.isEmpty()) {
        groups = null;
      }
    }
    return true;
  }

  /** Gives each group's next member to {@code sink}. */
  void deliverShared(Consumer<? super S> sink) {
    if (groups == null) {
      return;
    }
    for (SharedGroup<S> group : groups.values()) {
      sink.accept(group.next());
    }
  }

  /** The members of one share group; {@link #next()} takes turns. */
  private static final class SharedGroup<S> {
    private final SubscriberList<S> members = new SubscriberList<>();
    private int cursor;

    boolean add(S subscriber) {
      return members.add(subscriber);
    }

    boolean remove(S subscriber) {
      return members.remove(subscriber);
    }

    boolean isEmpty() {
      return members.isEmpty();
    }

    S next() {
      if (cursor >= members.size()) {
        cursor = 0;
      }
      return members.get(cursor++);
    }
  }
}
