package org.siteconnect.gateway.session;

/** A page session as the gateway keeps it: never shown to the page except its code and resume token. */
final class PageSession {
  final String id;
  final String siteKey;
  final String resumeToken;
  String code;
  /** Millis since epoch after which the session ends; {@code Long.MAX_VALUE} while a connection holds it. */
  long expiresAt = Long.MAX_VALUE;

  PageSession(String id, String siteKey, String resumeToken, String code) {
    this.id = id;
    this.siteKey = siteKey;
    this.resumeToken = resumeToken;
    this.code = code;
  }
}
