package org.siteconnect.gateway.agent;

import java.util.HashMap;
import java.util.Map;

/**
 * Failed-login throttle per login and per client address: after {@code maxFailures} straight failures for a
 * login (or {@code maxPerAddress} from one address) further attempts are refused for the lockout period,
 * whether or not the password would have been right. An attempt is reserved when it arrives and counts as a
 * failure until its password check answers (DESIGN §11), so a burst of concurrent logins gets no more checks
 * than the limit. Counted for unknown logins too, so the answer never tells whether a login exists.
 * Not thread-safe: owned by one verticle (the agent verticle; the SSO callback's on the HTTP verticle, counting per
 * address only: {@link #perAddress}).
 */
public final class LoginLimiter {
  /** Retry hint when the limit is held by checks still running: they answer within a second. */
  static final long IN_FLIGHT_RETRY_MILLIS = 1_000;

  private static final class Window {
    int failures;
    int inFlight;
    long lockedUntil;
    long lastSeen;
  }

  /** A reserved attempt ({@code retryAfterMillis == 0}), or a refusal with the millis to wait. */
  public record Attempt(String login, String address, long retryAfterMillis) {
    public boolean reserved() {
      return retryAfterMillis == 0;
    }
  }

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

  /** Failures counted per address only: attempts made with a null login. */
  public static LoginLimiter perAddress(int maxPerAddress, long lockoutMillis) {
    return new LoginLimiter(Integer.MAX_VALUE, maxPerAddress, lockoutMillis);
  }

  public Attempt tryReserve(String login, String address, long now) {
    Window l = login == null ? new Window() : window(byLogin, login, now);
    Window a = window(byAddress, address, now);
    long locked = Math.max(lockedFor(l, now), lockedFor(a, now));
    if (locked > 0) {
      return new Attempt(login, address, locked);
    }
    if (l.failures + l.inFlight >= maxFailures || a.failures + a.inFlight >= maxPerAddress) {
      return new Attempt(login, address, IN_FLIGHT_RETRY_MILLIS);
    }
    l.inFlight++;
    a.inFlight++;
    return new Attempt(login, address, 0);
  }

  public void failed(Attempt attempt, long now) {
    if (attempt.login() != null) {
      count(release(byLogin, attempt.login(), now), maxFailures, now);
    }
    count(release(byAddress, attempt.address(), now), maxPerAddress, now);
  }

  public void succeeded(Attempt attempt, long now) {
    if (attempt.login() != null) {
      Window l = release(byLogin, attempt.login(), now);
      l.failures = 0; // checks still running for this login keep their reservations
      l.lockedUntil = 0;
    }
    release(byAddress, attempt.address(), now);
  }

  /** The check did not run (the hashing queue refused it): the reservation is given back uncounted. */
  void cancelled(Attempt attempt, long now) {
    if (attempt.login() != null) {
      release(byLogin, attempt.login(), now);
    }
    release(byAddress, attempt.address(), now);
  }

  private Window window(Map<String, Window> map, String key, long now) {
    Window w = map.computeIfAbsent(key, k -> new Window());
    if (w.lockedUntil > 0 && w.lockedUntil <= now) { // the lockout has passed: a fresh count
      w.failures = 0;
      w.lockedUntil = 0;
    }
    w.lastSeen = now;
    return w;
  }

  private Window release(Map<String, Window> map, String key, long now) {
    Window w = window(map, key, now);
    w.inFlight = Math.max(0, w.inFlight - 1);
    return w;
  }

  private void count(Window w, int max, long now) {
    w.failures++;
    if (w.failures >= max && w.lockedUntil <= now) {
      w.lockedUntil = now + lockoutMillis;
    }
  }

  private static long lockedFor(Window w, long now) {
    return w.lockedUntil <= now ? 0 : w.lockedUntil - now;
  }

  /** Drops windows that limit nothing any more (their lockout passed, or untouched for a lockout period). */
  public void forget(long now) {
    byLogin.values().removeIf(w -> idle(w, now));
    byAddress.values().removeIf(w -> idle(w, now));
  }

  private boolean idle(Window w, long now) {
    return w.inFlight == 0
        && w.lockedUntil <= now
        && (w.lockedUntil > 0 || w.lastSeen + lockoutMillis <= now);
  }
}
