package org.siteconnect.gateway.session;

/** A page session as the gateway keeps it: never shown to the page except its code and resume token. */
final class PageSession {
  final String id;
  final String siteKey;
  final String resumeToken;
  /** What agents see instead of the id: random, unrelated to the id, the code or the resume token. */
  final String handle;
  final long startedAt;
  String code;
  boolean connected = true;
  /** Connections holding the session; a reconnect may arrive before the old connection's close is seen. */
  int connections = 1;
  /** Millis since epoch after which the session ends; {@code Long.MAX_VALUE} while a connection holds it. */
  long expiresAt = Long.MAX_VALUE;

  PageSession(String id, String siteKey, String resumeToken, String handle, String code, long startedAt) {
    this.id = id;
    this.siteKey = siteKey;
    this.resumeToken = resumeToken;
    this.handle = handle;
    this.code = code;
    this.startedAt = startedAt;
  }
}
