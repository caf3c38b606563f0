package org.siteconnect.gateway.agent;

import java.util.HashMap;
import java.util.Map;

/**
 * Failed-login throttle per login and per client address: after {@code maxFailures} straight failures for a
 * login (or {@code maxPerAddress} from one address) further attempts are refused for the lockout period,
 * whether or not the password would have been right. Counted for unknown logins too, so the answer never
 * tells whether a login exists. Not thread-safe: owned by the agent verticle.
 */
final class LoginLimiter {
  private record Window(int failures, long lockedUntil) {}

  private final int maxFailures;
  private final int maxPerAddress;
  private final long lockoutMillis;
  private final Map<String, Window> byLogin = new HashMap<>();
  private final Map<String, Window> byAddress = new HashMap<>();

  LoginLimiter(int maxFailures, int maxPerAddress, long lockoutMillis) {
    this.maxFailures = maxFailures;
    this.maxPerAddress = maxPerAddress;
    this.lockoutMillis = lockoutMillis;
  }

  /** Millis until the next attempt is allowed, 0 when it is allowed now. */
  long retryAfter(String login, String address, long now) {
    return Math.max(lockedFor(byLogin.get(login), now), lockedFor(byAddress.get(address), now));
  }

  void failed(String login, String address, long now) {
    record(byLogin, login, maxFailures, now);
    record(byAddress, address, maxPerAddress, now);
  }

  void succeeded(String login) {
    byLogin.remove(login);
  }

  private void record(Map<String, Window> map, String key, int max, long now) {
    Window w = map.get(key);
    int failures = (w == null || (w.lockedUntil() > 0 && w.lockedUntil() <= now)) ? 1 : w.failures() + 1;
    map.put(key, new Window(failures, failures >= max ? now + lockoutMillis : 0));
  }

  private static long lockedFor(Window w, long now) {
    return w == null || w.lockedUntil() <= now ? 0 : w.lockedUntil() - now;
  }

  void forget(long now) {
    byLogin.values().removeIf(w -> w.lockedUntil() > 0 && w.lockedUntil() <= now);
    byAddress.values().removeIf(w -> w.lockedUntil() > 0 && w.lockedUntil() <= now);
  }
}
