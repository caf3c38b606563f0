package org.siteconnect.gateway.cobrowse;

import java.util.HashMap;
import java.util.Map;

/**
 * How many audit rows of one kind (a new page under remote control, a tab joining) the pages of a co-browse may
 * cause: at most {@code perMinute} in a minute's window per co-browse. The rest are counted, and the owner writes one
 * row with that count before the next admitted row or when the co-browse ends, so whatever a page sends, a
 * co-browse adds at most {@code perMinute + 1} rows of the kind a minute, and one more at its end. Not thread-safe:
 * owned by the co-browse verticle.
 */
final class AuditAllowance {
  static final long WINDOW_MILLIS = 60_000;

  private static final class Window {
    long start;
    int used;
    int leftOut;
  }

  private final int perMinute;
  private final Map<String, Window> windows = new HashMap<>();

  AuditAllowance(int perMinute) {
    this.perMinute = perMinute;
  }

  /**
   * One row of co-browse {@code id} asks to be written. -1: not now (it is counted). Otherwise it may be, and the
   * answer is how many were left out before it (the owner writes a row saying so first when that is not 0).
   */
  int take(String id, long now) {
    Window w = windows.computeIfAbsent(id, k -> new Window());
    if (now - w.start >= WINDOW_MILLIS) {
      w.start = now;
      w.used = 0;
    }
    if (w.used >= perMinute) {
      w.leftOut++;
      return -1;
    }
    w.used++;
    int before = w.leftOut;
    w.leftOut = 0;
    return before;
  }

  /** Co-browse {@code id} ended: how many rows were left out that no row has counted yet. */
  int forget(String id) {
    Window w = windows.remove(id);
    return w == null ? 0 : w.leftOut;
  }
}
