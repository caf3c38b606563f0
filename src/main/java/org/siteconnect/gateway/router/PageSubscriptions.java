package org.siteconnect.gateway.router;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * One page's subscriptions: id → server-form filter, as two small parallel arrays (a page has a few, at most
 * {@code bridge.maxSubscriptionsPerSession}; a linear scan over them costs less than a hash map's memory, issue
 * 22). Several ids may use one filter. Ids of up to {@link #SHARED_ID_MAX} characters are interned: every page
 * using the ids {@code 1}, {@code 2}, … shares them. Not thread-safe: the router's loop only.
 */
final class PageSubscriptions {
  /** Ids at most this long are interned (the frame's are short counters; a long one is kept as given). */
  static final int SHARED_ID_MAX = 16;

  private static final String[] NONE = new String[0];

  private String[] ids = NONE;
  private String[] filters = NONE;
  private int size;

  int size() {
    return size;
  }

  boolean containsId(String id) {
    return indexOf(ids, id) >= 0;
  }

  boolean containsFilter(String filter) {
    return indexOf(filters, filter) >= 0;
  }

  /** Adds a subscription whose id is not in use ({@link #containsId} first). */
  void put(String id, String filter) {
    if (size == ids.length) {
      int capacity = size == 0 ? 5 : size * 2; // most pages: five subscriptions
      ids = Arrays.copyOf(ids, capacity);
      filters = Arrays.copyOf(filters, capacity);
    }
    ids[size] = id.length() <= SHARED_ID_MAX ? id.intern() : id;
    filters[size] = filter;
    size++;
  }

  /** Removes the id; its filter, or null if there was no such id. */
  String remove(String id) {
    int at = indexOf(ids, id);
    if (at < 0) {
      return null;
    }
    String filter = filters[at];
    size--;
    ids[at] = ids[size];
    filters[at] = filters[size];
    ids[size] = null;
    filters[size] = null;
    return filter;
  }

  /** The distinct filters in use (a new set). */
  Set<String> filters() {
    Set<String> distinct = new LinkedHashSet<>();
    for (int i = 0; i < size; i++) {
      distinct.add(filters[i]);
    }
    return distinct;
  }

  private int indexOf(String[] values, String wanted) {
    for (int i = 0; i < size; i++) {
      if (values[i].equals(wanted)) {
        return i;
      }
    }
    return -1;
  }
}
