package org.siteconnect.gateway.session;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.siteconnect.gateway.bus.SecretHashes;

/**
 * Live page sessions of this node, by id and by resume token. A session lives while a connection holds it;
 * once detached it ends after the idle TTL, or after the short resume grace when the page said {@code bye}
 * (it is unloading; a navigation to the next page of the site resumes within the grace).
 *
 * <p>A connection holds at most one session: a new session or a resume for a connection that already holds
 * another one detaches the other (else a socket that asked twice would orphan a session marked connected
 * forever). New sessions are counted when they are asked for ({@link #admit}), before the asynchronous code
 * claim, so concurrent hellos cannot overshoot the node cap or the per-address cap.
 * Not thread-safe: owned by the frame-session verticle.
 */
final class PageSessions {
  /** Why {@link #admit} refused: the node is full, or the client address holds its share. */
  static final String SESSION_CAP = "session-cap";

  static final String ADDRESS_LIMIT = "address-limit";

  private final int maxSessions;
  private final int maxPerAddress;
  private final int maxSocketsPerSession;
  private final long idleTtlMillis;
  private final long resumeGraceMillis;
  private final Map<String, PageSession> byId = new HashMap<>();
  /** By the SHA-256 of the resume token (a session restored from the database knows only that). */
  private final Map<String, PageSession> byResumeHash = new HashMap<>();

  private final Map<String, PageSession> byHandle = new HashMap<>();
  private final Map<String, PageSession> byConnection = new HashMap<>();
  /**
   * The sessions no connection holds, whose idle clock runs: {@link #expire} looks at these only (issue 22: a
   * sweep of every session every few seconds was a tenth of an idle node's event-loop time at 10,000 pages).
   */
  private final Set<PageSession> detached = new HashSet<>();

  /** Live sessions plus admitted-but-not-yet-added ones, per client address. */
  private final Map<String, Integer> perAddress = new HashMap<>();

  private int admitted;

  PageSessions(
      int maxSessions,
      int maxPerAddress,
      int maxSocketsPerSession,
      long idleTtlMillis,
      long resumeGraceMillis) {
    this.maxSessions = maxSessions;
    this.maxPerAddress = maxPerAddress;
    this.maxSocketsPerSession = maxSocketsPerSession;
    this.idleTtlMillis = idleTtlMillis;
    this.resumeGraceMillis = resumeGraceMillis;
  }

  boolean atCapacity() {
    return byId.size() + admitted >= maxSessions;
  }

  /**
   * Reserves room for a new session of {@code address} (null: unknown, not counted per address). Returns null when
   * admitted — then exactly one {@link #add} or {@link #cancel} with the same address must follow — else the
   * refusal ({@link #SESSION_CAP} or {@link #ADDRESS_LIMIT}).
   */
  String admit(String address) {
    if (atCapacity()) {
      return SESSION_CAP;
    }
    if (address != null && perAddress.getOrDefault(address, 0) >= maxPerAddress) {
      return ADDRESS_LIMIT;
    }
    admitted++;
    count(address, 1);
    return null;
  }

  /** An admitted session that will not be added after all (no code). */
  void cancel(String address) {
    admitted--;
    count(address, -1);
  }

  /** A new (admitted) session, held by the connection that asked for it. */
  void add(PageSession session, String connectionId, long now) {
    admitted--;
    index(session);
    hold(session, connectionId, now);
  }

  /**
   * A session taken over from an earlier leader: nobody holds it until a router re-asserts a connection or
   * the page resumes; otherwise it ends after the idle TTL.
   */
  void takeOver(PageSession session, long now) {
    session.connected = false;
    session.expiresAt = now + idleTtlMillis;
    detached.add(session);
    index(session);
    count(session.address, 1);
  }

  /** Whether a live session has this id (one restored from the database is skipped when the cluster map had it). */
  boolean has(String sessionId) {
    return byId.containsKey(sessionId);
  }

  /** Whether a connection holds the session now. */
  boolean isConnected(String sessionId) {
    PageSession session = byId.get(sessionId);
    return session != null && session.connected;
  }

  /** A router says this connection holds the session (after a leader change). */
  boolean reattach(String sessionId, String connectionId, long now) {
    PageSession session = byId.get(sessionId);
    if (session == null) {
      return false;
    }
    hold(session, connectionId, now);
    return true;
  }

  private void index(PageSession session) {
    byId.put(session.id, session);
    byResumeHash.put(session.resumeHash, session);
    byHandle.put(session.handle, session);
  }

  private void count(String address, int delta) {
    if (address != null) {
      perAddress.merge(address, delta, (a, b) -> a + b == 0 ? null : a + b);
    }
  }

  Optional<PageSession> byHandle(String handle) {
    return Optional.ofNullable(byHandle.get(handle));
  }

  /** Live sessions of the given sites, oldest first. */
  List<PageSession> ofSites(java.util.Collection<String> siteKeys) {
    return byId.values().stream()
        .filter(s -> siteKeys.contains(s.siteKey))
        .sorted(java.util.Comparator.comparingLong(s -> s.startedAt))
        .toList();
  }

  /**
   * A reconnecting page of the same site takes its session back; the idle clock stops. Empty when there is no such
   * session, or when {@code maxSocketsPerSession} sockets hold it already (each socket is a way to more
   * subscriptions and messages a second; the page then starts a session of its own).
   */
  Optional<PageSession> resume(String resumeToken, String siteKey, String connectionId, long now) {
    PageSession session = byResumeHash.get(SecretHashes.sha256Hex(resumeToken));
    if (session == null || !session.siteKey.equals(siteKey)) {
      return Optional.empty();
    }
    List<String> holding = session.connections();
    if (holding.size() >= maxSocketsPerSession && !holding.contains(connectionId)) {
      return Optional.empty();
    }
    session.resumeToken = resumeToken;
    hold(session, connectionId, now);
    return Optional.of(session);
  }

  private void hold(PageSession session, String connectionId, long now) {
    PageSession before = byConnection.put(connectionId, session);
    if (before != null && before != session) {
      release(before, connectionId, false, now);
    }
    session.expiresAt = Long.MAX_VALUE;
    session.connected = true;
    detached.remove(session);
    session.addConnection(connectionId);
  }

  /** The connection went away (or said bye): the named session and whatever else it holds are let go. */
  void detached(String sessionId, String connectionId, boolean bye, long now) {
    PageSession held = byConnection.remove(connectionId);
    PageSession session = byId.get(sessionId);
    if (session != null) {
      release(session, connectionId, bye, now);
    }
    if (held != null && held != session) {
      release(held, connectionId, bye, now);
    }
  }

  private void release(PageSession session, String connectionId, boolean bye, long now) {
    if (session.removeConnection(connectionId) && !session.hasConnections()) {
      session.expiresAt = now + (bye ? Math.min(resumeGraceMillis, idleTtlMillis) : idleTtlMillis);
      session.connected = false;
      detached.add(session);
    }
  }

  /** Removes and returns the sessions whose time is up. */
  List<PageSession> expire(long now) {
    List<PageSession> ended = new ArrayList<>();
    for (Iterator<PageSession> it = detached.iterator(); it.hasNext(); ) {
      PageSession session = it.next();
      if (session.expiresAt <= now) {
        it.remove();
        byId.remove(session.id, session);
        byResumeHash.remove(session.resumeHash);
        byHandle.remove(session.handle);
        session.connections().forEach(c -> byConnection.remove(c, session));
        count(session.address, -1);
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

  /** Live sessions of this client address, plus those admitted and being set up. */
  int ofAddress(String address) {
    return perAddress.getOrDefault(address, 0);
  }
}
