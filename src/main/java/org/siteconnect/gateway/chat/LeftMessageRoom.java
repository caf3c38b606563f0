package org.siteconnect.gateway.chat;

import java.util.HashMap;
import java.util.Map;

/**
 * Room for left messages per site: those stored (counted from the store at start and after each purge) plus
 * those being stored. A place is held before the insert starts, so a burst cannot overshoot; nothing is ever
 * deleted to make room. Not thread-safe: owned by the chat verticle.
 */
final class LeftMessageRoom {
  private final int maxPerSite;
  private final Map<String, Integer> stored = new HashMap<>();
  private final Map<String, Integer> held = new HashMap<>();

  LeftMessageRoom(int maxPerSite) {
    this.maxPerSite = maxPerSite;
  }

  /** The store's counts; a site with inserts under way keeps its own count until they settle. */
  void recount(Map<String, Integer> counts) {
    stored.keySet().removeIf(site -> !held.containsKey(site));
    counts.forEach((site, n) -> {
      if (!held.containsKey(site)) {
        stored.put(site, n);
      }
    });
  }

  /** Holds a place for one message of {@code site}; false when the site is full. */
  boolean tryHold(String site) {
    if (stored.getOrDefault(site, 0) + held.getOrDefault(site, 0) >= maxPerSite) {
      return false;
    }
    held.merge(site, 1, Integer::sum);
    return true;
  }

  /** The insert of a held place finished: stored or not. */
  void settle(String site, boolean wasStored) {
    held.merge(site, -1, (a, b) -> a + b == 0 ? null : a + b);
    if (wasStored) {
      stored.merge(site, 1, Integer::sum);
    }
  }
}
