package org.siteconnect.gateway.chat;

import io.vertx.core.json.JsonObject;

/**
 * A chat as stored; {@code state} is waiting, active or ended. {@code visitorToken} lets the visitor's page take
 * the chat back after its page session is gone (a gateway restart): it is only ever sent to that page.
 */
public record ChatRecord(
    String id,
    String site,
    String button,
    String sessionId,
    String agentLogin,
    String agentName,
    String state,
    long createdAt,
    Long acceptedAt,
    Long endedAt,
    String endedBy,
    Integer rating,
    String visitorToken) {
  public static final String WAITING = "waiting";
  public static final String ACTIVE = "active";
  public static final String ENDED = "ended";

  ChatRecord accepted(String login, String name, long at) {
    return new ChatRecord(
        id,
        site,
        button,
        sessionId,
        login,
        name,
        ACTIVE,
        createdAt,
        at,
        null,
        null,
        null,
        visitorToken);
  }

  ChatRecord ended(String by, long at) {
    return new ChatRecord(
        id,
        site,
        button,
        sessionId,
        agentLogin,
        agentName,
        ENDED,
        createdAt,
        acceptedAt,
        at,
        by,
        rating,
        visitorToken);
  }

  ChatRecord rated(int stars) {
    return new ChatRecord(
        id,
        site,
        button,
        sessionId,
        agentLogin,
        agentName,
        state,
        createdAt,
        acceptedAt,
        endedAt,
        endedBy,
        stars,
        visitorToken);
  }

  /** The same chat, now reached through another page session. */
  ChatRecord rebound(String newSessionId) {
    return new ChatRecord(
        id,
        site,
        button,
        newSessionId,
        agentLogin,
        agentName,
        state,
        createdAt,
        acceptedAt,
        endedAt,
        endedBy,
        rating,
        visitorToken);
  }

  /** The view agents get: never the page session id or the visitor token. */
  public JsonObject toJson() {
    return new JsonObject()
        .put("id", id)
        .put("site", site)
        .put("button", button)
        .put("agent", agentLogin)
        .put("agentName", agentName)
        .put("state", state)
        .put("createdAt", createdAt)
        .put("acceptedAt", acceptedAt)
        .put("endedAt", endedAt)
        .put("endedBy", endedBy)
        .put("rating", rating);
  }
}
