package org.siteconnect.gateway.webhook;

import java.util.concurrent.ThreadLocalRandom;

/** Retry delays: {@code base · 2^(attempts-1)}, capped at {@code max}, then a random 50–100 % of it (jitter). */
record Backoff(long baseMs, long maxMs) {
  long delayMs(int attempts) {
    long exp = baseMs << Math.min(Math.max(attempts - 1, 0), 40);
    long capped = exp <= 0 ? maxMs : Math.min(exp, maxMs);
    return capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1);
  }
}
