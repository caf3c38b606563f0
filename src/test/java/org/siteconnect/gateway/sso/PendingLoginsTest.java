package org.siteconnect.gateway.sso;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class PendingLoginsTest {
  @Test
  @DisplayName("at most max sign-ins are open; one coming back frees its place")
  void bounded() {
    PendingLogins p = new PendingLogins(3, 1_000);
    assertTrue(p.reserve("a", 0));
    assertTrue(p.reserve("b", 10));
    assertTrue(p.reserve("c", 20));
    assertFalse(p.reserve("d", 30));
    assertEquals(970, p.retryAfterMillis(30), "until the oldest expires");
    p.release("b");
    assertTrue(p.reserve("d", 40));
    assertEquals(3, p.size(40));
  }

  @Test
  @DisplayName("sign-ins that never come back leave when their time is up, oldest first")
  void expire() {
    PendingLogins p = new PendingLogins(2, 1_000);
    assertTrue(p.reserve("a", 0));
    assertTrue(p.reserve("b", 500));
    assertFalse(p.reserve("c", 999));
    assertTrue(p.reserve("c", 1_000));
    assertEquals(2, p.size(1_000));
    assertEquals(1, p.size(1_500), "a and b are gone");
    assertEquals(0, p.size(2_000));
  }
}
