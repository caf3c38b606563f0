package org.siteconnect.gateway.ops;

/**
 * At most one log line per interval for something a client can cause at will (an oversized frame, a broken
 * connection): an attacker must not be able to fill the log. The line that is written says how many were
 * suppressed since the last one. Thread-safe; plain, so tests drive it with their own clock.
 */
public final class LogThrottle {
  private final long intervalMillis;
  private long nextAt = Long.MIN_VALUE;
  private long suppressed;

  public LogThrottle(long intervalMillis) {
    this.intervalMillis = intervalMillis;
  }

  /**
   * Counts one occurrence at {@code now}; returns -1 when no line is due, else how many occurrences were
   * suppressed since the last line (the caller logs one line now).
   */
  public synchronized long occurred(long now) {
    if (now < nextAt) {
      suppressed++;
      return -1;
    }
    nextAt = now + intervalMillis;
    long before = suppressed;
    suppressed = 0;
    return before;
  }
}
