package org.siteconnect.gateway.bridge;

/** A fixed one-second window: at most {@code perSecond} events, then refusals until the window rolls over. */
final class RateLimiter {
  private final int perSecond;
  private long windowStart;
  private int count;

  RateLimiter(int perSecond) {
    this.perSecond = perSecond;
  }

  synchronized boolean tryAcquire(long nowMillis) {
    if (nowMillis - windowStart >= 1000) {
      windowStart = nowMillis;
      count = 0;
    }
    if (count >= perSecond) {
      return false;
    }
    count++;
    return true;
  }
}
