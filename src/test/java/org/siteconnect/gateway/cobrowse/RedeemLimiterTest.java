package org.siteconnect.gateway.cobrowse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class RedeemLimiterTest {
  private static final List<String> SITE = List.of("acme");
  private static final RedeemLimiter.Limits DEFAULTS =
      new RedeemLimiter.Limits(5, 30_000, 900_000, 20, 100);

  @Test
  @DisplayName(
      "a burst of 150 reserves 5 attempts: the rest are refused before any code is checked")
  void burst() {
    RedeemLimiter limiter = new RedeemLimiter(DEFAULTS);
    List<RedeemLimiter.Attempt> reserved = new ArrayList<>();
    for (int i = 0; i < 150; i++) {
      RedeemLimiter.Attempt a = limiter.tryReserve("eve", SITE, 0);
      if (a.reserved()) {
        reserved.add(a);
      }
    }
    assertEquals(5, reserved.size());
    reserved.forEach(a -> limiter.failed(a, 1));
    assertEquals(30_000, limiter.tryReserve("eve", SITE, 1).retryAfterMillis());
  }

  @Test
  @DisplayName("the doubling lockout stops at lockoutMax (it reached 364 days before)")
  void lockoutCap() {
    RedeemLimiter limiter = new RedeemLimiter(DEFAULTS);
    long now = 0;
    long longest = 0;
    for (int i = 0; i < 60; i++) {
      RedeemLimiter.Attempt a = limiter.tryReserve("eve", SITE, now);
      if (!a.reserved()) {
        longest = Math.max(longest, a.retryAfterMillis());
        now += a.retryAfterMillis();
        a = limiter.tryReserve("eve", SITE, now);
      }
      assertTrue(a.reserved());
      limiter.failed(a, now);
    }
    assertEquals(900_000, longest);
  }

  @Test
  @DisplayName("one agent's guessing never reaches the site budget; other agents are not refused")
  void oneAgentCannotDenyOthers() {
    RedeemLimiter limiter = new RedeemLimiter(DEFAULTS);
    long now = 0;
    for (int i = 0; i < 1000; i++, now += 1_000) {
      RedeemLimiter.Attempt a = limiter.tryReserve("eve", SITE, now);
      if (a.reserved()) {
        limiter.failed(a, now);
      }
    }
    assertTrue(limiter.tryReserve("admin", SITE, now).reserved());
  }

  @Test
  @DisplayName(
      "the per-agent hour holds even when the agent resets its straight count with its own code")
  void perAgentHour() {
    RedeemLimiter limiter = new RedeemLimiter(DEFAULTS);
    int failures = 0;
    for (int i = 0; i < 200; i++) {
      RedeemLimiter.Attempt a = limiter.tryReserve("eve", SITE, i);
      if (!a.reserved()) {
        continue;
      }
      if (i % 4 == 3) {
        limiter.succeeded(a);
      } else {
        limiter.failed(a, i);
        failures++;
      }
    }
    assertEquals(20, failures);
  }

  @Test
  @DisplayName(
      "under siege a failing agent is locked for lockoutMax; agents without failures still redeem")
  void siege() {
    RedeemLimiter limiter =
        new RedeemLimiter(new RedeemLimiter.Limits(5, 30_000, 900_000, 20, 100));
    for (int agent = 0; agent < 25; agent++) {
      for (int i = 0; i < 4; i++) {
        RedeemLimiter.Attempt a = limiter.tryReserve("bot" + agent, SITE, 0);
        assertTrue(a.reserved());
        limiter.failed(a, 0);
      }
    }
    assertEquals(
        900_000,
        limiter.tryReserve("bot24", SITE, 0).retryAfterMillis(),
        "the 100th failure locks");
    RedeemLimiter.Attempt fresh = limiter.tryReserve("bot0", SITE, 1);
    assertTrue(fresh.reserved(), "an agent not locked may try once");
    assertFalse(
        limiter.tryReserve("bot0", SITE, 1).reserved(), "one attempt at a time under siege");
    limiter.failed(fresh, 1);
    assertEquals(900_000, limiter.tryReserve("bot0", SITE, 1).retryAfterMillis());
    assertTrue(limiter.tryReserve("admin", SITE, 1).reserved());
  }
}
