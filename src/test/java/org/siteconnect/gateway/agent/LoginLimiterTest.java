package org.siteconnect.gateway.agent;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LoginLimiterTest {

  @Test
  @DisplayName("five straight failures lock the login for the lockout period; success resets the count")
  void perLogin() {
    LoginLimiter limiter = new LoginLimiter(5, 100, 300_000);
    for (int i = 0; i < 4; i++) {
      limiter.failed("ann", "1.2.3." + i, 0);
    }
    assertEquals(0, limiter.retryAfter("ann", "9.9.9.9", 0));
    limiter.succeeded("ann");
    for (int i = 0; i < 5; i++) {
      limiter.failed("ann", "1.2.3." + i, 0);
    }
    assertEquals(300_000, limiter.retryAfter("ann", "9.9.9.9", 0));
    assertEquals(0, limiter.retryAfter("ann", "9.9.9.9", 300_000));
  }

  @Test
  @DisplayName("one address spraying many logins is locked out as an address")
  void perAddress() {
    LoginLimiter limiter = new LoginLimiter(5, 20, 60_000);
    for (int i = 0; i < 20; i++) {
      limiter.failed("user" + i, "6.6.6.6", 0);
    }
    assertTrue(limiter.retryAfter("someone-else", "6.6.6.6", 1) > 0);
    assertEquals(0, limiter.retryAfter("someone-else", "7.7.7.7", 1));
  }
}
