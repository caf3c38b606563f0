package org.siteconnect.gateway.sso;

import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The sign-ins this node started and has not seen come back, bounded in all and per client address: a start is
 * counted when it arrives, before anything asynchronous (DESIGN §11), and refused when {@code max} are open, or
 * {@code maxPerAddress} from its address (so one client cannot take every place and keep everyone else out). An
 * entry leaves when its callback reaches this node or its time is up. Not thread-safe: owned by one event loop.
 */
public final class PendingLogins {
  /** What {@link #reserve} decided. */
  public enum Reservation {
    RESERVED,
    NODE_FULL,
    ADDRESS_FULL
  }

  private record Open(long expiresAt, String addressKey) {}

  private final int max;
  private final int maxPerAddress;
  private final long ttlMillis;
  /** state → its entry, in start order (so the oldest expire first). */
  private final LinkedHashMap<String, Open> open = new LinkedHashMap<>();

  private final Map<String, Integer> byAddress = new HashMap<>();

  public PendingLogins(int max, int maxPerAddress, long ttlMillis) {
    this.max = max;
    this.maxPerAddress = maxPerAddress;
    this.ttlMillis = ttlMillis;
  }

  /** Reserves a place for {@code state} started by the client {@code addressKey} (ClientAddresses.limitKey). */
  public Reservation reserve(String state, String addressKey, long now) {
    expire(now);
    if (open.size() >= max) {
      return Reservation.NODE_FULL;
    }
    if (byAddress.getOrDefault(addressKey, 0) >= maxPerAddress) {
      return Reservation.ADDRESS_FULL;
    }
    open.put(state, new Open(now + ttlMillis, addressKey));
    byAddress.merge(addressKey, 1, Integer::sum);
    return Reservation.RESERVED;
  }

  /** The sign-in came back here, or could not be stored. */
  public void release(String state) {
    forget(open.remove(state));
  }

  /** Milliseconds until the oldest open sign-in expires (when full: how long to wait). */
  public long retryAfterMillis(long now) {
    expire(now);
    return open.isEmpty() ? 0 : Math.max(0, open.values().iterator().next().expiresAt() - now);
  }

  public int size(long now) {
    expire(now);
    return open.size();
  }

  private void forget(Open entry) {
    if (entry != null) {
      byAddress.computeIfPresent(entry.addressKey(), (k, n) -> n > 1 ? n - 1 : null);
    }
  }

  private void expire(long now) {
    for (Iterator<Open> it = open.values().iterator(); it.hasNext(); ) {
      Open entry = it.next();
      if (entry.expiresAt() > now) {
        return;
      }
      it.remove();
      forget(entry);
    }
  }
}
