package org.siteconnect.gateway.chat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The live chats of this node: waiting (oldest first) and active, by id and by page session, plus the input
 * rules (size, emptiness, the visitor's rate per chat). Not thread-safe: owned by the chat verticle.
 */
final class Conversations {
  private final Map<String, ChatRecord> live = new LinkedHashMap<>();
  private final Map<String, String> bySession = new HashMap<>();
  /** The visitor's recent sends by chat id: the count moves with the chat when its page session changes. */
  private final Map<String, Deque<Long>> sends = new HashMap<>();
  /** Places in a site's queue held for requests being stored. */
  private final Map<String, Integer> held = new HashMap<>();

  private final int maxMessageBytes;
  private final int maxMessagesPerMinute;

  Conversations(int maxMessageBytes, int maxMessagesPerMinute) {
    this.maxMessageBytes = maxMessageBytes;
    this.maxMessagesPerMinute = maxMessagesPerMinute;
  }

  /** A refused chat line: a code for the UI and a sentence. */
  record Refusal(String code, String message) {}

  void put(ChatRecord chat) {
    if (ChatRecord.ENDED.equals(chat.state())) {
      live.remove(chat.id());
      bySession.remove(chat.sessionId(), chat.id());
      sends.remove(chat.id());
    } else {
      ChatRecord before = live.put(chat.id(), chat);
      if (before != null && !before.sessionId().equals(chat.sessionId())) {
        bySession.remove(before.sessionId(), chat.id());
      }
      bySession.put(chat.sessionId(), chat.id());
    }
  }

  Optional<ChatRecord> get(String chatId) {
    return Optional.ofNullable(live.get(chatId));
  }

  Optional<ChatRecord> ofSession(String sessionId) {
    String id = bySession.get(sessionId);
    return id == null ? Optional.empty() : get(id);
  }

  /** Every live chat of a page session (one, unless the store held more from before a restart). */
  List<ChatRecord> allOfSession(String sessionId) {
    return live.values().stream().filter(c -> c.sessionId().equals(sessionId)).toList();
  }

  /**
   * Holds a place in the site's queue for a request being stored, unless the queue (waiting plus held places)
   * has {@code max} already; true when held. Exactly one {@link #releaseWaiting} must follow.
   */
  boolean holdWaiting(String site, int max) {
    if (waiting(site).size() + held.getOrDefault(site, 0) >= max) {
      return false;
    }
    held.merge(site, 1, Integer::sum);
    return true;
  }

  void releaseWaiting(String site) {
    held.merge(site, -1, (a, b) -> a + b == 0 ? null : a + b);
  }

  /** Waiting chats of a site, oldest first. */
  List<ChatRecord> waiting(String site) {
    List<ChatRecord> out = new ArrayList<>();
    for (ChatRecord c : live.values()) {
      if (ChatRecord.WAITING.equals(c.state()) && c.site().equals(site)) {
        out.add(c);
      }
    }
    out.sort((a, b) -> Long.compare(a.createdAt(), b.createdAt()));
    return out;
  }

  /** Live chats created before the cut-off. */
  List<ChatRecord> startedBefore(long cutoffMillis) {
    return live.values().stream().filter(c -> c.createdAt() < cutoffMillis).toList();
  }

  int waitingCount() {
    return (int)
        live.values().stream().filter(c -> ChatRecord.WAITING.equals(c.state())).count();
  }

  int activeCount() {
    return (int)
        live.values().stream().filter(c -> ChatRecord.ACTIVE.equals(c.state())).count();
  }

  int activeChatsOf(String login) {
    int n = 0;
    for (ChatRecord c : live.values()) {
      if (ChatRecord.ACTIVE.equals(c.state()) && login.equals(c.agentLogin())) {
        n++;
      }
    }
    return n;
  }

  /** Checks a chat line; {@code null} when it may be stored. */
  Refusal check(Object text) {
    if (!(text instanceof String s)) {
      return new Refusal("not-text", "a chat message must be text");
    }
    if (s.isBlank()) {
      return new Refusal("empty", "an empty message is not sent");
    }
    if (s.getBytes(StandardCharsets.UTF_8).length > maxMessageBytes) {
      return new Refusal("too-long", "a message may be at most " + maxMessageBytes + " bytes");
    }
    return null;
  }

  /**
   * The visitor's sliding minute of a chat: true when this send is within the rate. Counted per chat, not per
   * page session, so a chat moved to a new session ({@code chat/sync}) keeps its count.
   */
  boolean allowSend(String chatId, long now) {
    Deque<Long> times = sends.computeIfAbsent(chatId, s -> new ArrayDeque<>());
    while (!times.isEmpty() && times.peekFirst() <= now - 60_000) {
      times.pollFirst();
    }
    if (times.size() >= maxMessagesPerMinute) {
      return false;
    }
    times.addLast(now);
    return true;
  }
}
