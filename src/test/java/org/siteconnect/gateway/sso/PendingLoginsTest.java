package org.siteconnect.gateway.sso;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.siteconnect.gateway.sso.PendingLogins.Reservation;

class PendingLoginsTest {
  @Test
  @DisplayName("at most max sign-ins are open; one coming back frees its place")
  void bounded() {
    PendingLogins p = new PendingLogins(3, 10, 1_000);
    assertEquals(Reservation.RESERVED, p.reserve("a", "x", 0));
    assertEquals(Reservation.RESERVED, p.reserve("b", "y", 10));
    assertEquals(Reservation.RESERVED, p.reserve("c", "z", 20));
    assertEquals(Reservation.NODE_FULL, p.reserve("d", "w", 30));
    assertEquals(970, p.retryAfterMillis(30), "until the oldest expires");
    p.release("b");
    assertEquals(Reservation.RESERVED, p.reserve("d", "w", 40));
    assertEquals(3, p.size(40));
  }

  @Test
  @DisplayName(
      "one address holds at most maxPerAddress places; a return or an expiry gives one back")
  void perAddress() {
    PendingLogins p = new PendingLogins(100, 2, 1_000);
    assertEquals(Reservation.RESERVED, p.reserve("a", "x", 0));
    assertEquals(Reservation.RESERVED, p.reserve("b", "x", 0));
    assertEquals(Reservation.ADDRESS_FULL, p.reserve("c", "x", 0));
    assertEquals(Reservation.RESERVED, p.reserve("c", "y", 0), "another address is not held up");
    p.release("a");
    assertEquals(Reservation.RESERVED, p.reserve("d", "x", 10));
    assertEquals(Reservation.ADDRESS_FULL, p.reserve("e", "x", 999));
    assertEquals(Reservation.RESERVED, p.reserve("e", "x", 1_000), "b expired");
  }

  @Test
  @DisplayName("sign-ins that never come back leave when their time is up, oldest first")
  void expire() {
    PendingLogins p = new PendingLogins(2, 10, 1_000);
    assertEquals(Reservation.RESERVED, p.reserve("a", "x", 0));
    assertEquals(Reservation.RESERVED, p.reserve("b", "x", 500));
    assertEquals(Reservation.NODE_FULL, p.reserve("c", "x", 999));
    assertEquals(Reservation.RESERVED, p.reserve("c", "x", 1_000));
    assertEquals(2, p.size(1_000));
    assertEquals(1, p.size(1_500), "a and b are gone");
    assertEquals(0, p.size(2_000));
  }
}
