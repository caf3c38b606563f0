package org.siteconnect.gateway.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Who may be handed a chat of a button (ButtonAvailability.whyNotTake, takers): the transfer's checks. */
class TransferRulesTest {
  private static final String SALES = "acme/sales";
  private static final String SUPPORT = "acme/support";

  @Test
  @DisplayName(
      "serving, switched on and connected (or in the grace) may take a chat; the reasons otherwise")
  void reasons() {
    ButtonAvailability b = new ButtonAvailability(List.of(SALES, SUPPORT));
    assertEquals("not-available", b.whyNotTake("nobody", SALES, 0), "never seen");
    b.describe("ann", Set.of(SALES), 2, 0);
    assertEquals("not-serving", b.whyNotTake("ann", SUPPORT, 0));
    assertEquals("not-available", b.whyNotTake("ann", SALES, 0), "not switched on");
    b.setAvailable("ann", SALES, true, 0);
    assertEquals("not-available", b.whyNotTake("ann", SALES, 0), "no console");
    b.consoleConnected("ann", "c1", 0);
    assertNull(b.whyNotTake("ann", SALES, 0));
    b.consoleDisconnected("ann", "c1", 1000, 0);
    assertNull(b.whyNotTake("ann", SALES, 500), "within the grace");
    assertEquals("not-available", b.whyNotTake("ann", SALES, 1001), "after the grace");
  }

  @Test
  @DisplayName(
      "takers lists those who may take a chat now, with their load, also when at their limit")
  void takers() {
    ButtonAvailability b = new ButtonAvailability(List.of(SALES));
    for (String login : List.of("ann", "bob", "cy")) {
      b.describe(login, Set.of(SALES), 1, 0);
      b.consoleConnected(login, "c-" + login, 0);
    }
    b.setAvailable("ann", SALES, true, 0);
    b.setAvailable("bob", SALES, true, 0);
    b.chatsChanged("bob", 1, 0);
    var takers = b.takers(SALES, 0);
    assertEquals(Set.of("ann", "bob"), takers.keySet(), "cy is not switched on");
    assertEquals(1, takers.get("bob")[0]);
    assertEquals(1, takers.get("bob")[1]);
  }
}
