package org.siteconnect.gateway.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class LoginLimiterTest {

  private static void fail(LoginLimiter limiter, String login, String address, long now) {
    LoginLimiter.Attempt a = limiter.tryReserve(login, address, now);
    assertTrue(a.reserved(), "reserved");
    limiter.failed(a, now);
  }

  @Test
  @DisplayName(
      "five straight failures lock the login for the lockout period; success resets the count")
  void perLogin() {
    LoginLimiter limiter = new LoginLimiter(5, 100, 300_000);
    for (int i = 0; i < 4; i++) {
      fail(limiter, "ann", "1.2.3." + i, 0);
    }
    limiter.succeeded(limiter.tryReserve("ann", "9.9.9.9", 0), 0);
    for (int i = 0; i < 5; i++) {
      fail(limiter, "ann", "1.2.3." + i, 0);
    }
    assertEquals(300_000, limiter.tryReserve("ann", "9.9.9.9", 0).retryAfterMillis());
    assertTrue(limiter.tryReserve("ann", "9.9.9.9", 300_000).reserved());
  }

  @Test
  @DisplayName(
      "per address only (SSO callbacks): 3 failures lock that address, others go on, nothing locks for all")
  void perAddressOnly() {
    LoginLimiter limiter = LoginLimiter.perAddress(3, 60_000);
    for (int i = 0; i < 3; i++) {
      fail(limiter, null, "10.0.0.1", 0);
    }
    assertEquals(60_000, limiter.tryReserve(null, "10.0.0.1", 0).retryAfterMillis());
    for (int i = 0; i < 1_000; i++) {
      LoginLimiter.Attempt a = limiter.tryReserve(null, "10.0.1." + (i % 250), 0);
      assertTrue(a.reserved(), "address " + i);
      limiter.succeeded(a, 0);
    }
    assertTrue(limiter.tryReserve(null, "10.0.0.1", 60_000).reserved(), "after the lockout");
  }

  @Test
  @DisplayName("attempts in flight count at arrival: a burst of 14 gets 5 checks, the rest wait")
  void reservesAtArrival() {
    LoginLimiter limiter = new LoginLimiter(5, 100, 300_000);
    List<LoginLimiter.Attempt> reserved = new ArrayList<>();
    int refused = 0;
    for (int i = 0; i < 14; i++) {
      LoginLimiter.Attempt a = limiter.tryReserve("ann", "1.1.1.1", 0);
      if (a.reserved()) {
        reserved.add(a);
      } else {
        refused++;
      }
    }
    assertEquals(5, reserved.size());
    assertEquals(9, refused);
    reserved.forEach(a -> limiter.failed(a, 1));
    assertFalse(
        limiter.tryReserve("ann", "1.1.1.1", 2).reserved(),
        "locked: even the right password is not checked");
  }

  @Test
  @DisplayName("a cancelled check gives its reservation back uncounted")
  void cancelled() {
    LoginLimiter limiter = new LoginLimiter(1, 100, 300_000);
    limiter.cancelled(limiter.tryReserve("ann", "1.1.1.1", 0), 0);
    assertTrue(limiter.tryReserve("ann", "1.1.1.1", 0).reserved());
  }

  @Test
  @DisplayName("one address spraying many logins is locked out as an address")
  void perAddress() {
    LoginLimiter limiter = new LoginLimiter(5, 20, 60_000);
    for (int i = 0; i < 20; i++) {
      fail(limiter, "user" + i, "6.6.6.6", 0);
    }
    assertTrue(limiter.tryReserve("someone-else", "6.6.6.6", 1).retryAfterMillis() > 0);
    assertTrue(limiter.tryReserve("someone-else", "7.7.7.7", 1).reserved());
  }
}
