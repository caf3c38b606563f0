package org.siteconnect.gateway.privacy;

import java.util.HashSet;
import java.util.Set;

/**
 * One visitor as the stores know them: the chats and left messages found for a selector, and the page sessions
 * (browser tabs) they came from. {@code seedChatIds} and {@code seedLeftMessageIds} are those the selector named
 * itself (the others came through their tab). {@code truncated}: a look-up limit was reached, so an erasure must
 * run again.
 */
public record Visitor(
    VisitorSelector selector,
    Set<String> chatIds,
    Set<String> sessionIds,
    Set<String> leftMessageIds,
    Set<String> seedChatIds,
    Set<String> seedLeftMessageIds,
    boolean truncated) {

  /**
   * What one erasure round takes: everything, unless the look-up was truncated — then the seeds stay for the next
   * round, because the records of their tab not reached yet are found only through them (unless nothing else is
   * left to take).
   */
  Visitor thisRound() {
    if (!truncated) {
      return this;
    }
    Set<String> chats = new HashSet<>(chatIds);
    chats.removeAll(seedChatIds);
    Set<String> left = new HashSet<>(leftMessageIds);
    left.removeAll(seedLeftMessageIds);
    if (chats.isEmpty() && left.isEmpty()) {
      return this;
    }
    return new Visitor(
        selector, Set.copyOf(chats), sessionIds, Set.copyOf(left), Set.of(), Set.of(), true);
  }
}
