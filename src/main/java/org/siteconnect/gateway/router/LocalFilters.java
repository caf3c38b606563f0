package org.siteconnect.gateway.router;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The filters the pages connected here subscribe to, as the other nodes must know them (DESIGN §9): a counted
 * set (how many pages use each filter), the changes of one turn of the loop collected into one numbered delta,
 * and the set as announced so far for a node that asks for all of it.
 * Not thread-safe: owned by the router's event loop.
 */
final class LocalFilters {

  /** What changed since the last delta, numbered; {@code added} and {@code removed} are disjoint. */
  record Delta(long seq, List<String> added, List<String> removed) {}

  private final Map<String, Integer> uses = new HashMap<>();
  private final Set<String> announced = new HashSet<>();
  private final Set<String> touched = new LinkedHashSet<>();
  private long seq;

  /**
   * One more (or one fewer) page uses {@code filter}.
   *
   * @return true if this is the first change since the last delta (the caller schedules one)
   */
  boolean change(String filter, boolean add) {
    if (add) {
      uses.merge(filter, 1, Integer::sum);
    } else {
      Integer left = uses.computeIfPresent(filter, (f, n) -> n > 1 ? n - 1 : null);
      if (left == null && !announced.contains(filter) && !touched.contains(filter)) {
        return false;
      }
    }
    boolean first = touched.isEmpty();
    touched.add(filter);
    return first;
  }

  /** The filter is announced and no change of it is waiting to be sent. */
  boolean isAnnounced(String filter) {
    return announced.contains(filter) && !touched.contains(filter);
  }

  boolean isPending(String filter) {
    return touched.contains(filter);
  }

  /** The changes since the last delta, or null if they cancel out (the number is not used then). */
  Delta drain() {
    List<String> added = new ArrayList<>();
    List<String> removed = new ArrayList<>();
    for (String filter : touched) {
      boolean used = uses.containsKey(filter);
      if (used && announced.add(filter)) {
        added.add(filter);
      } else if (!used && announced.remove(filter)) {
        removed.add(filter);
      }
    }
    touched.clear();
    if (added.isEmpty() && removed.isEmpty()) {
      return null;
    }
    return new Delta(++seq, added, removed);
  }

  /** Everything announced, as of delta {@link #seq()}. */
  List<String> announced() {
    return new ArrayList<>(announced);
  }

  long seq() {
    return seq;
  }

  int size() {
    return uses.size();
  }
}
