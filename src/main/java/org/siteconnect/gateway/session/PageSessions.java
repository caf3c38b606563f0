package org.siteconnect.gateway.session;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Live page sessions of this node, by id and by resume token. A session lives while a connection holds it;
 * once detached it ends after the idle TTL, or after the short resume grace when the page said {@code bye}
 * (it is unloading; a navigation to the next page of the site resumes within the grace).
 * Not thread-safe: owned by the frame-session verticle.
 */
final class PageSessions {
  private final int maxSessions;
  private final long idleTtlMillis;
  private final long resumeGraceMillis;
  private final Map<String, PageSession> byId = new HashMap<>();
  private final Map<String, PageSession> byResumeToken = new HashMap<>();
  private final Map<String, PageSession> byHandle = new HashMap<>();

  PageSessions(int maxSessions, long idleTtlMillis, long resumeGraceMillis) {
    this.maxSessions = maxSessions;
    this.idleTtlMillis = idleTtlMillis;
    this.resumeGraceMillis = resumeGraceMillis;
  }

  boolean atCapacity() {
    return byId.size() >= maxSessions;
  }

  /** A new session, held by the connection that asked for it. */
  void add(PageSession session, String connectionId) {
    session.connections.add(connectionId);
    index(session);
  }

  /**
   * A session taken over from an earlier leader: nobody holds it until a router re-asserts a connection or
   * the page resumes; otherwise it ends after the idle TTL.
   */
  void takeOver(PageSession session, long now) {
    session.connected = false;
    session.expiresAt = now + idleTtlMillis;
    index(session);
  }

  /** A router says this connection holds the session (after a leader change). */
  boolean reattach(String sessionId, String connectionId) {
    PageSession session = byId.get(sessionId);
    if (session == null) {
      return false;
    }
    hold(session, connectionId);
    return true;
  }

  private void index(PageSession session) {
    byId.put(session.id, session);
    byResumeToken.put(session.resumeToken, session);
    byHandle.put(session.handle, session);
  }

  Optional<PageSession> byHandle(String handle) {
    return Optional.ofNullable(byHandle.get(handle));
  }

  /** Live sessions of the given sites, oldest first. */
  List<PageSession> ofSites(java.util.Collection<String> siteKeys) {
    return byId.values().stream().filter(s -> siteKeys.contains(s.siteKey))
        .sorted(java.util.Comparator.comparingLong(s -> s.startedAt)).toList();
  }

  /** A reconnecting page of the same site takes its session back; the idle clock stops. */
  Optional<PageSession> resume(String resumeToken, String siteKey, String connectionId) {
    PageSession session = byResumeToken.get(resumeToken);
    if (session == null || !session.siteKey.equals(siteKey)) {
      return Optional.empty();
    }
    hold(session, connectionId);
    return Optional.of(session);
  }

  private static void hold(PageSession session, String connectionId) {
    session.expiresAt = Long.MAX_VALUE;
    session.connected = true;
    session.connections.add(connectionId);
  }

  void detached(String sessionId, String connectionId, boolean bye, long now) {
    PageSession session = byId.get(sessionId);
    if (session != null && session.connections.remove(connectionId) && session.connections.isEmpty()) {
      session.expiresAt = now + (bye ? Math.min(resumeGraceMillis, idleTtlMillis) : idleTtlMillis);
      session.connected = false;
    }
  }

  /** Removes and returns the sessions whose time is up. */
  List<PageSession> expire(long now) {
    List<PageSession> ended = new ArrayList<>();
    for (Iterator<PageSession> it = byId.values().iterator(); it.hasNext(); ) {
      PageSession session = it.next();
      if (session.expiresAt <= now) {
        it.remove();
        byResumeToken.remove(session.resumeToken);
        byHandle.remove(session.handle);
        ended.add(session);
      }
    }
    return ended;
  }

  Optional<PageSession> get(String sessionId) {
    return Optional.ofNullable(byId.get(sessionId));
  }

  int size() {
    return byId.size();
  }
}
