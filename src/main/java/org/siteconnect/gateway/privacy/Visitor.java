package org.siteconnect.gateway.privacy;

import java.util.Set;

/**
 * One visitor as the stores know them: the chats and left messages found for a selector, and the page sessions
 * (browser tabs) they came from. {@code truncated}: a look-up limit was reached, so an erasure must run again.
 */
public record Visitor(
    VisitorSelector selector,
    Set<String> chatIds,
    Set<String> sessionIds,
    Set<String> leftMessageIds,
    boolean truncated) {}
