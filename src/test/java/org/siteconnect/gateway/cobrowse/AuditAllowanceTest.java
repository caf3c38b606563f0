package org.siteconnect.gateway.cobrowse;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The audit rows a co-browse's pages may cause: a number per minute, the rest counted. */
class AuditAllowanceTest {
  @Test
  @DisplayName(
      "per co-browse: the first rows of a minute pass, the rest are counted and handed to the next minute's first row, or at the end")
  void windowAndLeftOut() {
    AuditAllowance a = new AuditAllowance(2);
    assertEquals(0, a.take("c1", 1_000));
    assertEquals(0, a.take("c1", 1_001));
    assertEquals(-1, a.take("c1", 1_002));
    assertEquals(-1, a.take("c1", 30_000));
    assertEquals(0, a.take("c2", 30_000), "another co-browse has its own");
    assertEquals(2, a.take("c1", 61_000), "a new minute: its first row says 2 were left out");
    assertEquals(0, a.take("c1", 61_001));
    assertEquals(-1, a.take("c1", 61_002));
    assertEquals(1, a.forget("c1"));
    assertEquals(0, a.forget("c1"));
  }
}
