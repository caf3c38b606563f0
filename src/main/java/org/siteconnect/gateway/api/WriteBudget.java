package org.siteconnect.gateway.api;

import java.util.HashMap;
import java.util.Map;

/**
 * How many changes each agent may still make: a token bucket per login that refills at {@code perMinute} and holds
 * a quarter of it, so a person's bursts pass and a script's flood (thousands of messages, availability toggles or
 * transfers a minute, each stored, logged and fanned out) does not. Used on one event loop.
 */
final class WriteBudget {
  private final double tokensPerMs;
  private final double capacity;
  private final Map<String, Bucket> buckets = new HashMap<>();
  private long swept;

  private static final class Bucket {
    double tokens;
    long at;
  }

  WriteBudget(int perMinute) {
    this.tokensPerMs = perMinute / 60_000.0;
    this.capacity = Math.max(1, perMinute / 4);
  }

  /** @return 0 when this login may make a change now (it is counted), else the seconds until it may */
  long take(String login, long nowMs) {
    sweep(nowMs);
    Bucket b = buckets.computeIfAbsent(login, k -> {
      Bucket full = new Bucket();
      full.tokens = capacity;
      full.at = nowMs;
      return full;
    });
    refill(b, nowMs);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.max(1, (long) Math.ceil((1 - b.tokens) / tokensPerMs / 1000));
  }

  private void refill(Bucket b, long nowMs) {
    b.tokens = Math.min(capacity, b.tokens + (nowMs - b.at) * tokensPerMs);
    b.at = nowMs;
  }

  /** Once a minute, forgets the logins whose bucket has filled up again (it would start full anyway). */
  private void sweep(long nowMs) {
    if (nowMs - swept < 60_000) {
      return;
    }
    swept = nowMs;
    buckets.values().removeIf(b -> {
      refill(b, nowMs);
      return b.tokens >= capacity;
    });
  }
}
