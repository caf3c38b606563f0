package org.siteconnect.gateway.chat;

import io.vertx.core.Vertx;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The visitor's typing state to the chat's agents, at most once per {@code minMillis} per chat: a state that comes
 * sooner is held and relayed when the interval is over, if it differs from the one relayed (the last one wins, so
 * "stopped typing" is never lost). Not thread-safe: owned by the chat verticle.
 */
final class TypingRelay {
  private final Vertx vertx;
  private final long minMillis;
  private final BiConsumer<String, Boolean> relay;
  private final Map<String, Boolean> relayed = new HashMap<>();
  private final Map<String, Long> relayedAt = new HashMap<>();
  private final Map<String, Boolean> held = new HashMap<>();
  private final Map<String, Long> timers = new HashMap<>();

  /** @param relay called with a chat id and a typing state to tell its agents */
  TypingRelay(Vertx vertx, long minMillis, BiConsumer<String, Boolean> relay) {
    this.vertx = vertx;
    this.minMillis = minMillis;
    this.relay = relay;
  }

  void typing(String chatId, boolean on, long now) {
    Long at = relayedAt.get(chatId);
    if (at == null || now - at >= minMillis) {
      send(chatId, on, now);
      return;
    }
    held.put(chatId, on);
    if (!timers.containsKey(chatId)) {
      timers.put(chatId, vertx.setTimer(Math.max(1, at + minMillis - now), id -> {
        timers.remove(chatId);
        Boolean last = held.remove(chatId);
        if (last != null && !last.equals(relayed.get(chatId))) {
          send(chatId, last, System.currentTimeMillis());
        }
      }));
    }
  }

  /** The chat ended: its held state and timer go. */
  void forget(String chatId) {
    Long timer = timers.remove(chatId);
    if (timer != null) {
      vertx.cancelTimer(timer);
    }
    relayed.remove(chatId);
    relayedAt.remove(chatId);
    held.remove(chatId);
  }

  private void send(String chatId, boolean on, long now) {
    relayed.put(chatId, on);
    relayedAt.put(chatId, now);
    relay.accept(chatId, on);
  }
}
