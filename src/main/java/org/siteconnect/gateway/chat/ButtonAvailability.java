package org.siteconnect.gateway.chat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which chat buttons are enabled: a button ({@code site/id}) is enabled while at least one agent who serves it
 * is available — logged in, console connected (or within the disconnect grace), marked available for that
 * button — and under their concurrent-chat limit. Every mutator returns the buttons whose state flipped.
 * Not thread-safe: owned by the chat-button verticle.
 */
public final class ButtonAvailability {

  private static final class AgentState {
    Set<String> serves = Set.of();
    final Set<String> available = new HashSet<>();
    /** Console connections by id: re-asserting one after a leader change does not count it twice. */
    final Set<String> connections = new HashSet<>(2);

    long graceUntil;
    int activeChats;
    int maxChats = 1;
  }

  private final Map<String, Boolean> enabled = new LinkedHashMap<>();
  private final Map<String, AgentState> agents = new HashMap<>();

  public ButtonAvailability(List<String> buttons) {
    buttons.forEach(b -> enabled.put(b, false));
  }

  public boolean isEnabled(String button) {
    return enabled.getOrDefault(button, false);
  }

  public boolean isKnown(String button) {
    return enabled.containsKey(button);
  }

  public boolean isAvailable(String login, String button) {
    AgentState a = agents.get(login);
    return a != null && a.available.contains(button);
  }

  /** The agent's account data (buttons served, chat limit), refreshed on every event about it. */
  public List<String> describe(String login, Set<String> serves, int maxChats, long now) {
    AgentState a = agents.computeIfAbsent(login, l -> new AgentState());
    a.serves = Set.copyOf(serves);
    a.available.retainAll(a.serves);
    a.maxChats = maxChats;
    return recompute(now);
  }

  public List<String> setAvailable(String login, String button, boolean available, long now) {
    AgentState a = agents.computeIfAbsent(login, l -> new AgentState());
    if (available && a.serves.contains(button)) {
      a.available.add(button);
    } else {
      a.available.remove(button);
    }
    return recompute(now);
  }

  /**
   * The agent's availability and chat limit as an earlier leader knew them (the rest of the account data follows
   * with the presence); it counts as connected until {@code graceUntil}, by when its console has been re-asserted
   * or has reconnected. The limit travels too: the new leader's chat service may report the agent's chats before
   * the presence arrives, and the default limit of one would switch a button off for that moment.
   */
  public void restoreAvailable(String login, Set<String> buttons, int maxChats, long graceUntil) {
    AgentState a = agents.computeIfAbsent(login, l -> new AgentState());
    a.available.addAll(buttons);
    a.maxChats = maxChats;
    a.graceUntil = Math.max(a.graceUntil, graceUntil);
  }

  /** Until when the agent counts as connected: forever while a console is, else the end of its grace. */
  public long connectedUntil(String login) {
    AgentState a = agents.get(login);
    return a == null ? 0 : a.connections.isEmpty() ? a.graceUntil : Long.MAX_VALUE;
  }

  /**
   * Why the agent may not take a chat of {@code button} now (a transfer), or null: it must serve the button (as far as
   * its console told; an agent never seen is just not available), be marked available for it and be connected (or within its grace). Its chat limit is the caller's to check.
   */
  public String whyNotTake(String login, String button, long now) {
    AgentState a = agents.get(login);
    if (a != null && !a.serves.contains(button)) {
      return "not-serving";
    }
    if (a == null // not signed in since this service started
        || !a.available.contains(button)
        || (a.connections.isEmpty() && a.graceUntil <= now)) {
      return "not-available";
    }
    return null;
  }

  /** The agents who may take a chat of {@code button} now, with their load (a transfer's choices). */
  public Map<String, int[]> takers(String button, long now) {
    Map<String, int[]> out = new java.util.TreeMap<>();
    agents.forEach((login, a) -> {
      if (whyNotTake(login, button, now) == null) {
        out.put(login, new int[] {a.activeChats, a.maxChats});
      }
    });
    return out;
  }

  public int maxChatsOf(String login) {
    AgentState a = agents.get(login);
    return a == null ? 1 : a.maxChats;
  }

  /** The buttons the agent marked available (what a new leader needs to restore). */
  public Set<String> availableOf(String login) {
    AgentState a = agents.get(login);
    return a == null ? Set.of() : Set.copyOf(a.available);
  }

  public List<String> consoleConnected(String login, String connectionId, long now) {
    agents.computeIfAbsent(login, l -> new AgentState()).connections.add(connectionId);
    return recompute(now);
  }

  public List<String> consoleDisconnected(
      String login, String connectionId, long graceMillis, long now) {
    AgentState a = agents.get(login);
    if (a != null && a.connections.remove(connectionId) && a.connections.isEmpty()) {
      a.graceUntil = now + graceMillis;
    }
    return recompute(now);
  }

  public List<String> chatsChanged(String login, int activeChats, long now) {
    agents.computeIfAbsent(login, l -> new AgentState()).activeChats = activeChats;
    return recompute(now);
  }

  /** Logout or account deleted: the agent stops counting at once, no grace. */
  public List<String> loggedOut(String login, long now) {
    agents.remove(login);
    return recompute(now);
  }

  /** Call when a grace period may have run out. */
  public List<String> tick(long now) {
    return recompute(now);
  }

  private boolean counts(AgentState a, long now) {
    boolean connected = !a.connections.isEmpty() || a.graceUntil > now;
    return connected && a.activeChats < a.maxChats;
  }

  private List<String> recompute(long now) {
    Set<String> on = new HashSet<>();
    for (AgentState a : agents.values()) {
      if (counts(a, now)) {
        on.addAll(a.available);
      }
    }
    List<String> flipped = new ArrayList<>();
    for (Map.Entry<String, Boolean> e : enabled.entrySet()) {
      boolean now2 = on.contains(e.getKey());
      if (now2 != e.getValue()) {
        e.setValue(now2);
        flipped.add(e.getKey());
      }
    }
    return flipped;
  }
}
