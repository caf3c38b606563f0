package org.siteconnect.gateway.cobrowse;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Throttles code guessing (DESIGN §4, §11 "throttles reserve before they check"). An attempt is reserved when it
 * arrives and counts as a failure until its code check answers, so a burst evaluates no more than the limits
 * allow. Per agent: after {@code maxStraight} straight failures a lockout that doubles with every further failure,
 * up to {@code maxLockMillis}; at most {@code maxPerAgentHour} failures in any hour, successes or not (an agent
 * can redeem its own page's code to reset the straight count). Per site: when {@code maxPerSiteHour} failures
 * of the last hour are spent, the site is under siege: an agent may have one attempt in flight, and each of its
 * failures locks that agent out for {@code maxLockMillis}. Agents without failures are never refused, so one
 * account's guessing cannot lock the others out. Not thread-safe: owned by the co-browse verticle.
 */
final class RedeemLimiter {
  static final long HOUR = 3_600_000;
  /** Retry hint when the limit is held by attempts still in flight: they answer within milliseconds. */
  static final long IN_FLIGHT_RETRY_MILLIS = 1_000;

  record Limits(
      int maxStraight,
      long baseLockMillis,
      long maxLockMillis,
      int maxPerAgentHour,
      int maxPerSiteHour) {}

  /**
   * The answer to an arrival: reserved ({@code retryAfterMillis == 0}; resolve it exactly once with
   * {@link #failed} or {@link #succeeded}) or refused, with the millis to wait.
   */
  record Attempt(String agent, List<String> sites, long retryAfterMillis) {
    boolean reserved() {
      return retryAfterMillis == 0;
    }
  }

  private static final class AgentState {
    int straight;
    int inFlight;
    long lockedUntil;
    final Deque<Long> failures = new ArrayDeque<>();
  }

  private static final class SiteState {
    int inFlight;
    final Deque<Long> failures = new ArrayDeque<>();
  }

  private final Limits limits;
  private final Map<String, AgentState> agents = new HashMap<>();
  private final Map<String, SiteState> sites = new HashMap<>();

  RedeemLimiter(Limits limits) {
    this.limits = limits;
  }

  /** Reserves an attempt for this agent on these sites (the agent's sites: a code is looked up among them all). */
  Attempt tryReserve(String agent, Collection<String> agentSites, long now) {
    long wait = waitFor(agent, agentSites, now);
    Attempt attempt = new Attempt(agent, List.copyOf(agentSites), wait);
    if (wait == 0) {
      agents.get(agent).inFlight++;
      agentSites.forEach(s -> sites.computeIfAbsent(s, k -> new SiteState()).inFlight++);
    }
    return attempt;
  }

  private long waitFor(String agent, Collection<String> agentSites, long now) {
    AgentState a = agents.computeIfAbsent(agent, k -> new AgentState());
    prune(a.failures, now);
    if (a.lockedUntil > now) {
      return a.lockedUntil - now;
    }
    boolean probation =
        a.straight >= limits.maxStraight(); // a lockout has passed: one attempt at a time
    if (probation ? a.inFlight > 0 : a.straight + a.inFlight >= limits.maxStraight()) {
      return IN_FLIGHT_RETRY_MILLIS;
    }
    if (a.failures.size() + a.inFlight >= limits.maxPerAgentHour()) {
      return a.failures.isEmpty() ? IN_FLIGHT_RETRY_MILLIS : a.failures.peekFirst() + HOUR - now;
    }
    if (a.inFlight > 0 && agentSites.stream().anyMatch(s -> underSiege(s, now))) {
      return IN_FLIGHT_RETRY_MILLIS;
    }
    return 0;
  }

  void failed(Attempt attempt, long now) {
    AgentState a = release(attempt);
    a.straight++;
    a.failures.addLast(now);
    long lock = 0;
    if (a.straight >= limits.maxStraight()) {
      lock = limits.baseLockMillis();
      for (int i = limits.maxStraight(); i < a.straight && lock < limits.maxLockMillis(); i++) {
        lock *= 2;
      }
      lock = Math.min(lock, limits.maxLockMillis());
    }
    boolean siege = false;
    for (String site : attempt.sites()) {
      SiteState s = sites.computeIfAbsent(site, k -> new SiteState());
      s.failures.addLast(now);
      siege |= underSiege(site, now);
    }
    if (siege) {
      lock = limits.maxLockMillis();
    }
    if (lock > 0) {
      a.lockedUntil = Math.max(a.lockedUntil, now + lock);
    }
  }

  void succeeded(Attempt attempt) {
    AgentState a = release(attempt);
    a.straight = 0;
    a.lockedUntil = 0;
  }

  private AgentState release(Attempt attempt) {
    AgentState a = agents.computeIfAbsent(attempt.agent(), k -> new AgentState());
    a.inFlight = Math.max(0, a.inFlight - 1);
    for (String site : attempt.sites()) {
      SiteState s = sites.get(site);
      if (s != null) {
        s.inFlight = Math.max(0, s.inFlight - 1);
      }
    }
    return a;
  }

  private boolean underSiege(String site, long now) {
    SiteState s = sites.get(site);
    if (s == null) {
      return false;
    }
    prune(s.failures, now);
    return s.failures.size() + s.inFlight >= limits.maxPerSiteHour();
  }

  private static void prune(Deque<Long> times, long now) {
    while (!times.isEmpty() && times.peekFirst() <= now - HOUR) {
      times.pollFirst();
    }
  }

  /** Drops state that no longer limits anything (an hour without failures starts an agent afresh). */
  void forget(long now) {
    agents.values().removeIf(a -> {
      prune(a.failures, now);
      return a.inFlight == 0 && a.lockedUntil <= now && a.failures.isEmpty();
    });
    sites.values().removeIf(s -> {
      prune(s.failures, now);
      return s.inFlight == 0 && s.failures.isEmpty();
    });
  }
}
