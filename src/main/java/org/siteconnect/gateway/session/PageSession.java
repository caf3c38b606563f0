package org.siteconnect.gateway.session;

import org.siteconnect.gateway.bus.SecretHashes;

/** A page session as the gateway keeps it: never shown to the page except its code and resume token. */
final class PageSession {
  final String id;
  final String siteKey;
  /** Null for a session restored from the database (only the hash is kept there) until the page resumes it. */
  String resumeToken;
  /** SHA-256 of the resume token: what the session is found by. */
  final String resumeHash;
  /** What agents see instead of the id: random, unrelated to the id, the code or the resume token. */
  final String handle;

  final long startedAt;
  /** The client address that started it (null if unknown): counted against {@code limits.sessionsPerAddress}. */
  final String address;

  String code;
  boolean connected = true;
  /**
   * Connections (bridge connection ids, cluster-unique) holding the session; a reconnect may arrive before the
   * old connection's close is seen, and after a leader change routers re-assert the ones they hold.
   */
  private String connection;
  /** The others, only while more than one connection holds the session (rare: no set per page, issue 22). */
  private java.util.Set<String> moreConnections;
  /** Millis since epoch after which the session ends; {@code Long.MAX_VALUE} while a connection holds it. */
  long expiresAt = Long.MAX_VALUE;
  /** The visitor context (docs/CONTEXT.md): leader memory only, the page sends it again after a restart. */
  VisitorContext context;
  /**
   * The visitor id the frame keeps (sites[].rememberVisitorDays, docs/CONTEXT.md), checked; null when the site keeps
   * none. Leader memory only, like the context: the page sends it again with every hello.
   */
  String visitorId;

  PageSession(
      String id,
      String siteKey,
      String resumeToken,
      String handle,
      String code,
      long startedAt,
      String address) {
    this(
        id,
        siteKey,
        resumeToken,
        SecretHashes.sha256Hex(resumeToken),
        handle,
        code,
        startedAt,
        address);
  }

  PageSession(
      String id,
      String siteKey,
      String resumeToken,
      String resumeHash,
      String handle,
      String code,
      long startedAt,
      String address) {
    this.id = id;
    this.address = address;
    this.siteKey = siteKey;
    this.resumeToken = resumeToken;
    this.resumeHash = resumeHash;
    this.handle = handle;
    this.code = code;
    this.startedAt = startedAt;
  }

  /** Adds a connection that holds the session (no effect if it holds it already). */
  void addConnection(String connectionId) {
    if (connection == null || connection.equals(connectionId)) {
      connection = connectionId;
    } else {
      if (moreConnections == null) {
        moreConnections = new java.util.HashSet<>(4);
      }
      moreConnections.add(connectionId);
    }
  }

  /** Removes a connection; true if it held the session. */
  boolean removeConnection(String connectionId) {
    if (connectionId.equals(connection)) {
      connection = null;
      if (moreConnections != null) {
        var it = moreConnections.iterator();
        connection = it.next();
        it.remove();
        if (moreConnections.isEmpty()) {
          moreConnections = null;
        }
      }
      return true;
    }
    if (moreConnections != null && moreConnections.remove(connectionId)) {
      if (moreConnections.isEmpty()) {
        moreConnections = null;
      }
      return true;
    }
    return false;
  }

  /** Whether any connection holds the session. */
  boolean hasConnections() {
    return connection != null;
  }

  /** The connections holding the session (a new list). */
  java.util.List<String> connections() {
    java.util.List<String> all = new java.util.ArrayList<>(2);
    if (connection != null) {
      all.add(connection);
    }
    if (moreConnections != null) {
      all.addAll(moreConnections);
    }
    return all;
  }

  /** What a new leader needs to take the session over (the cluster map's value). */
  io.vertx.core.json.JsonObject toJson() {
    return new io.vertx.core.json.JsonObject()
        .put("id", id)
        .put("site", siteKey)
        .put("resume", resumeToken)
        .put("resumeHash", resumeHash)
        .put("handle", handle)
        .put("code", code)
        .put("startedAt", startedAt)
        .put("addr", address)
        .put("visitor", visitorId);
  }

  static PageSession fromJson(io.vertx.core.json.JsonObject json) {
    String resume = json.getString("resume");
    PageSession session = new PageSession(
        json.getString("id"),
        json.getString("site"),
        resume,
        json.getString("resumeHash", resume == null ? null : SecretHashes.sha256Hex(resume)),
        json.getString("handle"),
        json.getString("code"),
        json.getLong("startedAt", 0L),
        json.getString("addr"));
    session.visitorId = json.getString("visitor"); // a new leader keeps linking the visitor's chats
    return session;
  }
}
