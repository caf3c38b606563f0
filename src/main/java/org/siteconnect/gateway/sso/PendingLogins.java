package org.siteconnect.gateway.sso;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The sign-ins this node started and has not seen come back, bounded: a start is counted when it arrives, before
 * anything asynchronous (DESIGN §11), and refused when {@code max} are open. An entry leaves when its callback
 * reaches this node or its time is up. Not thread-safe: owned by one event loop.
 */
public final class PendingLogins {
  private final int max;
  private final long ttlMillis;
  /** state → expiry, in start order (so the oldest expire first). */
  private final LinkedHashMap<String, Long> open = new LinkedHashMap<>();

  public PendingLogins(int max, long ttlMillis) {
    this.max = max;
    this.ttlMillis = ttlMillis;
  }

  /** Reserves a place for {@code state}; false when {@code max} sign-ins are open. */
  public boolean reserve(String state, long now) {
    expire(now);
    if (open.size() >= max) {
      return false;
    }
    open.put(state, now + ttlMillis);
    return true;
  }

  /** The sign-in came back here, or could not be stored. */
  public void release(String state) {
    open.remove(state);
  }

  /** Milliseconds until the oldest open sign-in expires (when full: how long to wait). */
  public long retryAfterMillis(long now) {
    expire(now);
    return open.isEmpty() ? 0 : Math.max(0, open.values().iterator().next() - now);
  }

  public int size(long now) {
    expire(now);
    return open.size();
  }

  private void expire(long now) {
    for (Iterator<Map.Entry<String, Long>> it = open.entrySet().iterator(); it.hasNext(); ) {
      if (it.next().getValue() > now) {
        return;
      }
      it.remove();
    }
  }
}
