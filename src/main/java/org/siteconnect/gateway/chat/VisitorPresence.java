package org.siteconnect.gateway.chat;

import io.vertx.core.Vertx;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Presence truth for chats (docs/LIFECYCLE.md): a grace timer per page session whose last connection went (the
 * chat service decides what "gone" means when it fires), the chats whose agent was told "left", and the
 * visitor's tab state ({@code reading} / {@code away}) relayed at most once per {@link #MIN_RELAY_MILLIS} per
 * session, only on change; a change that comes sooner is held and relayed when the interval is over (the last
 * one wins). Not thread-safe: owned by the chat verticle.
 */
final class VisitorPresence {
  static final long MIN_RELAY_MILLIS = 1_000;
  static final Set<String> TAB_STATES = Set.of("reading", "away");

  private final Vertx vertx;
  private final long graceMillis;
  private final Consumer<String> gone;
  private final BiConsumer<String, String> relay;
  /** Grace timers by session id. */
  private final Map<String, Long> timers = new HashMap<>();
  /** Chat ids whose agent was told the visitor left. */
  private final Set<String> left = new HashSet<>();

  private final Map<String, String> relayed = new HashMap<>();
  private final Map<String, Long> relayedAt = new HashMap<>();
  private final Map<String, String> held = new HashMap<>();
  /** When the visitor last said typing:true, by session id (gone when they said typing:false). */
  private final Map<String, Long> typingAt = new HashMap<>();
  /** How long a typing:true counts without a repeat (the frame repeats it every 2.5 s, stops after 3 s quiet). */
  static final long TYPING_MILLIS = 3_500;

  /**
   * @param gone called with a session id once the grace ran out without a connection
   * @param relay called with a session id and a tab state to tell the chat's agent
   */
  VisitorPresence(
      Vertx vertx, long graceMillis, Consumer<String> gone, BiConsumer<String, String> relay) {
    this.vertx = vertx;
    this.graceMillis = graceMillis;
    this.gone = gone;
    this.relay = relay;
  }

  /** The session's last connection went (or, after a restart, none has come yet): the grace starts. */
  void disconnected(String sid, long graceMillisOrDefault) {
    cancel(sid);
    long delay = Math.max(1, graceMillisOrDefault > 0 ? graceMillisOrDefault : graceMillis);
    timers.put(sid, vertx.setTimer(delay, id -> {
      if (timers.remove(sid, id)) {
        gone.accept(sid);
      }
    }));
  }

  /** A connection came: no grace runs; true when the chat's agent had been told "left" (now: "back"). */
  boolean connected(String sid, String chatId) {
    cancel(sid);
    return chatId != null && left.remove(chatId);
  }

  /** The agent of this chat was told the visitor left; false if it already was. */
  boolean markLeft(String chatId) {
    return left.add(chatId);
  }

  /** A tab state from the page; relays it now, later (held) or not at all (no change, or not a state). */
  void tabState(String sid, Object state, long now) {
    if (!(state instanceof String s) || !TAB_STATES.contains(s)) {
      return;
    }
    if (held.containsKey(sid)) {
      held.put(sid, s);
      return;
    }
    if (s.equals(relayed.get(sid))) {
      return;
    }
    long wait = relayedAt.getOrDefault(sid, Long.MIN_VALUE / 2) + MIN_RELAY_MILLIS - now;
    if (wait > 0) {
      held.put(sid, s);
      vertx.setTimer(wait, id -> {
        String last = held.remove(sid);
        if (last != null && !last.equals(relayed.get(sid))) {
          send(sid, last, System.currentTimeMillis());
        }
      });
      return;
    }
    send(sid, s, now);
  }

  /** The visitor's typing state in an active chat, kept for a new holder (a transfer). */
  void typing(String sid, boolean on, long now) {
    if (on) {
      typingAt.put(sid, now);
    } else {
      typingAt.remove(sid);
    }
  }

  /**
   * What a new holder of the chat (after a transfer) must see at once: {@code left}, else the last tab state
   * relayed or held ({@code reading} / {@code away}), else null; and whether the visitor is typing now.
   */
  String stateOf(String sid, String chatId) {
    if (chatId != null && left.contains(chatId)) {
      return "left";
    }
    return held.getOrDefault(sid, relayed.get(sid));
  }

  boolean typingNow(String sid, long now) {
    Long at = typingAt.get(sid);
    return at != null && now - at < TYPING_MILLIS;
  }

  private void send(String sid, String state, long now) {
    relayed.put(sid, state);
    relayedAt.put(sid, now);
    relay.accept(sid, state);
  }

  /** The chat or the session is over: nothing about it is kept. */
  void forget(String sid, String chatId) {
    cancel(sid);
    relayed.remove(sid);
    relayedAt.remove(sid);
    held.remove(sid);
    typingAt.remove(sid);
    if (chatId != null) {
      left.remove(chatId);
    }
  }

  private void cancel(String sid) {
    Long timer = timers.remove(sid);
    if (timer != null) {
      vertx.cancelTimer(timer);
    }
  }
}
