package org.siteconnect.gateway.chat;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * At most {@code limit} events per key in any sliding window (a session id, a client address's limit key, a
 * site). Not thread-safe: owned by the chat verticle, whose event loop checks and takes in one turn.
 */
final class WindowCounts {
  private final int limit;
  private final long windowMillis;
  private final Map<String, Deque<Long>> times = new HashMap<>();

  WindowCounts(int limit, long windowMillis) {
    this.limit = limit;
    this.windowMillis = windowMillis;
  }

  /** True when {@code key} has used its whole window (a later {@link #tryTake} would fail now). */
  boolean full(String key, long now) {
    Deque<Long> t = times.get(key);
    if (t == null) {
      return false;
    }
    expire(t, now);
    return t.size() >= limit;
  }

  /** Counts one event of {@code key} unless its window is full; true when counted. */
  boolean tryTake(String key, long now) {
    Deque<Long> t = times.computeIfAbsent(key, k -> new ArrayDeque<>());
    expire(t, now);
    if (t.size() >= limit) {
      return false;
    }
    t.addLast(now);
    return true;
  }

  /** Forgets keys whose events all left the window (keeps memory to the keys seen in the last window). */
  void sweep(long now) {
    for (Iterator<Deque<Long>> it = times.values().iterator(); it.hasNext(); ) {
      Deque<Long> t = it.next();
      expire(t, now);
      if (t.isEmpty()) {
        it.remove();
      }
    }
  }

  private void expire(Deque<Long> t, long now) {
    while (!t.isEmpty() && t.peekFirst() <= now - windowMillis) {
      t.pollFirst();
    }
  }
}
