package org.siteconnect.gateway.transcript;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * Bounds transcript e-mails (docs/TRANSCRIPTS.md): per chat in all, per visitor (page session) and per address per
 * hour. One event-loop thread uses it; a request is counted against all three at once or against none.
 */
final class SendLimiter {
  private static final long HOUR_MS = 3_600_000L;
  private final int perChat;
  private final int perVisitor;
  private final int perAddress;
  private final Map<String, Deque<Long>> chats = new HashMap<>();
  private final Map<String, Deque<Long>> visitors = new HashMap<>();
  private final Map<String, Deque<Long>> addresses = new HashMap<>();

  SendLimiter(int perChat, int perVisitorPerHour, int perAddressPerHour) {
    this.perChat = perChat;
    this.perVisitor = perVisitorPerHour;
    this.perAddress = perAddressPerHour;
  }

  /** Null when allowed (and counted), else which limit refused it: chat, visitor or address. */
  String take(String chatId, String visitor, String address, long now) {
    Deque<Long> c = recent(chats, chatId, now - 30L * 24 * HOUR_MS);
    Deque<Long> v = recent(visitors, visitor, now - HOUR_MS);
    Deque<Long> a = recent(addresses, address.toLowerCase(java.util.Locale.ROOT), now - HOUR_MS);
    if (c.size() >= perChat) {
      return "chat";
    }
    if (v.size() >= perVisitor) {
      return "visitor";
    }
    if (a.size() >= perAddress) {
      return "address";
    }
    c.addLast(now);
    v.addLast(now);
    a.addLast(now);
    return null;
  }

  private static Deque<Long> recent(Map<String, Deque<Long>> map, String key, long since) {
    map.values().removeIf(d -> {
      while (!d.isEmpty() && d.peekFirst() < since) {
        d.pollFirst();
      }
      return d.isEmpty();
    });
    return map.computeIfAbsent(key, k -> new ArrayDeque<>());
  }
}
