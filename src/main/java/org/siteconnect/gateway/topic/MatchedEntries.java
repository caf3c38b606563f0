package org.siteconnect.gateway.topic;

import java.util.Arrays;

/** A reusable, growable list of the filter entries that matched one topic. Not thread-safe. */
final class MatchedEntries<S> {

  private FilterEntry<S>[] entries = newArray(8);
  private int size;

  void add(FilterEntry<S> entry) {
    if (size == entries.length) {
      entries = Arrays.copyOf(entries, size * 2);
    }
    entries[size++] = entry;
  }

  int size() {
    return size;
  }

  FilterEntry<S> get(int i) {
    return entries[i];
  }

  /** Forgets the entries (and drops the references, so pruned entries can be collected). */
  void clear() {
    Arrays.fill(entries, 0, size, null);
    size = 0;
  }

  @SuppressWarnings("unchecked")
  private static <S> FilterEntry<S>[] newArray(int length) {
    return (FilterEntry<S>[]) new FilterEntry<?>[length];
  }
}
