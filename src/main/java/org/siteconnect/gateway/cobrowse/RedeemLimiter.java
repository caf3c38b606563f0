package org.siteconnect.gateway.cobrowse;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * Throttles code guessing (DESIGN §4): after {@code maxStraight} straight failures an agent is locked out, for a
 * delay that doubles with every further failure; a site accepts at most {@code maxPerSiteHour} failures in any
 * hour, then refuses every redemption for it until the hour has passed. Not thread-safe.
 */
final class RedeemLimiter {
  private final int maxStraight;
  private final long baseDelayMillis;
  private final int maxPerSiteHour;
  private final Map<String, int[]> straight = new HashMap<>();
  private final Map<String, Long> lockedUntil = new HashMap<>();
  private final Map<String, Deque<Long>> siteFailures = new HashMap<>();

  RedeemLimiter(int maxStraight, long baseDelayMillis, int maxPerSiteHour) {
    this.maxStraight = maxStraight;
    this.baseDelayMillis = baseDelayMillis;
    this.maxPerSiteHour = maxPerSiteHour;
  }

  /** Millis until this agent may try again for these sites; 0 when allowed. */
  long retryAfter(String agent, Collection<String> sites, long now) {
    long wait = Math.max(0, lockedUntil.getOrDefault(agent, 0L) - now);
    for (String site : sites) {
      Deque<Long> times = window(site, now);
      if (times.size() >= maxPerSiteHour) {
        wait = Math.max(wait, times.peekFirst() + 3_600_000 - now);
      }
    }
    return wait;
  }

  void failed(String agent, Collection<String> sites, long now) {
    int n = ++straight.computeIfAbsent(agent, a -> new int[1])[0];
    if (n >= maxStraight) {
      long delay = baseDelayMillis << Math.min(20, n - maxStraight);
      lockedUntil.put(agent, now + delay);
    }
    for (String site : sites) {
      window(site, now).addLast(now);
    }
  }

  void succeeded(String agent) {
    straight.remove(agent);
    lockedUntil.remove(agent);
  }

  private Deque<Long> window(String site, long now) {
    Deque<Long> times = siteFailures.computeIfAbsent(site, s -> new ArrayDeque<>());
    while (!times.isEmpty() && times.peekFirst() <= now - 3_600_000) {
      times.pollFirst();
    }
    return times;
  }
}
