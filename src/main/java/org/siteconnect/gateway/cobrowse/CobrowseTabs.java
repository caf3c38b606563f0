package org.siteconnect.gateway.cobrowse;

import java.util.ArrayList;
import java.util.List;

/**
 * The visitor's tabs in one co-browse: the page session that was asked (the owner) and the sessions of other tabs of
 * the same browser that joined with the co-browse's join ticket, in the order they came. One tab records at a time
 * (site_connect.js lets the visible, last focused tab record); the tab whose full snapshot came last is the
 * current one: only its batches reach the agent, and the agent's pointer and resync requests go to it. Not
 * thread-safe: owned by the co-browse verticle.
 */
final class CobrowseTabs {
  private final String ticket;
  private final List<String> sessions = new ArrayList<>();
  private String current;

  CobrowseTabs(String ownerSession, String ticket) {
    this.ticket = ticket;
    sessions.add(ownerSession);
    current = ownerSession;
  }

  String ticket() {
    return ticket;
  }

  /** Adds a tab's session; false when it is already one of them. */
  boolean join(String session) {
    if (sessions.contains(session)) {
      return false;
    }
    sessions.add(session);
    return true;
  }

  /** A tab's session ended; true when no tab is left. */
  boolean leave(String session) {
    sessions.remove(session);
    if (session.equals(current)) {
      current = null; // the next tab that records (with a full snapshot) becomes the current one
    }
    return sessions.isEmpty();
  }

  boolean has(String session) {
    return sessions.contains(session);
  }

  /** Whether a batch from this session goes to the agent: the current tab's, or a full snapshot (it takes over). */
  boolean relay(String session, boolean full) {
    if (!sessions.contains(session)) {
      return false;
    }
    if (full) {
      current = session;
    }
    return session.equals(current);
  }

  /** The session the agent sees (its pointer and resync requests go there); the owner's until another recorded. */
  String current() {
    return current != null
        ? current
        : sessions.isEmpty() ? null : sessions.get(sessions.size() - 1);
  }

  /** The tab whose batches reach the agent; null after it left, until another sends a full snapshot. */
  String recording() {
    return current;
  }

  /** Another node's copy of the tabs ({@link LocalRelay}): these sessions, this recording tab. */
  static CobrowseTabs of(List<String> sessions, String recording) {
    CobrowseTabs t = new CobrowseTabs(sessions.get(0), "");
    sessions.stream().skip(1).forEach(t.sessions::add);
    t.current = recording != null && t.sessions.contains(recording) ? recording : null;
    return t;
  }

  /** 1-based position of the session among the tabs, 0 when it is not one. */
  int index(String session) {
    return sessions.indexOf(session) + 1;
  }

  int size() {
    return sessions.size();
  }

  List<String> sessions() {
    return List.copyOf(sessions);
  }
}
