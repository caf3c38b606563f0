package org.siteconnect.gateway.topic;

import java.util.Arrays;
import java.util.HashMap;
import java.util.function.Consumer;

/**
 * The subscribers of one filter, as a set kept in a plain array so that fan-out is a tight loop. Add, remove and
 * contains are O(1): small lists are scanned, lists above {@value #INDEX_ABOVE} members get a position map and
 * removal swaps the last member into the hole. Iteration order is therefore not subscription order.
 * Not thread-safe.
 */
class SubscriberList<S> {

  private static final int INDEX_ABOVE = 8;
  private static final int MIN_CAPACITY = 2;

  private Object[] members = new Object[MIN_CAPACITY];
  private int size;
  private HashMap<S, Integer> positions;

  final int size() {
    return size;
  }

  final boolean isEmpty() {
    return size == 0;
  }

  @SuppressWarnings("unchecked")
  final S get(int i) {
    return (S) members[i];
  }

  final boolean contains(S subscriber) {
    return indexOf(subscriber) >= 0;
  }

  /** Adds {@code subscriber}; false if it was already a member. */
  final boolean add(S subscriber) {
    if (contains(subscriber)) {
      return false;
    }
    if (size == members.length) {
      members = Arrays.copyOf(members, size * 2);
    }
    members[size] = subscriber;
    if (positions != null) {
      positions.put(subscriber, size);
    }
    size++;
    if (positions == null && size > INDEX_ABOVE) {
      buildPositions();
    }
    return true;
  }

  /** Removes {@code subscriber}; false if it was not a member. */
  @SuppressWarnings("unchecked")
  final boolean remove(S subscriber) {
    int index = indexOf(subscriber);
    if (index < 0) {
      return false;
    }
    int last = size - 1;
    members[index] = members[last];
    members[last] = null;
    size = last;
    if (positions != null) {
      positions.remove(subscriber);
      if (index != last) {
        positions.put((S) members[index], index);
      }
      if (size <= INDEX_ABOVE / 2) {
        positions = null;
      }
    }
    if (members.length > MIN_CAPACITY * 4 && size < members.length / 4) {
      members = Arrays.copyOf(members, Math.max(MIN_CAPACITY, members.length / 2));
    }
    return true;
  }

  /** Hands every member to {@code sink}: the gateway's hottest loop. */
  @SuppressWarnings("unchecked")
  final void forEach(Consumer<? super S> sink) {
    Object[] snapshot = members;
    int count = size;
    for (int i = 0; i < count; i++) {
      sink.accept((S) snapshot[i]);
    }
  }

  private int indexOf(S subscriber) {
    if (positions != null) {
      Integer index = positions.get(subscriber);
      return index == null ? -1 : index;
    }
    for (int i = 0; i < size; i++) {
      if (members[i].equals(subscriber)) {
        return i;
      }
    }
    return -1;
  }

  @SuppressWarnings("unchecked")
  private void buildPositions() {
    positions = new HashMap<>(size * 2);
    for (int i = 0; i < size; i++) {
      positions.put((S) members[i], i);
    }
  }
}
