package org.siteconnect.gateway.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ButtonAvailabilityTest {
  private static final String SALES = "acme/sales";
  private static final String SUPPORT = "acme/support";
  private ButtonAvailability buttons;

  @BeforeEach
  void setUp() {
    buttons = new ButtonAvailability(List.of(SALES, SUPPORT));
    buttons.describe("ann", Set.of(SALES, SUPPORT), 2, 0);
  }

  @Test
  @DisplayName("a button needs an agent who is connected and available for it")
  void needsConnectedAndAvailable() {
    assertEquals(List.of(), buttons.setAvailable("ann", SALES, true, 0));
    assertEquals(List.of(SALES), buttons.consoleConnected("ann", "c-ann", 0));
    assertTrue(buttons.isEnabled(SALES));
    assertFalse(buttons.isEnabled(SUPPORT));
  }

  @Test
  @DisplayName("an agent cannot be available for a button they do not serve")
  void onlyServedButtons() {
    buttons.describe("bob", Set.of(SUPPORT), 1, 0);
    buttons.consoleConnected("bob", "c-bob", 0);
    assertEquals(List.of(), buttons.setAvailable("bob", SALES, true, 0));
  }

  @Test
  @DisplayName("after the console disconnects the agent counts until the grace period ends")
  void grace() {
    buttons.setAvailable("ann", SALES, true, 0);
    buttons.consoleConnected("ann", "c-ann", 0);
    assertEquals(List.of(), buttons.consoleDisconnected("ann", "c-ann", 60_000, 1_000));
    assertTrue(buttons.isEnabled(SALES));
    assertEquals(List.of(), buttons.tick(60_999));
    assertEquals(List.of(SALES), buttons.tick(61_000));
    assertEquals(
        List.of(SALES),
        buttons.consoleConnected("ann", "c-ann", 62_000),
        "reconnecting counts again");
  }

  @Test
  @DisplayName("an agent at the concurrent-chat limit stops counting; logout stops at once")
  void chatLimitAndLogout() {
    buttons.setAvailable("ann", SALES, true, 0);
    buttons.consoleConnected("ann", "c-ann", 0);
    assertEquals(List.of(SALES), buttons.chatsChanged("ann", 2, 0));
    assertEquals(List.of(SALES), buttons.chatsChanged("ann", 1, 0));
    assertEquals(List.of(SALES), buttons.loggedOut("ann", 0));
    assertFalse(buttons.isAvailable("ann", SALES));
  }

  @Test
  @DisplayName("two agents: the button stays enabled until the last one leaves")
  void twoAgents() {
    buttons.describe("bob", Set.of(SALES), 1, 0);
    for (String a : List.of("ann", "bob")) {
      buttons.setAvailable(a, SALES, true, 0);
      buttons.consoleConnected(a, "c-" + a, 0);
    }
    assertEquals(List.of(), buttons.setAvailable("ann", SALES, false, 0));
    assertEquals(List.of(SALES), buttons.setAvailable("bob", SALES, false, 0));
  }

  @Test
  @DisplayName(
      "a console re-asserted after a leader change counts once; availability restored by the new leader holds")
  void reassertedConsoleCountsOnce() {
    ButtonAvailability buttons = new ButtonAvailability(List.of(SALES));
    buttons.restoreAvailable("ann", java.util.Set.of(SALES), 2, 0);
    buttons.describe("ann", java.util.Set.of(SALES), 2, 0);
    assertEquals(List.of(SALES), buttons.consoleConnected("ann", "c-1", 0));
    buttons.consoleConnected("ann", "c-1", 0); // the router re-asserts the same connection
    assertEquals(
        List.of(), buttons.consoleDisconnected("ann", "c-1", 1_000, 0), "within the grace");
    assertEquals(
        List.of(SALES), buttons.tick(1_000), "one close ends it: the connection was counted once");
  }

  @Test
  @DisplayName(
      "a new leader keeps a restored agent's buttons on through the grace, off after it if no console came back")
  void takeOverKeepsButtonsThroughTheGrace() {
    ButtonAvailability buttons = new ButtonAvailability(List.of(SALES));
    buttons.restoreAvailable("ann", java.util.Set.of(SALES), 2, 60_000);
    assertEquals(List.of(SALES), buttons.tick(0), "enabled at once: no blink");
    assertEquals(List.of(), buttons.tick(59_999));
    assertEquals(List.of(SALES), buttons.tick(60_000), "nobody came back: off after the grace");
  }

  @Test
  @DisplayName(
      "a restored agent's chats reported before its presence keep the button on (the restored chat limit counts)")
  void restoredChatLimitHoldsBeforeThePresence() {
    ButtonAvailability buttons = new ButtonAvailability(List.of(SALES));
    buttons.restoreAvailable("ann", java.util.Set.of(SALES), 3, 60_000);
    assertEquals(List.of(SALES), buttons.tick(0));
    assertEquals(List.of(), buttons.chatsChanged("ann", 1, 1), "one chat of three: still on");
    assertEquals(List.of(SALES), buttons.chatsChanged("ann", 3, 2), "at the limit: off");
  }
}
